"""Render one example of every notice type to PNG pages under docs/examples/.

Builds a scratch SQLite database, registers three fictional organizations and their
leaders, and drives three cases through the public service API on a moving clock (one
step per working day that the law allows), so that every type in
``supervise.notices.NOTICE_TYPES`` is issued at least once with realistic content. Each
notice is rendered through the engine (``supervise.services.notice_records.render(app, id,
"pdf")``), checked (document number and organization name in ``pdftotext``, every
character drawn by an embedded glyph), and pages 1 and 2 are written as PNG with
``pdftoppm``. The PDFs themselves stay in the scratch folder.

    .venv/bin/python scripts/render_examples.py [--dpi 50] [--keep DIR]

Re-runnable: the PNGs of the previous run are replaced; the clock is fixed, so the same
code and fonts give the same pages. Needs poppler-utils (pdftoppm, pdftotext) and
fonts-noto-cjk.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from supervise.adapters.database import make_engine  # noqa: E402
from supervise.adapters.migrate import upgrade_to_head  # noqa: E402
from supervise.bootstrap import App, bootstrap  # noqa: E402
from supervise.clock import Clock  # noqa: E402
from supervise.config import load_settings  # noqa: E402
from supervise.notices import (  # noqa: E402
    DEFAULT_PATTERNS,
    FIELD_HELP,
    NOTICE_TYPES,
    format_number,
    missing_glyphs,
)
from supervise.rules import Params  # noqa: E402
from supervise.services import (  # noqa: E402
    cases,
    notice_records,  # noqa: E402
    registry,
)
from supervise.services import notices as notice_service  # noqa: E402
from tests.factories import credit_code, id_number  # noqa: E402

OUT = REPO / "docs" / "examples"
GUIDE = REPO / "docs" / "notices.md"
MAX_PNG_BYTES = 150 * 1024
PAGES = 2  # page 1, and page 2 where the notice has one (--pages to show more)

# The office as it would configure itself (config.yaml `office:`); fictional address/phone.
OFFICE_CONFIG = """\
office:
  name: 重庆市民政局
  address: 重庆市渝北区示例大道100号
  phone: "023-67000000"
  review_body: 重庆市人民政府
  court: 重庆市渝北区人民法院
