"""Stored notices: list, render (HTML as stored, PDF made from it), serve, verify.

Service layer. Rendering a PDF happens outside any transaction; the first render records
its hash and a fingerprint of its text, which every later render must reproduce.
Windows counted from notice (陈述申辩, 听证申请, 整改, 撤换) start when ``serve`` records the
service, and move when the notice is served again, with a history entry.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from pathlib import Path

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.banterm import served_term
from supervise.clock import wall_clock
from supervise.deadlines import period_due
from supervise.errors import GuardRefused, InvalidInput, NotAllowed, SuperviseError
from supervise.inputs import CONSENT, REASON, optional_text
from supervise.law import (
    FROM_SERVICE,
    HEARING_NOTICE_RULE,
    PUBLIC_NOTICE_DAYS,
    RECEIPT_METHODS,
    SERVICE_METHODS,
)
from supervise.notices import pii
from supervise.notices.types import NOTICE_TYPES
from supervise.permissions import districts_of
from supervise.redact import quoted
from supervise.rules import Rulebook, hearing_notice_refusal
from supervise.runtime import Runtime
from supervise.services.cases.store import case_bans, case_in_districts
from supervise.services.history.store import append_history
from supervise.services.notices import store
from supervise.userfiles import sha256_of
from supervise.validation import mask_id_number
from supervise.views import NoticeView, Rendered, Served


def list_notices(
    rt: Runtime,
    actor: str,
    case_id: int | None = None,
    since: date | None = None,
    limit: int = 10_000,
) -> list[NoticeView]:
    start = None
    if since is not None:
        rt.settings.date_range.day(since, "--since")
        start = datetime.combine(since, datetime.min.time(), tzinfo=rt.settings.zone)
    with rt.uow() as uow:
        if case_id is not None:
            case_in_districts(uow, case_id, districts_of(actor))
        found = store.list_notices(uow, case_id, start, limit, districts_of(actor))
        return [NoticeView.of(n) for n in found]


def render(rt: Runtime, actor: str, notice_id: int, fmt: str, public: bool = False) -> Rendered:
    """The notice as HTML or PDF: the served original, or with ``public`` the version for
    publication (行政处罚法 Art. 48: ID numbers and personal addresses masked).

    The original served on a person carries the person's full ID number, read from the
    person's record now (the stored document keeps only the masked one).

    Raises:
        SuperviseError: the stored HTML no longer matches its hash, or a PDF made now would
            not say what the first one said.
    """
    if fmt not in ("html", "pdf"):
        raise InvalidInput(f"unknown format {quoted(fmt)}; use pdf or html")
    with rt.uow() as uow:
        notice = store.get_notice(uow, notice_id, districts_of(actor))
        view = NoticeView.of(notice)
        html, html_sha = notice.html, notice.html_sha256
        pdf_sha, text_sha = notice.pdf_sha256, notice.pdf_text_sha256
        full_id = (
            None if public or not pii.has_party_id(html) else store.party_id_number(uow, notice)
        )
    if hashlib.sha256(html.encode("utf-8")).hexdigest() != html_sha:
        raise SuperviseError(
            f"notice {notice_id}: the stored document does not match its SHA-256; "
            "the database was altered outside supervise"
        )
    if public:
        document = pii.public(html)
        if fmt == "html":
            return Rendered(view, document.encode("utf-8"), False)
        # The published version is not the served document: nothing of it is recorded.
        return Rendered(view, rt.pdf().render(document)[0], False)
    if full_id is not None:
        html = pii.original(html, full_id, mask_id_number(full_id))
    if fmt == "html":
        return Rendered(view, html.encode("utf-8"), False)
    pdf, text = rt.pdf().render(html)
    digest = hashlib.sha256(pdf).hexdigest()
    text_digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if pdf_sha is None:
        with rt.uow() as uow:
            stored = store.get_notice(uow, notice_id, districts_of(actor))
            if stored.pdf_sha256 is None:
                stored.pdf_sha256, stored.pdf_text_sha256 = digest, text_digest
                uow.commit()
                return Rendered(view, pdf, True)
            pdf_sha, text_sha = stored.pdf_sha256, stored.pdf_text_sha256
    if digest != pdf_sha and text_digest != text_sha:
        raise SuperviseError(
            f"notice {notice_id} ({view.number}) renders differently from its first PDF "
            "(fonts or WeasyPrint changed?); install the fonts it was made with"
        )
    return Rendered(view, pdf, False)


def verify(rt: Runtime, actor: str, notice_id: int, path: Path) -> bool:
    """Whether ``path`` is this notice as rendered (HTML or first PDF) or as served."""
    digest = sha256_of(path, "notice file")
    with rt.uow() as uow:
        notice = store.get_notice(uow, notice_id, districts_of(actor))
        known = {notice.html_sha256, notice.pdf_sha256} | store.receipt_hashes(uow, notice_id)
        if pii.has_party_id(notice.html):
            # The original's HTML, with the party's full ID number, as `render` gives it.
            full_id = store.party_id_number(uow, notice)
            served = pii.original(notice.html, full_id, mask_id_number(full_id))
            known.add(hashlib.sha256(served.encode("utf-8")).hexdigest())
        return digest in known - {None}


def serve(
    rt: Runtime,
    actor: str,
    notice_id: int,
    method: str,
    on: date,
    receipt: Path | None = None,
    consent: str | None = None,
    no_receipt_reason: str | None = None,
) -> Served:
    """Record how and when the notice reached the party; start (or move) its window.

    Direct and lodged service are proved by the signed 送达回证: its scan (``receipt``, whose
    SHA-256 is kept) or, where there is none, the reason why (``no_receipt_reason``).
    """
    if method not in SERVICE_METHODS:
        raise InvalidInput(
            f"unknown method {quoted(method)}; use one of {', '.join(SERVICE_METHODS)}"
        )
    consent = optional_text(consent, "--consent", CONSENT)
    if consent is not None and method != "electronic":
        raise InvalidInput("--consent is for electronic service only; leave it out")
    if method == "electronic" and not consent:
        raise InvalidInput(
            "electronic service needs the party's consent (行政处罚法 Art. 61): give --consent REF"
        )
    no_receipt_reason = optional_text(no_receipt_reason, "--reason", REASON)
    if method in RECEIPT_METHODS:
        if receipt is None and no_receipt_reason is None:
            raise InvalidInput(
                f"{method} service is proved by the signed 送达回证: give --receipt FILE (its "
                "scan; the SHA-256 is kept), or --no-receipt --reason TEXT saying why there is none"
            )
        if receipt is not None and no_receipt_reason is not None:
            raise InvalidInput("give either --receipt FILE or --no-receipt --reason TEXT, not both")
    elif no_receipt_reason is not None:
        raise InvalidInput(
            f"--no-receipt is for direct or lodged service; {method} service needs no 送达回证 "
            "(leave it out)"
        )
    rt.settings.date_range.day(on, "--on")
    receipt_sha = None if receipt is None else sha256_of(receipt, "--receipt")
    today = rt.clock.today()
    if on > today:
        raise InvalidInput(
            f"--on {on.isoformat()} is in the future; record service once it happened"
        )
    effective = on + timedelta(days=PUBLIC_NOTICE_DAYS) if method == "public" else on
    law = rt.rulebook()
    zone = rt.settings.zone
    started: list[tuple[str, date]] = []
    with rt.uow() as uow:
        notice = store.get_notice(uow, notice_id, districts_of(actor))
        if not NOTICE_TYPES[notice.type].served:
            raise NotAllowed(
                f"notice {notice_id} ({notice.type}) is a record, not served on a party"
            )
        if notice.status != "active":
            raise NotAllowed(f"notice {notice_id} was superseded by a later notice; serve that one")
        issued_on = notice.created_at.astimezone(zone).date()
        if on < issued_on:
            raise InvalidInput(
                f"--on {on.isoformat()} is before the notice was issued ({issued_on.isoformat()})"
            )
        case = uow.session.get(model.Case, notice.case_id)
        assert case is not None
        if notice.type == "hearing_notice":
            _hearing_in_time(uow, law, notice, effective)
        previous = notice.served_on
        notice.served_on, notice.service_method = effective, method
        step = case.seq + 1  # the history row appended below
        ban_end = _start_ban(uow, case.id, effective) if notice.type == "ban_decision" else None
        for deadline in store.deadlines_of_notice(uow, notice_id):
            if deadline.kind == "service" and deadline.status == "open":
                deadline.status, deadline.closed_seq = "closed", step
            elif deadline.kind == "ban_end" and deadline.status in ("waiting", "open"):
                if ban_end is None:
                    continue
                deadline.start, deadline.due, deadline.status = effective, ban_end, "open"
                deadline.provisional = not law.calendar.is_official(ban_end.year)
                started.append((deadline.kind, ban_end))
            elif deadline.kind in FROM_SERVICE and deadline.status in ("waiting", "open"):
                period = getattr(rt.settings.periods, deadline.kind)
                rule, amount, due = period_due(law.calendar, effective, period)
                deadline.start, deadline.rule, deadline.amount = effective, rule, amount
                deadline.due, deadline.provisional = due.day, due.provisional
                deadline.status = "open"
                started.append((deadline.kind, due.day))
        how = SERVICE_METHODS[method]
        reason = (
            f"{notice.number} served again ({how}) on {effective.isoformat()}; "
            f"first service {previous.isoformat()}"
            if previous is not None
            else f"{notice.number} served ({how}) on {effective.isoformat()}"
        )
        uow.session.add(
            model.NoticeService(
                notice_id=notice_id,
                method=method,
                delivered_on=on,
                served_on=effective,
                receipt_sha256=receipt_sha,
                consent=consent,
                recorded_at=wall_clock(),
                by=actor,
                no_receipt_reason=no_receipt_reason,
            )
        )
        append_history(
            uow,
            case,
            "serve_notice",
            at=rt.clock.now(),
            by=actor,
            before=case.state,
            reason=reason,
            data={
                "notice": notice_id,
                "number": notice.number,
                "method": method,
                "served_on": effective.isoformat(),
                **({"receipt_sha256": receipt_sha} if receipt_sha else {}),
                **({"no_receipt": no_receipt_reason} if no_receipt_reason else {}),
                **({"windows": {k: d.isoformat() for k, d in started}} if started else {}),
            },
        )
        uow.commit()
        return Served(NoticeView.of(notice), started)


def _start_ban(uow: UnitOfWork, case_id: int, served: date) -> date | None:
    """The term of the case's ban starts on the service of its decision (行政处罚法 Art. 61):
    a pending ban becomes active from ``served``; served again, it counts from the new day.

    Returns:
        The ban's last day (None: lifelong, or no ban of the bureau in force on the case).
    """
    last: date | None = None
    for ban in case_bans(uow, case_id):
        if ban.by_court:
            continue
        ban.start, ban.until = served_term(ban, served)
        ban.status = "active"
        last = ban.until
    return last


def _hearing_in_time(uow: UnitOfWork, law: Rulebook, notice: model.Notice, served: date) -> None:
    """Refuse to record a hearing notice served fewer than seven working days before the
    hearing (行政处罚法 Arts. 64(二), 85): the time counts from service, not from issue."""
    hearing = store.hearing_of_notice(uow, notice)
    if hearing is None:
        return
    late = hearing_notice_refusal(law, served, hearing)
    if late is None:
        return
    earliest, latest = late
    days = law.periods.hearing_notice.workdays
    raise GuardRefused(
        f"notice {notice.id} ({notice.number}) served on {served.isoformat()} leaves fewer than "
        f"{days} working days before the hearing on {hearing.isoformat()}; the latest date "
        f"this notice could have been served for that hearing is {latest.isoformat()}, and "
        f"served on {served.isoformat()} the hearing could be held on {earliest.isoformat()} "
        f"at the earliest: fix the date with `supervise case advance {notice.case_id} "
        f"reschedule_hearing --date {earliest.isoformat()}T09:30` (a new notice), then serve "
        f"that one ({HEARING_NOTICE_RULE})",
        rule="hearing_notice",
        basis=HEARING_NOTICE_RULE,
        earliest=earliest.isoformat(),
    )
