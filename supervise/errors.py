"""Domain error hierarchy (domain layer: imports nothing from click, SQLAlchemy or jinja2).

Every refusal the program can give is one of these. Each carries the machine-readable
``kind`` that ``--json`` prints and the process exit status the CLI uses, so the CLI
translates them in one place.
"""

from __future__ import annotations

from typing import Any, ClassVar

from supervise.redact import MESSAGE_LIMIT, clip, redact


class SuperviseError(Exception):
    """Base of every refusal; exit 1 unless a subclass says otherwise."""

    kind: ClassVar[str] = "not_allowed"
    exit_code: ClassVar[int] = 1

    def __init__(self, message: str, **details: Any) -> None:
        # The one place every refusal passes: one line, capped, personal data masked.
        message = clip(redact(" ".join(message.split())), MESSAGE_LIMIT)
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class InvalidInput(SuperviseError):
    """Input rejected before anything was read: malformed date, bad check character, usage."""

    kind = "invalid"
    exit_code = 2


class ConfigError(InvalidInput):
    """A configuration file or value that cannot be used."""


class NotFound(SuperviseError):
    """A case, organization, person, notice or user id that does not exist."""

    kind = "not_found"


class NotAllowed(SuperviseError):
    """An event that is not defined from the case's current state, or an action not permitted."""

    kind = "not_allowed"


class GuardRefused(SuperviseError):
    """A legal rule (guard) refuses the event at the given time."""

    kind = "guard"


class Conflict(SuperviseError):
    """Someone else changed the same record first; reload and retry."""

    kind = "conflict"


class Banned(SuperviseError):
    """The person is under an active industry ban (入职查询 found a ban)."""

    kind = "banned"


class Tampered(SuperviseError):
    """A hash chain does not match: a row was changed, deleted, moved or rewritten."""

    kind = "tampered"


class DatabaseProblem(SuperviseError):
    """The database is missing, not a database, uninitialised, or from a newer schema."""

    kind = "database"


class MailDeliveryError(SuperviseError):
    """A message could not be handed to the mail server or written to the mail folder.

    ``refused``: the server answered and refused this message (or some of its recipients),
    so the next message may go through; otherwise the server itself could not be used.
    """

    kind = "mail"

    def __init__(self, message: str, *, refused: bool = False, **details: Any) -> None:
        super().__init__(message, **details)
        self.refused = refused
