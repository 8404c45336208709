"""Stored notices: list, render (HTML as stored, PDF made from it), serve, verify.

Service layer. Rendering a PDF happens outside any transaction; the first render records
its hash and a fingerprint of its text, which every later render must reproduce.
Windows counted from notice (陈述申辩, 听证申请, 整改, 撤换) start when ``serve`` records the
service, and move when the notice is served again, with a history entry.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import deadlines as deadlines_table
from supervise.adapters.orm import notice_services
from supervise.adapters.orm import notices as notices_table
from supervise.bootstrap import App
from supervise.clock import wall_clock
from supervise.errors import InvalidInput, NotAllowed, NotFound, SuperviseError
from supervise.rules import FROM_SERVICE, period_due
from supervise.services import history
from supervise.services.notices import METHODS, NOT_SERVED, PUBLIC_NOTICE_DAYS


@dataclass(frozen=True)
class NoticeView:
    id: int
    case: int
    type: str
    number: str
    created_at: datetime
    served_on: date | None
    method: str | None
    status: str

    @classmethod
    def of(cls, notice: model.Notice) -> NoticeView:
        return cls(
            notice.id,
            notice.case_id,
            notice.type,
            notice.number,
            notice.created_at,
            notice.served_on,
            notice.service_method,
            notice.status,
        )

    def as_json(self, zone: Any) -> dict[str, Any]:
        return {
            "id": self.id,
            "case": self.case,
            "type": self.type,
            "number": self.number,
            "created_at": self.created_at.astimezone(zone).isoformat(),
            "served_on": None if self.served_on is None else self.served_on.isoformat(),
            "method": self.method,
            "status": self.status,
        }


def _get(uow: UnitOfWork, notice_id: int) -> model.Notice:
    notice = uow.session.get(model.Notice, notice_id)
    if notice is None:
        raise NotFound(f"no notice with id {notice_id}; see `supervise notice list`")
    return notice


def list_notices(
    app: App, case_id: int | None = None, since: date | None = None, limit: int = 10_000
) -> list[NoticeView]:
    query = select(model.Notice).order_by(notices_table.c.id).limit(limit)
    if case_id is not None:
        query = query.where(notices_table.c.case_id == case_id)
    if since is not None:
        start = datetime.combine(since, datetime.min.time(), tzinfo=app.settings.zone)
        query = query.where(notices_table.c.created_at >= start)
    with app.uow() as uow:
        return [NoticeView.of(n) for n in uow.session.scalars(query)]


@dataclass(frozen=True)
class Rendered:
    notice: NoticeView
    data: bytes
    first: bool


def render(app: App, notice_id: int, fmt: str) -> Rendered:
    """The notice as HTML (as stored) or PDF (made from the stored HTML).

    Raises:
        SuperviseError: the stored HTML no longer matches its hash, or a PDF made now would
            not say what the first one said.
    """
    if fmt not in ("html", "pdf"):
        raise InvalidInput(f"unknown format {fmt!r}; use pdf or html")
    with app.uow() as uow:
        notice = _get(uow, notice_id)
        view = NoticeView.of(notice)
        html, html_sha = notice.html, notice.html_sha256
        pdf_sha, text_sha = notice.pdf_sha256, notice.pdf_text_sha256
    if hashlib.sha256(html.encode("utf-8")).hexdigest() != html_sha:
        raise SuperviseError(
            f"notice {notice_id}: the stored document does not match its SHA-256; "
            "the database was altered outside supervise"
        )
    if fmt == "html":
        return Rendered(view, html.encode("utf-8"), False)
    from supervise.notices import render_pdf

    pdf, text = render_pdf(html, font_family=app.settings.notices.font)
    digest = hashlib.sha256(pdf).hexdigest()
    text_digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if pdf_sha is None:
        with app.uow() as uow:
            stored = _get(uow, notice_id)
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


def verify(app: App, notice_id: int, path: Path) -> bool:
    """Whether ``path`` is this notice as rendered (HTML or first PDF) or as served."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from exc
    with app.uow() as uow:
        notice = _get(uow, notice_id)
        receipts = {
            s.receipt_sha256
            for s in uow.session.scalars(
                select(model.NoticeService).where(notice_services.c.notice_id == notice_id)
            )
        }
        return digest in {notice.html_sha256, notice.pdf_sha256} - {None} or digest in receipts


def serve(
    app: App,
    notice_id: int,
    method: str,
    on: date,
    receipt: Path | None = None,
    consent: str | None = None,
) -> tuple[NoticeView, list[tuple[str, date]]]:
    """Record how and when the notice reached the party; start (or move) its window.

    Returns:
        The notice and the windows it started, as (kind, last day).
    """
    if method not in METHODS:
        raise InvalidInput(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if method == "electronic" and not consent:
        raise InvalidInput(
            "electronic service needs the party's consent (行政处罚法 Art. 61): give --consent REF"
        )
    receipt_sha = None
    if receipt is not None:
        try:
            receipt_sha = hashlib.sha256(receipt.read_bytes()).hexdigest()
        except OSError as exc:
            raise InvalidInput(f"cannot read receipt {receipt}: {exc.strerror}") from exc
    today = app.clock.today()
    if on > today:
        raise InvalidInput(
            f"--on {on.isoformat()} is in the future; record service once it happened"
        )
    effective = on + timedelta(days=PUBLIC_NOTICE_DAYS) if method == "public" else on
    law = app.law()
    started: list[tuple[str, date]] = []
    with app.uow() as uow:
        notice = _get(uow, notice_id)
        if notice.type in NOT_SERVED:
            raise NotAllowed(
                f"notice {notice_id} ({notice.type}) is a record, not served on a party"
            )
        if notice.status != "active":
            raise NotAllowed(f"notice {notice_id} was superseded by a later notice; serve that one")
        if on < notice.created_at.astimezone(app.settings.zone).date():
            raise InvalidInput(
                f"--on {on.isoformat()} is before the notice was issued "
                f"({notice.created_at.astimezone(app.settings.zone).date().isoformat()})"
            )
        case = uow.session.get(model.Case, notice.case_id)
        assert case is not None
        again = notice.served_on is not None
        previous = notice.served_on
        notice.served_on, notice.service_method = effective, method
        step = case.seq + 1  # the history row appended below
        for deadline in uow.session.scalars(
            select(model.Deadline).where(deadlines_table.c.notice_id == notice_id)
        ):
            if deadline.kind == "service" and deadline.status == "open":
                deadline.status, deadline.closed_seq = "closed", step
            elif deadline.kind in FROM_SERVICE and deadline.status in ("waiting", "open"):
                period = getattr(app.settings.periods, deadline.kind)
                rule, amount, due = period_due(law.calendar, effective, period)
                deadline.start, deadline.rule, deadline.amount = effective, rule, amount
                deadline.due, deadline.provisional = due.day, due.provisional
                deadline.status = "open"
                started.append((deadline.kind, due.day))
        reason = (
            f"{notice.number} served again ({METHODS[method]}) on {effective.isoformat()}; "
            f"first service {previous.isoformat() if previous else '-'}"
            if again
            else f"{notice.number} served ({METHODS[method]}) on {effective.isoformat()}"
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
                by=app.user,
            )
        )
        history.append(
            uow,
            case,
            "serve_notice",
            at=app.clock.now(),
            by=app.user,
            before=case.state,
            reason=reason,
            data={
                "notice": notice_id,
                "number": notice.number,
                "method": method,
                "served_on": effective.isoformat(),
                **({"windows": {k: d.isoformat() for k, d in started}} if started else {}),
            },
        )
        uow.commit()
        return NoticeView.of(notice), started
