"""``report contracts --html``: one self-contained page (domain-adjacent: the standard
library and ``report_html``'s parts); failing grades, exits and open reviews in red."""

from __future__ import annotations

from supervise.contracts import yuan
from supervise.evaluation import GRADES
from supervise.report_contracts import ContractFigures, ContractsReport, OrgExit, org_state_zh
from supervise.report_html import bar_chart, card, page, table


def _row(label: list[object], f: ContractFigures) -> list[object]:
    mean = f.mean
    return [
        *label,
        f.contracts,
        f.open,
        yuan(f.amount_fen),
        f.evaluated,
        "—" if mean is None else str(mean),
        *(f.grades.get(g, 0) for g in GRADES),
    ]


_HEAD = ["合同", "执行中", "金额（元）", "已评估", "平均分", *GRADES]


def _exits(rows: list[OrgExit], when: str) -> str:
    return table(
        ["机构", "名称", "区县", when, "理由"],
        [[e.organization, e.name, e.district, e.on.isoformat(), e.reason or ""] for e in rows],
        numeric_from=9,
        short=[True] * len(rows),
    )


def contracts_page(report: ContractsReport, generated: str) -> str:
    total = report.total
    mean = total.mean
    scope = "全市" if report.scope is None else "、".join(report.scope)
    districts = report.districts
    body = [
        "<div class=cards>",
        card("购买服务合同", total.contracts),
        card("合同金额（元）", yuan(total.amount_fen)),
        card("平均评估得分", "—" if mean is None else str(mean)),
        card("不合格", total.failing, bad=total.failing > 0),
        card("整改评估中", len(report.reviews), bad=bool(report.reviews)),
        card("退出机构", len(report.exits)),
        "</div>",
        "<h2>各区县购买服务金额（万元）</h2>",
        bar_chart([(d, f.amount_fen / 1_000_000) for d, f in districts]),
        "<h2>各区县合同与评估等级</h2>",
        table(
            ["区县", *_HEAD],
            [_row([d], f) for d, f in districts] + [_row(["合计"], total)],
            short=[f.failing > 0 for _, f in districts] + [False],
        ),
        "<h2>各机构</h2>",
        table(
            ["机构", "名称", "区县", "状态", *_HEAD],
            [
                _row(
                    [r.organization, r.name, r.district, org_state_zh(r.status)],
                    r.figures,
                )
                for r in report.organizations
            ],
            numeric_from=4,
            short=[r.figures.failing > 0 for r in report.organizations],
        ),
        "<h2>整改评估中（退出评估）</h2>",
    ]
    if report.reviews:
        body.append("<p class=shortfall>▲ 以下机构的退出评估尚未结束，需由主任决定恢复或退出：</p>")
        body.append(_exits(report.reviews, "开始日期"))
    else:
        body.append("<p class=ok>无进行中的退出评估。</p>")
    body.append("<h2>退出机构</h2>")
    if report.exits:
        body.append(_exits(report.exits, "退出日期"))
    else:
        body.append("<p class=note>（无）</p>")
    period = (
        "全部"
        if report.period is None
        else f"{report.period.start.isoformat()} 至 {report.period.end.isoformat()}"
    )
    subtitle = f"范围：{scope}　期间：{period}　截至：{report.today.isoformat()}　生成：{generated}"
    return page("政府购买服务与绩效评价报告", subtitle, body)
