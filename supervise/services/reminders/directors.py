"""What only a director's morning digest carries (service layer): the chains' anchor and
the coverage report.

Every enabled director with an address gets the digest on each working day — with nothing
of their own due, it carries the anchor alone — so that the head hash of every chain goes
out of the database daily, to as many mailboxes as the office has directors (`audit
verify --anchor` checks the record against any of them later). The anchor is taken once
per run, when the digests are queued, and is the one `supervise audit anchor` prints at
that moment.

With ``reports.digest: true`` the digest also carries a summary of the coverage report in
the mail and the whole report attached as one self-contained HTML page (``培育目标.html``),
both over the director's districts when they are limited to some. The summary is fixed
when the digest is queued; the page is drawn when the mail is sent, from the figures of
that moment.
"""

from __future__ import annotations

from typing import Any

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.permissions import DIRECTOR
from supervise.reminder_plan import Directory, Recipient
from supervise.report_coverage import CoverageReport
from supervise.report_coverage_html import coverage_page
from supervise.runtime import Runtime
from supervise.services.audit import chains
from supervise.services.reminders import store
from supervise.services.reports.coverage.report import coverage_in

ATTACHMENT = "培育目标.html"


def directors(directory: Directory) -> list[model.User]:
    """The directors who get a digest every working day (enabled, with an address)."""
    return sorted(
        (
            u
            for u in directory.by_name.values()
            if u.role == DIRECTOR and not u.disabled and u.email
        ),
        key=lambda u: u.name,
    )


def recipient(user: model.User) -> Recipient:
    assert user.email is not None
    return Recipient(f"user:{user.name}", user.name, user.email)


def _report(uow: UnitOfWork, rt: Runtime, user: model.User) -> CoverageReport:
    scope = tuple(user.districts) if user.districts else None
    return coverage_in(uow, rt, scope, rt.settings.reports.coverage)


def anchor(rt: Runtime) -> dict[str, Any]:
    """What the digest says of the chains' anchor (taken now)."""
    taken = chains.take_anchor(rt)
    return {
        "anchor": str(taken.anchor),
        "digest": taken.anchor.digest,
        "cases": taken.cases,
        "history_rows": taken.history_rows,
        "audit_rows": taken.audit_rows,
        "at": taken.at.isoformat(timespec="seconds"),
    }


def summary(uow: UnitOfWork, rt: Runtime, user: model.User) -> dict[str, Any] | None:
    """What the digest's text says of the coverage report (None unless configured)."""
    if not rt.settings.reports.digest:
        return None
    report = _report(uow, rt, user)
    targets = report.targets
    return {
        "scope": "全市" if report.scope is None else "、".join(report.scope),
        "professional": report.professional,
        "professional_target": targets.professional_orgs,
        "professional_short": report.professional_short,
        "linked_target": targets.linked_per_district,
        "districts_short": [d.district for d in report.districts_short],
        "township_target": targets.orgs_per_township,
        "townships": report.townships,
        "townships_covered": report.townships_covered,
        "townships_short": len(report.uncovered),
        "shortfalls": report.shortfalls,
        "attachment": ATTACHMENT,
    }


def attachment(
    rt: Runtime, uow: UnitOfWork, row: model.OutboxMessage
) -> list[tuple[str, bytes, str]]:
    """The coverage page for a director's digest (none for any other message)."""
    if row.kind != "digest" or not rt.settings.reports.digest:
        return []
    user = store.user_named(uow, row.recipient.removeprefix("user:"))
    if user is None or user.role != DIRECTOR:
        return []
    generated = rt.clock.now().isoformat(timespec="minutes")
    page = coverage_page(_report(uow, rt, user), generated)
    return [(ATTACHMENT, page.encode("utf-8"), "text/html")]
