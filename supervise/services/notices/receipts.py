"""The 送达回证 of a notice, printed from the record (service layer; issue 10, item 9).

A blank form before service (the server fills it in and the recipient signs it); once
service is recorded, the form shows the method and the day. Its signed scan is what
``notice serve --receipt`` keeps the hash of. Nothing is written: the form is no numbered
document of the office and is generated again whenever it is printed.
"""

from __future__ import annotations

from typing import Any

from supervise import model
from supervise.errors import InvalidInput, NotAllowed
from supervise.law import SERVICE_METHODS
from supervise.notices.types import NOTICE_TYPES
from supervise.numerals import cn_date
from supervise.permissions import districts_of
from supervise.redact import quoted
from supervise.runtime import Runtime
from supervise.services.notices import store
from supervise.views import NoticeView, Rendered

#: Notices addressed to the person (a ban's documents); the rest go to the organization,
#: but for the few whose addressee depends on the case (see :func:`_to_person`).
_TO_PERSON = frozenset({"ban_prior_notice", "ban_decision", "ban_lifted"})


def receipt_form(rt: Runtime, actor: str, notice_id: int, fmt: str) -> Rendered:
    """The notice's 送达回证 as HTML or PDF.

    Raises:
        NotFound: no such notice (in the user's districts); NotAllowed: a record that is not
            served, or a superseded notice never served.
    """
    if fmt not in ("html", "pdf"):
        raise InvalidInput(f"unknown format {quoted(fmt)}; use pdf or html")
    with rt.uow() as uow:
        notice = store.get_notice(uow, notice_id, districts_of(actor))
        if not NOTICE_TYPES[notice.type].served:
            raise NotAllowed(
                f"notice {notice_id} ({notice.type}) is a record signed on the spot, not served "
                "on a party: it has no 送达回证"
            )
        if notice.status != "active" and notice.served_on is None:
            raise NotAllowed(
                f"notice {notice_id} was superseded by a later notice before it was served; "
                "print the 送达回证 of that one"
            )
        service = store.latest_service(uow, notice_id)
        view = NoticeView.of(notice)
        context = _context(notice, service, rt.clock.today())
    html = rt.notice_renderer().render_form("receipt_form.html", context)
    if fmt == "html":
        return Rendered(view, html.encode("utf-8"), False)
    return Rendered(view, rt.pdf().render(html)[0], False)


def _to_person(notice: model.Notice) -> bool:
    snap = notice.snapshot
    if notice.type in _TO_PERSON:
        return True
    if notice.type == "hearing_notice":
        # A hearing on a 责令撤换 goes to the organization (bases.*.hearing).
        return (snap.get("basis") or {}).get("penalty") != "replacement"
    if notice.type == "revocation_notice":
        party = (snap.get("details") or {}).get("party")
        return party == "person" or (party is None and snap.get("ban") is not None)
    return False


def _context(
    notice: model.Notice, service: model.NoticeService | None, today: Any
) -> dict[str, Any]:
    """The form's context, from the notice as issued (its snapshot) and its service."""
    snap = notice.snapshot
    org, person = snap["organization"], snap["person"]
    if _to_person(notice):
        recipient = {
            "name": person["name"],
            "address": person.get("address"),
            "legal_representative": None,
        }
    else:
        recipient = {
            "name": org["name"],
            "address": org.get("address") or f"{org['district']}{org.get('township') or ''}",
            "legal_representative": org.get("legal_representative"),
        }
    methods = [
        {"key": key, "zh": zh, "chosen": service is not None and service.method == key}
        for key, zh in SERVICE_METHODS.items()
    ]
    return {
        # What _layout.html reads: the form's own heading, the office as the notice has it.
        "notice": {
            "type": "receipt_form",
            "number": None,
            "title": "送达回证",
            "date_cn": cn_date(today),
        },
        "authority": snap["authority"],
        "details": {},
        "document": {
            "title": snap["notice"]["title"],
            "number": notice.number,
            "date_cn": snap["notice"]["date_cn"],
        },
        "recipient": recipient,
        "methods": methods,
        "service": None
        if service is None
        else {
            "method": service.method,
            "delivered_cn": cn_date(service.delivered_on),
            "no_receipt_reason": service.no_receipt_reason,
        },
    }
