"""`supervise keys …`: the key that seals ID numbers at rest."""

from __future__ import annotations

from supervise.cli.base import cli, echo, emit_json, json_option, pass_office
from supervise.office import Office


@cli.group()
def keys() -> None:
    """The key that seals ID numbers at rest: rotate it (see the README, Security model)."""


@keys.command("rotate")
@json_option
@pass_office
def keys_rotate(office: Office, as_json: bool) -> None:
    """Re-seal every ID number under the ring's first key, then retire the others.

    Put the new key first in $SUPERVISE_DATA_KEY (or the key file) and keep the old one after
    it until this says it is no longer needed; interrupted, run it again to finish.

    \b
    Example:
        SUPERVISE_DATA_KEY="$NEW $OLD" supervise keys rotate
    """
    report = office.rotate_keys()
    if as_json:
        emit_json(report.as_json())
        return
    echo(f"re-sealed {report.resealed} of {report.seen} ID numbers under key {report.key}")
    if report.left:
        echo(
            f"{report.left} ID numbers were sealed under an older key meanwhile (a process "
            "without the new key first): give every process the new ring, then run this again"
        )
    elif report.retired:
        echo(
            f"no longer needed: key {', '.join(report.retired)}; remove it from the ring once "
            "no backup you may restore needs it"
        )
