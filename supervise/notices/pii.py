"""Personal data in a stored notice: the served original and the version for publication
(domain layer, standard library only).

A stored notice keeps only the masked ID number, inside a marked span
(``<span class="idno" data-idno="party">500103********0016</span>``), and the personal
address inside ``<span class="pii-address">…</span>``. Two documents are made from it:

- the **original** served on a person, which must identify the person without doubt
  (行政处罚法 Art. 59(一)): the party's full ID number, read from the person's record when the
  notice is rendered, replaces the masked one (so no second copy of it is stored);
- the **public** version (Art. 48, 具有一定社会影响的行政处罚决定应当依法公开): ID numbers
  stay masked and personal addresses are masked as well.

Every other output (lists, JSON, mail attachments to supervisors) uses the stored, masked
document.
"""

from __future__ import annotations

import re
from html import escape, unescape

from supervise.errors import SuperviseError

_IDNO = re.compile(r'(<span class="idno" data-idno="party">)([^<]*)(</span>)')
_ADDRESS = re.compile(r'(<span class="pii-address">)([^<]*)(</span>)')

#: The characters of a personal address kept in the public version (the district, roughly).
ADDRESS_KEPT = 6


def has_party_id(html: str) -> bool:
    """Whether the notice names a person by ID number as its party."""
    return _IDNO.search(html) is not None


def original(html: str, full_id: str, masked_id: str) -> str:
    """The served original: the party's full ID number where the masked one stands."""

    def fill(match: re.Match[str]) -> str:
        if match.group(2) != masked_id:
            raise SuperviseError(
                "the notice names an ID number that is not its party's; it was altered "
                "outside supervise"
            )
        return f"{match.group(1)}{full_id}{match.group(3)}"

    return _IDNO.sub(fill, html)


def mask_address(address: str) -> str:
    """A personal address for publication: its first characters, the rest starred."""
    kept = address[:ADDRESS_KEPT]
    return (
        kept + "＊" * max(4, len(address) - len(kept)) if len(address) > ADDRESS_KEPT else "＊" * 4
    )


def public(html: str) -> str:
    """The version for publication: ID numbers masked (as stored), personal addresses too."""
    return _ADDRESS.sub(
        lambda m: f"{m.group(1)}{escape(mask_address(unescape(m.group(2))))}{m.group(3)}", html
    )
