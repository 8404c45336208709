"""Notices: listing, rendering, service and verification."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from supervise.inputs import optional_id, record_id
from supervise.office.base import OfficeBase

if TYPE_CHECKING:
    from supervise.views import (
        NoticeView,
        Rendered,
        Served,
    )


class NoticeDesk(OfficeBase):
    # -- notices --------------------------------------------------------------------------

    def notices(
        self,
        *,
        case: int | None = None,
        since: date | None = None,
        limit: int = 10_000,
        actor: str | None = None,
    ) -> list[NoticeView]:
        from supervise.services.notices import records

        return records.list_notices(
            self.runtime, self._act("notice.list", actor), optional_id(case, "--case"), since, limit
        )

    def render_notice(
        self,
        notice_id: int,
        fmt: str = "pdf",
        *,
        public: bool = False,
        actor: str | None = None,
    ) -> Rendered:
        """The notice as PDF or HTML; every render of the original reproduces the first.

        The original served on a person carries the full ID number; ``public`` gives the
        version for publication (ID numbers and personal addresses masked)."""
        from supervise.services.notices import records

        return records.render(
            self.runtime,
            self._act("notice.render", actor),
            record_id(notice_id, "notice"),
            fmt,
            public,
        )

    def receipt_form(
        self, notice_id: int, fmt: str = "pdf", *, actor: str | None = None
    ) -> Rendered:
        """The notice's 送达回证 (receipt of service) as PDF or HTML, from the record: blank
        for the server to fill in, or with the method and day once service is recorded."""
        from supervise.services.notices import receipts

        return receipts.receipt_form(
            self.runtime,
            self._act("notice.receipt_form", actor),
            record_id(notice_id, "notice"),
            fmt,
        )

    def serve_notice(
        self,
        notice_id: int,
        *,
        method: str,
        on: date,
        receipt: str | Path | None = None,
        consent: str | None = None,
        no_receipt_reason: str | None = None,
        actor: str | None = None,
    ) -> Served:
        """Record service (送达); windows counted from notice start on that day.

        Direct and lodged service need the signed 送达回证's scan (``receipt``) or the reason
        there is none (``no_receipt_reason``)."""
        from supervise.services.notices import records

        path = None if receipt is None else Path(receipt)
        return records.serve(
            self.runtime,
            self._act("notice.serve", actor),
            record_id(notice_id, "notice"),
            method,
            on,
            path,
            consent,
            no_receipt_reason,
        )

    def verify_notice(self, notice_id: int, path: str | Path, *, actor: str | None = None) -> bool:
        """Whether the file is this notice as rendered or as served."""
        from supervise.services.notices import records

        return records.verify(
            self.runtime,
            self._act("notice.verify", actor),
            record_id(notice_id, "notice"),
            Path(path),
        )
