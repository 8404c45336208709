"""What every part of the library API shares: the runtime, the actor and the permission check."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Any, Self

from supervise.errors import InvalidInput
from supervise.inputs import ACTOR, text
from supervise.permissions import Actor
from supervise.runtime import Runtime


class OfficeBase:
    """The runtime and default actor every desk works with."""

    def __init__(self, runtime: Runtime, actor: str | None = None) -> None:
        self.runtime = runtime
        self.actor = actor

    # -- life cycle ------------------------------------------------------------------------

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Let go of the database connections."""
        self.runtime.close()

    def at(self, moment: datetime) -> Self:
        """The same office with its clock fixed at ``moment`` (replays, tests, demos)."""
        return type(self)(self.runtime.at(moment), self.actor)

    @property
    def settings(self) -> Any:
        """The effective settings (``config.Settings``)."""
        return self.runtime.settings

    def _who(self, actor: str | None) -> str:
        who = actor or self.actor
        if not who:
            raise InvalidInput("who is acting? pass actor=NAME (or open the office with one)")
        return text(who, "who is acting (--as)", ACTOR)

    def _act(self, action: str, actor: str | None, *, case_id: int | None = None) -> Actor:
        """Who is acting, checked against the permission table: every method comes here.

        Raises:
            NotAllowed: an unknown or disabled user, or a role the table does not allow
                (audited).
        """
        from supervise.services.admin import access

        return access.authorize(self.runtime, self._who(actor), action, case_id=case_id)