"""


# --- the cast (all fictional) ------------------------------------------------------------

ORGS = {
    "youth": registry.OrgInput(
        name="重庆市阳光青少年发展促进会",
        credit_code=credit_code(101, prefix="51500000"),  # 51: 社会团体; 500000: 市级登记
        district="渝中区",
        township="解放碑街道",
        kind="social-group",
        charity=True,
    ),
    "fund": registry.OrgInput(
        name="重庆市春晖慈善基金会",
        credit_code=credit_code(202, prefix="53500000"),  # 53: 基金会
        district="渝北区",
        township="龙溪街道",
        kind="foundation",
        charity=True,
    ),
    "care": registry.OrgInput(
        name="重庆市康宁养老服务中心",
        credit_code=credit_code(303, prefix="52500000"),  # 52: 民办非企业单位(社会服务机构)
        district="南岸区",
        township="南坪街道",
        kind="service-org",
        charity=False,
    ),
}
PERSONS = {
    "liu": ("刘建华", id_number(11, birth="19760315")),
    "zhou": ("周明远", id_number(22, birth="19681108")),
    "chen": ("陈晓梅", id_number(33, birth="19820620")),
}
CASES = {"youth": ("youth", "liu", "秘书长"), "fund": ("fund", "zhou", "理事长"),
         "care": ("care", "chen", "主任")}  # fmt: skip


# --- what happens, in date order ----------------------------------------------------------

_YOUTH_FACTS = (
    "你单位未按照规定参加2025年度检查，经本机关2026年3月10日约谈并责令限期整改后，"
    "至整改期限届满（2026年4月9日）仍未报送2025年度工作报告；\n"
    "你单位2025年度开展“阳光助学”公益项目，募集资金86.4万元，未按照章程规定经理事会审议即"
    "将其中12万元用于支付办公场所租金，且未在年度财务报告中如实披露。"
)
# A decision names the organization 当事人 (行政处罚法 Art. 59); the prior notice says 你单位.
_YOUTH_DECISION_FACTS = _YOUTH_FACTS.replace("你单位", "当事人")
_YOUTH_EVIDENCE = "\n".join(
    [
        "1.本机关社会组织年度工作报告报送系统记录（2026年6月2日打印）；",
        "2.你单位2025年度银行账户流水及记账凭证复印件（第2025-0412号至第2025-0431号）；",
        "3.2026年3月10日约谈记录（渝民社约记〔2026〕1号）；",
        "4.你单位秘书长刘建华的询问笔录（2026年6月5日）。",
    ]
)


@dataclass
class Step:
    at: str  # local time the step happens (the clock is set to it)
    case: str
    event: str  # a case event, or "serve" (serve every unserved notice of the case)
    params: Params = field(default_factory=Params)
    method: str = "direct"


TIMELINE: list[Step] = [
    # Case "youth": 约谈 -> 整改 -> 警告 -> 责令撤换 (a 社会团体 that is also a charity).
    Step(
        "2026-03-02T09:30",
        "youth",
        "schedule_interview",
        Params(
            date=date(2026, 3, 10),
            details={
                "facts": "你单位未按照《社会团体登记管理条例》和本机关要求参加2025年度检查，"
                "且2025年度财务收支情况未按照章程规定向会员公开。",
                "time_cn": "2026年3月10日上午9时30分",
                "place": "重庆市民政局社会组织管理局301会议室",
                "interviewers": ["张志强", "李娜"],
                "materials": [
                    "单位登记证书副本",
                    "2025年度财务会计报告",
                    "理事会会议纪要",
                    "被约谈人身份证件",
                ],
                "contact": "李娜，023-67000001",
            },
        ),
    ),
    Step("2026-03-03T10:00", "youth", "serve"),
    Step(
        "2026-03-10T11:00",
        "youth",
        "record_interview",
        Params(
            reason="约谈记录：被约谈人承认未参加2025年度检查、未公开财务收支，承诺限期整改",
            details={
                "time_cn": "2026年3月10日上午9时30分至10时40分",
                "place": "重庆市民政局社会组织管理局301会议室",
                "interviewers": ["张志强", "李娜"],
                "recorder": "王丽",
                "attendees": ["赵敏（被约谈单位财务负责人）"],
                "record": "约谈人告知被约谈人约谈的事由、依据和要求。\n"
                "被约谈人刘建华陈述：因秘书处人员变动，未能按时参加2025年度检查；"
                "2025年度财务收支情况已经理事会审议，但尚未向会员公开。\n"
                "约谈人指出上述问题，要求你单位立即整改，并如实报告整改情况。"
                "被约谈人表示接受，承诺按期完成整改。",
                "facts": "你单位未按照规定参加2025年度检查；"
                "2025年度财务收支情况未按照章程规定向会员公开。",
                "evidence": "2026年3月10日约谈记录（渝民社约记〔2026〕1号）",
                "requirements": "1.补报2025年度工作报告，按照规定参加年度检查；\n"
                "2.将2025年度财务收支情况向全体会员公开，并在本单位网站公示；\n"
                "3.健全财务管理和信息公开制度，明确专人负责。",
                "contact": "李娜，023-67000001",
            },
        ),
    ),
    Step("2026-03-10T15:00", "youth", "serve"),
    Step(
        "2026-06-15T09:00",
        "youth",
        "propose_warning",
        Params(
            details={
                "facts": _YOUTH_FACTS,
                "evidence": _YOUTH_EVIDENCE,
                "reasons": "你单位逾期不参加年度检查、违反章程规定使用募集资金，情节较轻，"
                "经约谈和责令整改后仍未改正。",
                "contact": "张志强，023-67000002",
            }
        ),
    ),
    Step("2026-06-16T10:00", "youth", "serve", method="mail"),
    Step(
        "2026-06-18T16:00",
        "youth",
        "record_statement",
        Params(reason="当事人提交书面陈述：年度工作报告已于6月17日补报，请求从轻处理"),
    ),
    Step(
        "2026-06-25T09:00",
        "youth",
        "issue_warning",
        Params(
            details={
                "facts": _YOUTH_DECISION_FACTS,
                "evidence": _YOUTH_EVIDENCE.replace("你单位", "当事人"),
                "statement_summary": "当事人在陈述、申辩期限内提交了书面陈述意见，"
                "称已于2026年6月17日补报年度工作报告，请求从轻处理。经复核，当事人补报行为发生在整改"
                "期限届满之后，且未说明募集资金使用问题，所提意见不予采纳",
                "compliance": "本决定自送达之日起执行。当事人应当自收到本决定书之日起三十日内将"
                "被挪用的12万元募集资金归还原项目专户，并将整改情况书面报告本机关",
                "contact": "张志强，023-67000002",
            }
        ),
    ),
    Step("2026-06-26T10:00", "youth", "serve"),
    # Case "care": 警告, later set aside on 行政复议 (a 社会服务机构).
    Step(
        "2026-07-06T09:00",
        "care",
        "propose_warning",
        Params(
            details={
                "facts": "你单位在2025年度未按照登记的业务范围开展活动，"
                "以“康养体验营”名义向社会公众收取会员费共计23.6万元。",
                "evidence": "\n".join(
                    [
                        "1.现场检查笔录（2026年6月23日）；",
                        "2.会员费收款收据及银行流水；",
                        "3.你单位章程及登记证书载明的业务范围。",
                    ]
                ),
                "contact": "何静，023-67000003",
            }
        ),
    ),
    Step("2026-07-07T10:00", "care", "serve"),
    Step(
        "2026-07-13T09:00",
        "care",
        "issue_warning",
        Params(
            details={
                "facts": "当事人在2025年度未按照登记的业务范围开展活动，"
                "以“康养体验营”名义向社会公众收取会员费共计23.6万元。",
                "evidence": "\n".join(
                    [
                        "1.现场检查笔录（2026年6月23日）；",
                        "2.会员费收款收据及银行流水；",
                        "3.当事人章程及登记证书载明的业务范围。",
                    ]
                ),
                "statement_summary": "当事人在陈述、申辩期限内未提出陈述、申辩意见",
                "contact": "何静，023-67000003",
            }
        ),
    ),
    Step("2026-07-14T10:00", "care", "serve"),
    # Back to "youth": 责令撤换 the 秘书长 (社会团体登记管理条例 Art. 30).
    Step(
        "2026-08-03T09:00",
        "youth",
        "propose_replacement",
        Params(
            details={
                "facts": "你单位秘书长刘建华在本机关作出警告决定后，仍未按要求归还被挪用的"
                "募集资金，且拒不向会员公开2025年度财务收支情况；",
                "evidence": "\n".join(
                    [
                        "1.本机关《行政处罚决定书》（渝民社罚决〔2026〕1号）及送达回证；",
                        "2.2026年7月28日现场检查笔录；",
                        "3.你单位银行账户流水（2026年6月至7月）。",
                    ]
                ),
                "reasons": "秘书长刘建华作为直接负责的主管人员，对上述违法行为负有直接责任。",
                "contact": "张志强，023-67000002",
            }
        ),
    ),
    Step("2026-08-04T10:00", "youth", "serve"),
    Step("2026-08-05T15:00", "youth", "record_statement", Params(waiver=True)),
    Step(
        "2026-08-06T09:00",
        "youth",
        "order_replacement",
        Params(
            details={
                "facts": "当事人在本机关作出警告决定后，仍未归还被挪用的募集资金12万元，"
                "且拒不向会员公开2025年度财务收支情况。",
                "evidence": "\n".join(
                    [
                        "1.本机关《行政处罚决定书》（渝民社罚决〔2026〕1号）及送达回证；",
                        "2.2026年7月28日现场检查笔录；",
                        "3.当事人银行账户流水（2026年6月至7月）。",
                    ]
                ),
                "statement_summary": "当事人于2026年8月5日书面表示放弃陈述、申辩权利",
                "report_method": "撤换完成后，当事人应当将理事会（会员代表大会）决议及新任秘书长"
                "的基本情况书面报告本机关",
                "contact": "张志强，023-67000002",
            }
        ),
    ),
    Step("2026-08-07T10:00", "youth", "serve"),
    # Case "care" again: the warning is set aside on 行政复议.
    Step(
        "2026-09-14T09:00",
        "care",
        "revoke_warning",
        Params(
            reason="原决定认定当事人超出业务范围开展活动的事实不清、证据不足",
            reference="重庆市人民政府《行政复议决定书》（渝府复〔2026〕156号）",
            details={
                "party": "organization",
                "original_title": "行政处罚决定书",
                "original_number": "渝民社罚决〔2026〕2号",
                "original_date_cn": "2026年7月13日",
                "follow_up": "删除你单位社会组织信用信息中的该项行政处罚记录",
                "contact": "何静，023-67000003",
            },
        ),
    ),
    Step("2026-09-15T10:00", "care", "serve"),
]

# Case "fund": 从业禁止 with a hearing in 2025, ended in 2026 (慈善法 Art. 112).
_FUND_FACTS = (
    "2024年3月至9月，你未经理事会决议，指使财务人员将“春晖助医”慈善项目资金共计48.5万元"
    "分三次转入你实际控制的重庆某某商贸有限公司账户，用于该公司经营周转，"
    "至2024年12月方才归还。"
)
_FUND_DECISION_FACTS = (
    "当事人在担任重庆市春晖慈善基金会理事长期间，于2024年3月至9月，未经理事会决议，"
    "指使财务人员将“春晖助医”慈善项目资金共计48.5万元分三次转入其实际控制的"
    "重庆某某商贸有限公司账户，用于该公司经营周转，至2024年12月方才归还。"
)
_FUND_EVIDENCE = "\n".join(
    [
        "1.重庆市春晖慈善基金会银行账户流水（2024年3月至12月）；",
        "2.重庆某某商贸有限公司收款凭证；",
        "3.财务人员邓某、吴某的询问笔录；",
        "4.你本人的询问笔录（2025年2月18日）；",
        "5.重庆市春晖慈善基金会第三届理事会会议记录。",
    ]
)
TIMELINE += [
    Step(
        "2025-03-03T09:00",
        "fund",
        "propose_ban",
        Params(
            details={
                "facts": _FUND_FACTS,
                "evidence": _FUND_EVIDENCE,
                "reasons": "你作为慈善组织直接负责的主管人员，"
                "擅自将慈善财产用于本人控制的企业经营，构成挪用慈善财产，情节严重。",
                "term_zh": "一年",
                "contact": "孙国平，023-67000004",
            }
        ),
    ),
    Step("2025-03-04T10:00", "fund", "serve"),
    Step(
        "2025-03-06T09:00",
        "fund",
        "request_hearing",
        Params(
            date=date(2025, 3, 20),
            details={
                "hearing_time_cn": "2025年3月20日下午2时30分",
                "place": "重庆市民政局第二听证室",
                "chair": "马骏",
                "members": ["何静", "罗斌"],
                "clerk": "邓雪",
                "request_date_cn": "2025年3月5日",
                "contact": "邓雪，023-67000005",
            },
        ),
    ),
    Step("2025-03-07T10:00", "fund", "serve"),
    Step(
        "2025-03-20T17:00",
        "fund",
        "record_hearing",
        Params(reason="听证笔录：当事人对资金转出事实无异议，称系临时借用且已归还"),
    ),
    Step(
        "2025-03-27T09:00",
        "fund",
        "impose_ban",
        Params(
            until=date(2026, 3, 26),
            details={
                "facts": _FUND_DECISION_FACTS,
                "evidence": _FUND_EVIDENCE.replace("你本人", "当事人"),
                "hearing_summary": "应当事人要求，本机关于2025年3月20日依法举行听证。当事人对"
                "资金转出的事实无异议，但称系临时借用且已全部归还。经复核，"
                "当事人未经决策程序擅自将慈善财产用于本人控制的企业经营，"
                "已构成挪用，归还行为可作为从轻情节予以考虑",
                "contact": "孙国平，023-67000004",
            },
        ),
    ),
    Step("2025-03-28T10:00", "fund", "serve"),
    Step(
        "2026-03-30T09:00",
        "fund",
        "lift_ban",
        Params(
            details={
                "decision_number": "渝民社禁决〔2025〕1号",
                "decision_date_cn": "2025年3月27日",
                "note": "你可以依照有关法律法规和慈善组织章程的规定担任慈善组织的管理人员。",
                "contact": "孙国平，023-67000004",
            }
        ),
    ),
    Step("2026-03-31T10:00", "fund", "serve"),
]
TIMELINE.sort(key=lambda s: s.at)


# --- running it --------------------------------------------------------------------------


def build_app(workdir: Path) -> App:
    db = workdir / "examples.db"
    engine = make_engine(f"sqlite:///{db}", must_exist=False)
    upgrade_to_head(engine)
    engine.dispose()
    config = workdir / "config.yaml"
    config.write_text(OFFICE_CONFIG, encoding="utf-8")
    settings = load_settings(config, environ={})
    app = bootstrap(settings, db_url=f"sqlite:///{db}", user="zhangzq", environ={})
    set_clock(app, TIMELINE[0].at)
    return app


def set_clock(app: App, local: str) -> None:
    moment = datetime.fromisoformat(local).replace(tzinfo=app.settings.zone)
    app.clock = Clock(app.settings.zone, moment)


def drive(app: App, log: Callable[[str], None]) -> dict[int, str]:
    """Register the cast, open the cases at the first step's time and play the timeline.

    Returns where each notice came from (event, day, case, service), by notice id.
    """
    orgs = {k: registry.add_org(app, v).id for k, v in ORGS.items()}
    persons = {k: registry.add_person(app, n, i, None).id for k, (n, i) in PERSONS.items()}
    case_ids = {
        k: cases.appoint(app, orgs[org], persons[person], role, None).id
        for k, (org, person, role) in CASES.items()
    }
    origins: dict[int, str] = {}
    for step in TIMELINE:
        set_clock(app, step.at)
        case_id = case_ids[step.case]
        if step.event == "serve":
            for view in notice_records.list_notices(app, case_id):
                if (
                    view.served_on is None
                    and view.status == "active"
                    and view.type not in notice_service.NOT_SERVED
                ):
                    notice_records.serve(app, view.id, step.method, app.clock.today())
                    origins[view.id] += (
                        f", served {app.clock.today().isoformat()} "
                        f"({notice_service.METHODS[step.method]})"
                    )
                    log(f"  {step.at}  serve {view.number} ({step.method})")
            continue
        result = cases.advance(app, case_id, step.event, step.params)
        made = ", ".join(number for _id, _type, number in result.notices)
        org_name = ORGS[CASES[step.case][0]].name
        for notice_id, _type, _number in result.notices:
            origins[notice_id] = (
                f"issued by `{step.event}` on {step.at[:10]} in case {case_id} ({org_name})"
            )
        log(f"{step.at}  case {case_id} {step.event}: {result.from_state.value} -> "
            f"{result.to_state.value}{'  => ' + made if made else ''}")  # fmt: skip
    return origins


def pdftoppm(pdf: Path, page: int, prefix: Path, dpi: int) -> Path:
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile",
         str(pdf), str(prefix)],
        check=True,
    )  # fmt: skip
    return prefix.with_suffix(".png")


def page_count(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise RuntimeError(f"pdfinfo gave no page count for {pdf}")


def pdftotext(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True)  # fmt: skip
    return out.stdout


def check_pdf(pdf: bytes, path: Path, number: str, names: list[str], html: str) -> list[str]:
    """What is wrong with a rendered notice (empty: nothing found)."""
    problems = []
    text = "".join(pdftotext(path).split())
    for needle in [number, *names]:
        if needle not in text:
            problems.append(f"pdftotext lacks {needle!r}")
    body = re.sub(r"<style>.*?</style>|<[^>]+>", "", html, flags=re.S)
    body = body.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    missing = missing_glyphs(pdf, body)
    if missing:
        problems.append(f"characters without a glyph: {''.join(sorted(missing))}")
    return problems


# --- the generated parts of docs/notices.md ------------------------------------------------


def _code(names: Sequence[str]) -> str:
    return ", ".join(f"`{n}`" for n in names) or "–"


def events_table() -> str:
    rows = ["| event | notice type | document |", "|---|---|---|"]
    for event, types in notice_service.EVENT_NOTICES.items():
        rows.append(
            f"| `{event}` | {_code(types)} | {'；'.join(NOTICE_TYPES[t].title_zh for t in types)} |"
        )
    return "\n".join(rows)


def fields_table() -> str:
    rows = ["| notice type | document | required fields | optional fields |", "|---|---|---|---|"]
    used: list[str] = []
    for nt in NOTICE_TYPES.values():
        rows.append(
            f"| `{nt.key}` | {nt.title_zh} | {_code(nt.required_fields)} | "
            f"{_code(nt.optional_fields)} |"
        )
        used += [f for f in nt.allowed_fields if f not in used]
    rows += ["", "| field | meaning |", "|---|---|"]
    rows += [f"| `{f}` | {FIELD_HELP.get(f, '')} |" for f in sorted(used)]
    return "\n".join(rows)


def numbers_table() -> str:
    rows = [
        "| notice type | document | default pattern | first number of 2026 |",
        "|---|---|---|---|",
    ]
    for key, pattern in DEFAULT_PATTERNS.items():
        rows.append(
            f"| `{key}` | {NOTICE_TYPES[key].title_zh} | `{pattern}` | "
            f"{format_number(pattern, year=2026, seq=1)} |"
        )
    return "\n".join(rows)


def gallery(shown: Sequence[tuple[str, str, str, list[str]]]) -> str:
    """``shown``: (type, number, produced by, PNG names) per notice type."""
    parts = []
    for key, number, origin, pngs in shown:
        images = " ".join(
            f"[![{NOTICE_TYPES[key].title_zh} {number}, page {n}](examples/{png})](examples/{png})"
            for n, png in enumerate(pngs, 1)
        )
        parts.append(
            f"### {NOTICE_TYPES[key].title_zh} — `{key}`\n\n{number}, {origin}.\n\n{images}"
        )
    return "\n\n".join(parts)


def fill(text: str, name: str, content: str) -> str:
    """Replace what stands between the ``name`` markers of docs/notices.md."""
    pattern = re.compile(rf"(<!-- {name}:begin \(generated\) -->\n).*?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{GUIDE} has no <!-- {name}:begin (generated) --> marker")
    return pattern.sub(lambda m: m.group(1) + content + "\n" + m.group(2), text)


def update_guide(path: Path, shown: Sequence[tuple[str, str, str, list[str]]]) -> None:
    text = path.read_text(encoding="utf-8")
    for name, content in (
        ("events", events_table()),
        ("fields", fields_table()),
        ("numbers", numbers_table()),
        ("gallery", gallery(shown)),
    ):
        text = fill(text, name, content)
    path.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dpi", type=int, default=50, help="pdftoppm resolution (default 50)")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNGs")
    parser.add_argument(
        "--pages", type=int, default=PAGES, help=f"pages per notice to convert (default {PAGES})"
    )
    parser.add_argument("--keep", type=Path, help="also copy the PDFs and the database here")
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args()
    for tool in ("pdftoppm", "pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: install Debian's poppler-utils")
    log: Callable[[str], None] = (lambda _m: None) if args.quiet else print

    with tempfile.TemporaryDirectory(prefix="supervise-examples-") as tmp:
        work = Path(tmp)
        app = build_app(work)
        try:
            origins = drive(app, log)
            views = notice_records.list_notices(app)
            first: dict[str, Any] = {}
            for view in views:
                first.setdefault(view.type, view)
            absent = [t for t in NOTICE_TYPES if t not in first]
            if absent:
                sys.exit(f"the timeline produced no {', '.join(absent)}; extend TIMELINE")

            args.out.mkdir(parents=True, exist_ok=True)
            for old in args.out.glob("*.png"):
                if old.stem.rsplit("-", 1)[0] in NOTICE_TYPES:
                    old.unlink()
            failures = 0
            shown_in_guide: list[tuple[str, str, str, list[str]]] = []
            names = {o.name for o in ORGS.values()} | {n for n, _ in PERSONS.values()}
            for notice_type in NOTICE_TYPES:
                view = first[notice_type]
                rendered = notice_records.render(app, view.id, "pdf")
                html = notice_records.render(app, view.id, "html").data.decode("utf-8")
                pdf_path = work / f"{notice_type}.pdf"
                pdf_path.write_bytes(rendered.data)
                shown = [n for n in names if n in html]
                problems = check_pdf(rendered.data, pdf_path, view.number, shown, html)
                pages = page_count(pdf_path)
                written = []
                pngs = []
                for page in range(1, min(pages, args.pages) + 1):
                    png = pdftoppm(pdf_path, page, args.out / f"{notice_type}-{page}", args.dpi)
                    if png.stat().st_size > MAX_PNG_BYTES:
                        problems.append(f"{png.name} is {png.stat().st_size // 1024} KiB")
                    written.append(f"{png.name} ({png.stat().st_size // 1024} KiB)")
                    pngs.append(png.name)
                origin = origins[view.id] + f"; {pages} page{'s' if pages > 1 else ''}"
                shown_in_guide.append((notice_type, view.number, origin, pngs))
                status = "ok" if not problems else "PROBLEM: " + "; ".join(problems)
                failures += bool(problems)
                log(f"{notice_type:<26} {view.number:<22} {pages} page(s)  "
                    f"{', '.join(written)}  {status}")  # fmt: skip
            if args.out.resolve() == OUT.resolve():
                update_guide(GUIDE, shown_in_guide)
                log(f"updated the generated tables and the gallery of {GUIDE}")
        finally:
            app.close()  # the last connection checkpoints SQLite's WAL into the file
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for kept in [*work.glob("*.pdf"), work / "examples.db", work / "config.yaml"]:
                shutil.copy(kept, args.keep / kept.name)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
