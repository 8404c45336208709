"""``report coverage --html``: one self-contained page (domain-adjacent: the standard library
and ``report_html``'s parts), every shortfall in red and listed."""

from __future__ import annotations

from itertools import groupby

from supervise.report_coverage import CoverageReport
from supervise.report_html import bar_chart, card, esc, page, table


def coverage_page(report: CoverageReport, generated: str) -> str:
    targets = report.targets
    scope = "全市" if report.scope is None else "、".join(report.scope)
    short_districts = report.districts_short
    body = [
        "<div class=cards>",
        card(
            f"专业未成年人保护社会组织（目标 {targets.professional_orgs}）",
            report.professional,
            bad=report.professional_short > 0,
        ),
        card(
            f"结对不足 {targets.linked_per_district} 家的区县",
            len(short_districts),
            bad=bool(short_districts),
        ),
        card(
            f"服务组织不足 {targets.orgs_per_township} 家的乡镇（街道）",
            len(report.uncovered),
            bad=bool(report.uncovered),
        ),
        "</div>",
        "<h2>专业未成年人保护社会组织</h2>",
    ]
    if report.professional_short:
        body.append(
            f"<p class=shortfall>▲ 距目标 {targets.professional_orgs} 家还差 "
            f"{report.professional_short} 家。</p>"
        )
    else:
        body.append(f"<p class=ok>已达到目标（{targets.professional_orgs} 家）。</p>")
    if report.scope is not None:
        body.append("<p class=note>目标为全市目标；此处仅计本人负责的区县。</p>")
    body += [
        bar_chart([(d.district, d.professional) for d in report.districts]),
        f"<h2>与区县未成年人救助保护机构结对（每区县至少 {targets.linked_per_district} 家）</h2>",
    ]
    if short_districts:
        body.append(
            "<p class=shortfall>▲ 结对不足的区县："
            + esc("、".join(d.district for d in short_districts))
            + "</p>"
        )
    else:
        body.append("<p class=ok>每个区县均已达到结对目标。</p>")
    body += [
        bar_chart(
            [(d.district, d.linked) for d in report.districts],
            target=targets.linked_per_district,
        ),
        table(
            ["区县", "专业组织", "结对专业组织", "差额", "其他结对组织", "乡镇（街道）", "已覆盖"],
            [
                [
                    d.district,
                    d.professional,
                    d.linked,
                    max(0, targets.linked_per_district - d.linked),
                    d.linked_other,
                    d.townships,
                    d.townships_covered,
                ]
                for d in report.districts
            ],
            short=[d.linked_short(targets.linked_per_district) for d in report.districts],
        ),
        f"<h2>乡镇（街道）服务覆盖（每个至少 {targets.orgs_per_township} 家）</h2>",
        f"<p>已覆盖 {report.townships_covered} / {report.townships} 个乡镇（街道）。</p>",
    ]
    if report.uncovered:
        body.append("<p class=shortfall>▲ 未达到覆盖目标的乡镇（街道）：</p>")
        items = []
        for district, group in groupby(report.uncovered, key=lambda t: t.district):
            names = [t.township for t in group]
            items.append(
                f"<li class=short><b>{esc(district)}</b>（{len(names)} 个）："
                f"{esc('、'.join(names))}</li>"
            )
        body.append(f"<ul class=uncovered>{''.join(items)}</ul>")
    elif report.townships:
        body.append("<p class=ok>每个乡镇（街道）均已有服务未成年人的组织。</p>")
    else:
        body.append("<p class=note>尚未导入乡镇（街道）：supervise area import FILE.csv。</p>")
    subtitle = f"范围：{scope}　截至：{report.today.isoformat()}　生成：{generated}"
    return page("未成年人保护社会组织培育目标", subtitle, body)
