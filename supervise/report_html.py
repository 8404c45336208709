"""Self-contained HTML pages for the reports (domain-adjacent: the standard library only).

One page per report: inline CSS and inline SVG charts, no script, no font, image or
style sheet from anywhere (a director opens it from a mail on a phone, or prints it on A4,
without network). Every text from the database passes :func:`esc`; the page declares a
Content-Security-Policy that forbids any request, so even a mistake here cannot make the
page fetch something.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from supervise.report_views import PENALTY_EVENTS, PENALTY_SHORT, CasesReport, kind_zh, state_zh

CSS = """
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC",
"Microsoft YaHei",sans-serif;margin:0;padding:12px;color:#1a1a1a;background:#fff;
line-height:1.5;font-size:15px}
header{border-bottom:3px solid #b71c1c;margin-bottom:12px;padding-bottom:6px}
h1{font-size:22px;margin:0 0 4px;color:#b71c1c}
h2{font-size:18px;margin:20px 0 8px;border-left:4px solid #b71c1c;padding-left:8px}
.meta{color:#555;font-size:13px}
.cards{display:flex;flex-wrap:wrap;gap:8px}
.card{flex:1 1 140px;border:1px solid #ddd;border-radius:6px;padding:8px 10px}
.card b{display:block;font-size:22px}
.card.bad{border-color:#c62828;background:#ffebee}
.wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:14px;margin:4px 0 8px}
th,td{border:1px solid #ccc;padding:4px 6px;text-align:left;white-space:nowrap}
th{background:#f5f5f5}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr.short td{background:#ffebee}
.shortfall{color:#c62828;font-weight:bold}
.ok{color:#2e7d32}
svg{max-width:100%;height:auto;display:block}
svg text{font-family:inherit;font-size:12px;fill:#1a1a1a}
.note{color:#555;font-size:13px}
ul.uncovered{padding-left:18px;margin:4px 0}
ul.uncovered li.short{background:#ffebee;margin:2px 0;padding:2px 4px}
@media print{@page{size:A4;margin:15mm}body{padding:0;font-size:11pt}
.wrap{overflow:visible}h2{break-after:avoid}table,svg,.cards{break-inside:avoid}}
"""


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def page(title: str, subtitle: str, body: Iterable[str]) -> str:
    """The whole document: nothing in it refers to anything outside it."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
        f'<header><h1>{esc(title)}</h1><div class="meta">{esc(subtitle)}</div></header>'
        + "".join(body)
        + "</body></html>\n"
    )


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    numeric_from: int = 1,
    short: Iterable[bool] | None = None,
) -> str:
    """A table; columns from ``numeric_from`` are right-aligned numbers; rows flagged in
    ``short`` are marked as shortfalls."""
    flags = list(short) if short is not None else []
    head = "".join(
        f"<th{' class=n' if i >= numeric_from else ''}>{esc(h)}</th>" for i, h in enumerate(headers)
    )
    lines = []
    for r, row in enumerate(rows):
        cells = "".join(
            f"<td{' class=n' if i >= numeric_from else ''}>{esc('' if v is None else v)}</td>"
            for i, v in enumerate(row)
        )
        marked = r < len(flags) and flags[r]
        lines.append(f"<tr{' class=short' if marked else ''}>{cells}</tr>")
    return f"<div class=wrap><table><tr>{head}</tr>{''.join(lines)}</table></div>"


def bar_chart(items: Sequence[tuple[str, float]], *, target: float | None = None) -> str:
    """Horizontal bars, one per label (readable on a phone with 38 districts); a dashed
    line at ``target``, and bars short of it in red."""
    if not items:
        return "<p class=note>（无数据）</p>"
    top = max([v for _, v in items] + [target or 0, 1])
    label_w, bar_w, row_h = 110, 260, 22
    width, height = label_w + bar_w + 50, row_h * len(items) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img">'
    ]
    for i, (label, value) in enumerate(items):
        y = 4 + i * row_h
        w = bar_w * value / top
        short = target is not None and value < target
        colour = "#c62828" if short else "#1565c0"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{esc(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{colour}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}">{esc(_number(value))}</text>'
        )
    if target is not None:
        x = label_w + bar_w * target / top
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="#333" '
            'stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(points: Sequence[tuple[str, float]]) -> str:
    """A line over months, with each point's value."""
    if not points:
        return "<p class=note>（无数据）</p>"
    width, height, left, bottom, top_pad = 560, 200, 50, 48, 16
    top = max([v for _, v in points] + [1])
    step = (width - left - 30) / max(len(points) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top_pad + (height - bottom - top_pad) * (1 - v / top)

    coords = [xy(i, v) for i, (_, v) in enumerate(points)]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 5}" y2="{height - bottom}" '
        'stroke="#999"/>',
        '<polyline fill="none" stroke="#b71c1c" stroke-width="2" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        + '"/>',
    ]
    for (label, value), (x, y) in zip(points, coords, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#b71c1c"/>'
            f'<text x="{x:.1f}" y="{y - 6:.1f}" text-anchor="middle">{esc(_number(value))}</text>'
            f'<text x="{x:.1f}" y="{height - bottom + 14}" text-anchor="end" '
            f'transform="rotate(-45 {x:.1f} {height - bottom + 14})">{esc(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def card(label: str, value: object, *, bad: bool = False) -> str:
    return f'<div class="card{" bad" if bad else ""}">{esc(label)}<b>{esc(value)}</b></div>'


def cases_page(report: CasesReport, generated: str) -> str:
    """``report cases --html``."""
    states = report.state_columns
    totals = report.state_totals()
    penalties_total = sum(m.total for m in report.penalties)
    median = report.median_days_interview_to_closure
    scope = "全市" if report.scope is None else "、".join(report.scope)
    body = [
        "<div class=cards>",
        card("案件总数", sum(totals.values())),
        card("逾期期限", report.overdue_total, bad=report.overdue_total > 0),
        card("期间处罚决定", penalties_total),
        card("约谈至结案（中位天数）", "—" if median is None else median),
        card("文书未按期送达", report.late_total, bad=report.late_total > 0),
        "</div>",
        "<h2>各区县案件（按状态）</h2>",
        bar_chart([(row.district, row.total) for row in report.states]),
        table(
            ["区县", "合计", *[state_zh(s) for s in states]],
            [
                [row.district, row.total, *[row.counts.get(s, 0) for s in states]]
                for row in report.states
            ]
            + [["合计", sum(totals.values()), *[totals.get(s, 0) for s in states]]],
        ),  # fmt: skip
        "<h2>逾期期限（截至今日）</h2>",
    ]
    if report.overdue:
        body.append(
            "<p class=shortfall>▲ 以下期限已逾期，需要处理：</p>"
            + table(
                ["区县", "期限", "件数"],
                [[r.district, kind_zh(r.kind), r.count] for r in report.overdue],
                numeric_from=2,
                short=[True] * len(report.overdue),
            )
        )
    else:
        body.append("<p class=ok>无逾期期限。</p>")
    body += [
        "<h2>每月处罚决定</h2>",
        line_chart([(m.month, m.total) for m in report.penalties]),
        table(
            ["月份", "合计", *[PENALTY_SHORT[p] for p in PENALTY_EVENTS.values()]],
            [[m.month, m.total, *m.counts.values()] for m in report.penalties],
        ),
        "<h2>结案</h2>",
        table(
            ["期间结案", "其中经约谈", "约谈至结案中位天数"],
            [[report.closed, report.closed_after_interview, "—" if median is None else median]],
            numeric_from=0,
        ),
        "<h2>文书送达</h2>",
    ]
    body.append(
        table(
            ["区县", "应送达文书", "未按期送达"],
            [[r.district, r.to_serve, r.late] for r in report.notices],
            short=[r.late > 0 for r in report.notices],
        )
    )
    if report.late_notices:
        body.append(
            "<p class=shortfall>▲ 未在送达期限内送达的文书：</p>"
            + table(
                ["文号", "案件", "区县", "送达期限", "送达日期"],
                [
                    [
                        n.number,
                        n.case_id,
                        n.district,
                        n.due.isoformat(),
                        "未送达" if n.served_on is None else n.served_on.isoformat(),
                    ]
                    for n in report.late_notices
                ],  # fmt: skip
                numeric_from=9,
                short=[True] * len(report.late_notices),
            )
        )
        if report.late_notices_more:
            body.append(f"<p class=note>另有 {report.late_notices_more} 件未列出。</p>")
    subtitle = (
        f"范围：{scope}　期间：{report.period.start.isoformat()} 至 "
        f"{report.period.end.isoformat()}　状态截至：{report.today.isoformat()}　生成：{generated}"
    )
    return page("案件统计报告", subtitle, body)
