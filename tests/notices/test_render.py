"""Rendering of every notice type to HTML and PDF, read back with pdftotext and checked glyph
by glyph; autoescaping, office overrides and the sandbox; details validation."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from supervise.errors import ConfigError, InvalidInput, SuperviseError
from supervise.notices.glyphs import missing_glyphs
from supervise.notices.pdf import html_to_pdf
from supervise.notices.render import TEMPLATE_DIR, NoticeRenderer, cn_num
from supervise.notices.types import NOTICE_TYPES, validate_details
from tests.notices.samples import NUMBERS, TITLES, make_context

PUBLIC_TYPES = [
    "interview_notice",
    "interview_record",
    "rectification_order",
    "warning_prior_notice",
    "warning_decision",
    "replacement_prior_notice",
    "replacement_order",
    "ban_prior_notice",
    "hearing_notice",
    "ban_decision",
    "ban_lifted",
    "cascade_notice",
    "revocation_notice",
]

DECISIONS = {"warning_decision", "replacement_order", "ban_decision", "rectification_order"}

PROVISIONAL = "（暂定，以国务院公布的放假安排为准）"

# Text each type must show beyond title, number, date and basis (whitespace removed).
EXPECTED: dict[str, list[str]] = {
    "interview_notice": [
        "重庆市阳光儿童关爱协会：",
        "约谈时间：2026年12月8日上午9时30分",
        "约谈地点：重庆市民政局社会组织管理处第三会议室",
        "王建国、刘敏",
        "秘书长张伟",
        "民发〔2016〕39号",
        "书面说明",
    ],
    "interview_record": ["约谈情况", "被约谈人承认上述事实", "2027年1月7日" + PROVISIONAL, "签名"],
    "rectification_order": ["整改要求", "2026年12月31日前完成整改", "活动异常名录"],
    "warning_prior_notice": ["2026年12月4日前", "陈述、申辩", "第四十四条", "拟对你单位作出"],
    "warning_decision": [
        "当事人：重庆市阳光儿童关爱协会",
        "51500000MJP123456X",
        "住所：重庆市渝中区民族路188号",
        "法定代表人：王立",
        "警告",
        "责令你单位自收到本决定书之日起三十日内改正上述违法行为，并将改正情况书面报告本机关",
    ],
    "replacement_prior_notice": ["2026年12月4日前", "秘书长张伟", "责令撤换直接负责的主管人员"],
    "replacement_order": ["2027年1月15日" + PROVISIONAL, "秘书长张伟", "变更登记"],
    "ban_prior_notice": [
        "当事人：张伟",
        "住址：重庆市渝中区解放西路66号",
        "五个工作日内",
        "2026年12月8日前",
        "要求举行听证",
        "拟对你作出如下行政处罚：三年内不得担任慈善组织的管理人员",
        "禁止期限三年",
    ],
    "hearing_notice": [
        "听证时间：2026年12月21日下午2时30分",
        "听证地点：重庆市民政局听证室",
        "听证主持人：赵立新",
        "一至二人代理",
        "申请回避",
        "2026年12月4日提出了听证要求",
    ],
    "ban_decision": [
        "当事人：张伟",
        "110105********002X",
        "住址：重庆市渝中区解放西路66号",
        "禁止期限：三年，自2026年12月1日起至2029年11月30日止",
        "三年内不得担任慈善组织的管理人员",
        "要求听证",
    ],
    "ban_lifted": [
        "于2023年11月20日依据",
        "《从业禁止决定书》（渝民社禁决〔2023〕2号）",
        "已于2026年11月30日届满",
    ],
    "cascade_notice": [
        "重庆市阳光儿童关爱协会：",
        "本机关于2026年12月1日作出《从业禁止决定书》（渝民社禁决〔2026〕8号）",
        "张伟现任你单位秘书长",
        "自收到本通知书之日起三十日内依照章程终止其秘书长职务",
        "本通知不是对你单位的行政处罚",
    ],
    "revocation_notice": [
        "渝府复决〔2027〕12号",
        "认定事实不清，证据不足",
        "于2026年12月1日",
        "渝民社罚决〔2026〕3号",
        "自始不发生法律效力",
        "第四十八条",
    ],
}


@pytest.fixture(scope="module")
def renderer() -> NoticeRenderer:
    return NoticeRenderer()


@pytest.fixture
def weasyprint() -> ModuleType:
    module: ModuleType = pytest.importorskip("weasyprint")
    return module


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- the type table ---------------------------------------------------------------------


def test_notice_type_keys_are_the_public_contract() -> None:
    assert list(NOTICE_TYPES) == PUBLIC_TYPES
    for key, nt in NOTICE_TYPES.items():
        assert nt.key == key
        assert (TEMPLATE_DIR / f"{key}.html").is_file()
        assert not set(nt.required_fields) & set(nt.optional_fields)
        assert nt.template_version


# --- per type: HTML and the real PDF ----------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("notice_type", PUBLIC_TYPES)
def test_notice_renders_to_pdf(
    notice_type: str, renderer: NoticeRenderer, weasyprint: ModuleType, tmp_path: Path
) -> None:
    context = make_context(notice_type)
    html = renderer.render_html(notice_type, context)
    assert html.startswith("<!DOCTYPE html>")
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF-")
    raw = pdf_text(pdf, tmp_path)
    text = flat(raw)

    expected = [TITLES[notice_type], NUMBERS[notice_type]]
    if notice_type != "interview_record":  # a record is signed on the spot, not issued
        expected += ["重庆市民政局2026年12月1日", "重庆市渝中区人民路252号"]
        # The seal placeholder is on screen (HTML) only: the PDF is sealed by hand.
        assert "（印章）" in html and "（印章）" not in text
    assert "样本" not in text  # the sample context has the office's own address
    if context["basis"] is not None:
        expected.append(context["basis"]["citation"])
    if notice_type in DECISIONS:
        expected += [
            "六十日内向重庆市人民政府申请行政复议",
            "六个月内直接向重庆市渝中区人民法院提起行政诉讼",
            "不停止执行",
        ]
    expected += EXPECTED[notice_type]
    # A page number falls where the page breaks, inside a sentence or a reference.
    assert "—1—" in text
    running = re.sub(r"—\d+—", "", text)
    for snippet in expected:
        assert flat(snippet) in running, f"{snippet!r} missing from {notice_type} PDF text"
    if notice_type == "interview_record":
        assert "（印章）" not in html  # records are signed, not sealed
    # pdftotext cannot see boxes; this reads the glyphs actually painted.
    assert missing_glyphs(pdf, raw) == set()


def test_provisional_deadline_is_marked(renderer: NoticeRenderer) -> None:
    context = make_context("warning_prior_notice")
    context["deadlines"]["defence_window"]["provisional"] = True
    html = renderer.render_html("warning_prior_notice", context)
    assert "2026年12月4日" + '<span class="provisional">' + PROVISIONAL in html
    context["deadlines"]["defence_window"]["provisional"] = False
    assert PROVISIONAL not in renderer.render_html("warning_prior_notice", context)


# --- autoescaping -----------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script>{{ 7*7 }}"


def hostile_context(notice_type: str) -> dict[str, Any]:
    context = make_context(notice_type)
    context["organization"]["name"] = "阳光" + HOSTILE + "协会"
    context["details"]["facts"] = "事实<b>加粗</b>{{ 7*7 }}"
    return context


def test_values_are_escaped_in_html(renderer: NoticeRenderer) -> None:
    html = renderer.render_html("warning_prior_notice", hostile_context("warning_prior_notice"))
    assert "<script>" not in html and "<b>" not in html
    assert "阳光&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}协会" in html
    assert "事实&lt;b&gt;加粗&lt;/b&gt;{{ 7*7 }}" in html
    assert "49" not in html


def test_values_are_escaped_in_sandboxed_override(tmp_path: Path) -> None:
    sandboxed = NoticeRenderer(override_dir=tmp_path)
    html = sandboxed.render_html("warning_prior_notice", hostile_context("warning_prior_notice"))
    assert "<script>" not in html and "&lt;script&gt;" in html and "{{ 7*7 }}" in html


@pytest.mark.slow
def test_escaped_values_print_literally_in_pdf(
    renderer: NoticeRenderer, weasyprint: ModuleType, tmp_path: Path
) -> None:
    html = renderer.render_html("warning_decision", hostile_context("warning_decision"))
    text = flat(pdf_text(html_to_pdf(html), tmp_path))
    assert flat("阳光" + HOSTILE + "协会") in text
    assert flat("事实<b>加粗</b>{{ 7*7 }}") in text


# --- office overrides and the sandbox ---------------------------------------------------


def test_package_renderer_is_not_sandboxed_and_override_is(tmp_path: Path) -> None:
    assert not NoticeRenderer().sandboxed
    assert NoticeRenderer(override_dir=tmp_path).sandboxed


def test_override_replaces_a_type_template(tmp_path: Path, renderer: NoticeRenderer) -> None:
    (tmp_path / "warning_decision.html").write_text(
        '{% extends "_layout.html" %}{% block body %}<p>本局自定义正文：{{ organization.name }}'
        "</p>{% endblock %}",
        encoding="utf-8",
    )
    office = NoticeRenderer(override_dir=tmp_path)
    html = office.render_html("warning_decision", make_context("warning_decision"))
    assert "本局自定义正文：重庆市阳光儿童关爱协会" in html
    assert "渝民社罚决〔2026〕3号" in html  # the packaged layout still frames it
    # Other types keep the packaged template.
    other = office.render_html("warning_prior_notice", make_context("warning_prior_notice"))
    assert other == renderer.render_html(
        "warning_prior_notice", make_context("warning_prior_notice")
    )


def test_override_of_layout_applies_to_every_type(tmp_path: Path) -> None:
    (tmp_path / "_layout.html").write_text(
        "<html><body><h1>{{ authority.name }}（办公室模板）</h1>{% block body %}{% endblock %}"
        "</body></html>",
        encoding="utf-8",
    )
    office = NoticeRenderer(override_dir=tmp_path)
    for notice_type in ("interview_notice", "ban_decision"):
        html = office.render_html(notice_type, make_context(notice_type))
        assert "重庆市民政局（办公室模板）" in html
        assert "red-rule" not in html


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ notice.__class__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ details.update({'facts': 'x'}) }}",
    ],
)
def test_override_is_sandboxed(tmp_path: Path, source: str) -> None:
    (tmp_path / "warning_decision.html").write_text(source, encoding="utf-8")
    office = NoticeRenderer(override_dir=tmp_path)
    with pytest.raises(SuperviseError, match="sandbox forbids") as info:
        office.render_html("warning_decision", make_context("warning_decision"))
    assert "warning_decision.html line 1" in str(info.value)


def test_override_errors_name_the_template(tmp_path: Path) -> None:
    (tmp_path / "warning_decision.html").write_text("ok\n{% for %}", encoding="utf-8")
    office = NoticeRenderer(override_dir=tmp_path)
    with pytest.raises(SuperviseError, match=r"warning_decision.html line 2 has a syntax error"):
        office.render_html("warning_decision", make_context("warning_decision"))
    (tmp_path / "warning_decision.html").write_text("{{ no_such_value.x }}", encoding="utf-8")
    office = NoticeRenderer(override_dir=tmp_path)
    with pytest.raises(SuperviseError, match="no_such_value"):
        office.render_html("warning_decision", make_context("warning_decision"))
    (tmp_path / "warning_decision.html").write_text('{% include "gone.html" %}', encoding="utf-8")
    office = NoticeRenderer(override_dir=tmp_path)
    with pytest.raises(SuperviseError, match="'gone.html'.*was not found"):
        office.render_html("warning_decision", make_context("warning_decision"))


def test_missing_override_dir_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        NoticeRenderer(override_dir=tmp_path / "nope")


def test_template_version(tmp_path: Path, renderer: NoticeRenderer) -> None:
    version = renderer.template_version("warning_decision")
    assert re.fullmatch(r"[0-9a-f]{12}", version)
    assert NoticeRenderer().template_version("warning_decision") == version
    assert renderer.template_version("ban_decision") != version
    # An override folder with nothing relevant in it changes nothing.
    (tmp_path / "unrelated.txt").write_text("x", encoding="utf-8")
    assert NoticeRenderer(override_dir=tmp_path).template_version("warning_decision") == version
    (tmp_path / "warning_decision.html").write_text('{% extends "_layout.html" %}')
    office = NoticeRenderer(override_dir=tmp_path)
    assert office.template_version("warning_decision") != version
    assert office.template_version("ban_decision") == renderer.template_version("ban_decision")
    (tmp_path / "style.css").write_text("body { color: #000; }")
    assert office.template_version("ban_decision") != renderer.template_version("ban_decision")


def test_an_override_added_while_running_is_rendered_and_versioned(tmp_path: Path) -> None:
    # A long-running process (the scheduler) keeps its renderer: a file the office adds to its
    # folder later replaces the packaged one at the next render, and the version says so.
    office = NoticeRenderer(override_dir=tmp_path)
    context = make_context("warning_decision")
    before = office.template_version("warning_decision")
    assert "#123456" not in office.render_html("warning_decision", context)
    (tmp_path / "style.css").write_text("body { color: #123456; }", encoding="utf-8")
    assert "#123456" in office.render_html("warning_decision", context)
    after = office.template_version("warning_decision")
    assert after != before
    assert after == NoticeRenderer(override_dir=tmp_path).template_version("warning_decision")
    (tmp_path / "style.css").unlink()
    assert "#123456" not in office.render_html("warning_decision", context)
    assert office.template_version("warning_decision") == before


# --- details and context checks ---------------------------------------------------------


def test_validate_details_accepts_samples() -> None:
    for notice_type in PUBLIC_TYPES:
        details = make_context(notice_type)["details"]
        assert validate_details(notice_type, details) == details


def test_validate_details_refuses_unknown_fields() -> None:
    with pytest.raises(InvalidInput) as info:
        validate_details(
            "interview_notice", {**make_context("interview_notice")["details"], "fax": "1"}
        )
    message = str(info.value)
    assert "fax" in message and "allowed:" in message and "interviewers" in message


def test_validate_details_refuses_missing_and_blank_required_fields() -> None:
    with pytest.raises(InvalidInput, match="needs details field.*time_cn, place"):
        validate_details("interview_notice", {"facts": "x", "interviewers": "王"})
    with pytest.raises(InvalidInput, match="evidence"):
        validate_details("warning_decision", {"facts": "x", "evidence": "  "})


def test_validate_details_refuses_wrong_kinds_and_choices() -> None:
    with pytest.raises(InvalidInput, match="'facts' must be text"):
        validate_details("warning_decision", {"facts": {"a": 1}, "evidence": "x"})
    with pytest.raises(InvalidInput, match="'public' must be true or false"):
        validate_details(
            "hearing_notice",
            {"hearing_time_cn": "t", "hearing_place": "p", "chair": "c", "public": "yes"},
        )
    with pytest.raises(InvalidInput, match="use one of organization, person"):
        validate_details("revocation_notice", {"reason": "r", "reference": "x", "party": "court"})
    with pytest.raises(InvalidInput, match="unknown notice type 'warning'"):
        validate_details("warning", {})


def test_render_refuses_incomplete_context(renderer: NoticeRenderer) -> None:
    context = make_context("warning_decision")
    del context["remedies"]
    with pytest.raises(InvalidInput, match="lacks key.*remedies"):
        renderer.render_html("warning_decision", context)
    with pytest.raises(InvalidInput, match="needs context basis"):
        renderer.render_html("warning_decision", make_context("warning_decision", basis=None))
    context = make_context("ban_prior_notice")
    del context["deadlines"]["hearing_request"]
    with pytest.raises(InvalidInput, match="deadlines.hearing_request"):
        renderer.render_html("ban_prior_notice", context)
    bad = make_context("warning_decision")
    bad["details"]["fax"] = "1"
    with pytest.raises(InvalidInput, match="fax"):
        renderer.render_html("warning_decision", bad)


def test_optional_fields_may_be_left_out(renderer: NoticeRenderer) -> None:
    context = make_context("hearing_notice")
    context["details"] = {"hearing_time_cn": "某日", "hearing_place": "某地", "chair": "某人"}
    html = renderer.render_html("hearing_notice", context)
    assert "听证员" not in html and "在法定期限内" in html
    assert "听证公开举行" in html
    context["details"]["public"] = False
    assert "不公开举行" in renderer.render_html("hearing_notice", context)


def test_revocation_goes_to_the_person_for_a_ban(renderer: NoticeRenderer) -> None:
    context = make_context("revocation_notice")
    assert "<p>当事人：重庆市阳光儿童关爱协会</p>" in renderer.render_html(
        "revocation_notice", context
    )
    context["details"]["party"] = "person"
    person = renderer.render_html("revocation_notice", context)
    assert "<p>当事人：张伟</p>" in person
    assert '<span class="idno" data-idno="party">110105********002X</span>' in person


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0, "零"),
        (6, "六"),
        (10, "十"),
        (12, "十二"),
        (60, "六十"),
        (105, "一百零五"),
        (1010, "一千零一十"),
    ],
)
def test_cn_num(number: int, text: str) -> None:
    assert cn_num(number) == text


def test_document_numbers_are_escaped_and_kept_whole(renderer: NoticeRenderer) -> None:
    context = make_context("ban_lifted")
    context["original"]["number"] = "<b>渝民社禁决〔2023〕2号"
    html = renderer.render_html("ban_lifted", context)
    assert (
        '<span class="docno">&lt;b&gt;渝民社禁决〔2023〕</span><span class="docno">2号</span>'
        in html
    )


def test_draft_without_number_prints_no_number(renderer: NoticeRenderer) -> None:
    context = make_context("warning_decision")
    context["notice"]["number"] = None
    html = renderer.render_html("warning_decision", context)
    assert "None" not in html and 'class="doc-number"' not in html
