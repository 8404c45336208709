"""The hash chains that make history tamper-evident (domain layer; standard library only).

Each history row and each audit row carries ``hash = SHA-256(prev_hash + "\\n" +
canonical content)``, where ``prev_hash`` is the hash of the row before it in its chain
and the content is the row's fields as canonical JSON (sorted keys, no spaces, UTF-8,
times in UTC with microseconds). The chains:

- **one per case**: its history rows in ``seq`` order; the case row keeps the head
  (``cases.chain_head``), written by the version-checked UPDATE every step already makes,
  so concurrent writers of different cases never wait for each other and two writers of
  the same case cannot fork it (the second gets ``conflict``);
- **one for the audit table** (refusals, user changes, reviews, discussions, reveals), in
  ``id`` order; ``prev_hash`` is unique, so two writers cannot fork it either (the second
  retries on the new head).

An **anchor** is one hash over every chain's head at a moment, with the last history and
audit ids it covers: ``H.A.hex``. Kept outside the database (the directors' digest, a
notebook), it lets ``audit verify --anchor`` detect a chain rewritten whole by someone
with write access, which no internal check can.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64

#: The fields of a history row that its hash covers (everything but its id and hashes).
HISTORY_FIELDS: tuple[str, ...] = (
    "case_id",
    "seq",
    "event",
    "from_state",
    "to_state",
    "at",
    "recorded_at",
    "by",
    "reason",
    "basis",
    "data",
)
#: The fields of an audit row that its hash covers.
AUDIT_FIELDS: tuple[str, ...] = (
    "at",
    "recorded_at",
    "by",
    "action",
    "outcome",
    "case_id",
    "reason",
    "data",
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def canonical(fields: Mapping[str, Any], names: Iterable[str]) -> str:
    """The row's content as one canonical JSON text (what the hash covers)."""
    return json.dumps(
        {name: _plain(fields[name]) for name in names},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def link(prev_hash: str, content: str) -> str:
    """The hash of a row whose content is ``content`` after a row hashed ``prev_hash``."""
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def history_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    return link(prev_hash, canonical(fields, HISTORY_FIELDS))


def audit_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    return link(prev_hash, canonical(fields, AUDIT_FIELDS))


@dataclass(frozen=True)
class Anchor:
    """The heads of every chain at a moment: the last history and audit ids it covers, and
    the hash over the heads (case heads in case-id order, then the audit head)."""

    history_id: int
    audit_id: int
    digest: str

    def __str__(self) -> str:
        return f"{self.history_id}.{self.audit_id}.{self.digest}"

    @classmethod
    def parse(cls, text: str) -> Anchor | None:
        parts = text.strip().split(".")
        if len(parts) != 3 or not all(parts):
            return None
        history_id, audit_id, digest = parts
        if not (history_id.isdigit() and audit_id.isdigit()):
            return None
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            return None
        return cls(int(history_id), int(audit_id), digest)


def anchor_digest(case_heads: Iterable[tuple[int, str]], audit_head: str) -> str:
    """The hash over the chains' heads: ``case_id:head`` lines in case-id order, then the
    audit head."""
    lines = [f"{case_id}:{head}" for case_id, head in sorted(case_heads)]
    lines.append(f"audit:{audit_head}")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
