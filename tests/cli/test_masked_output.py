"""ID numbers are masked in every command that prints a person (issue 11), on SQLite and
PostgreSQL: lists, shows, agenda, bans, notices (the published version), exports, reports,
the chains' export and the steps' own output. Only the served original of a notice
addressed to the person carries the full number (test_review.py), and ``person show
--reveal`` (test_personal_data.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from supervise.cli import cli
from supervise.office import Office
from supervise.states import CaseState
from supervise.story import clear_ban, id_number
from supervise.validation import mask_id_number
from tests.conftest import NOW, new_person
from tests.integration.helpers import advance, case_in

S = CaseState


@pytest.fixture
def banned(office: Office) -> tuple[Office, str, int, int]:
    """A person banned by a decision (its notices issued), with their number."""
    number = id_number(birth="19790312")
    person = office.add_person(name="王五", id_number=number, address="重庆市渝中区民生路9号").id
    case_id = case_in(office, S.HEARING_SCHEDULED, person_id=person)
    advance(office, case_id, "record_hearing", reason="听证笔录")
    clear_ban(office, case_id, years=3)
    advance(office, case_id, "impose_ban", years=3)
    other = case_in(office, S.APPOINTED, person_id=new_person(office))
    advance(office, other, "schedule_interview", date=date(2026, 12, 4))
    return office, number, person, case_id


def test_every_command_that_prints_a_person_masks_the_number(
    banned: tuple[Office, str, int, int], db_url: str, tmp_path: Path
) -> None:
    office, number, person, case_id = banned
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(
            cli, ["--db", db_url, "--as", "zhang", *args], env={"SUPERVISE_NOW": NOW.isoformat()}
        )

    public = next(n.id for n in office.notices(case=case_id) if n.type == "ban_decision")
    files = {name: tmp_path / name for name in ("public.html", "chains.jsonl")}
    commands = [
        ("case", "list"), ("case", "list", "--json"),
        ("case", "show", str(case_id)), ("case", "show", str(case_id), "--json"),
        ("case", "next", str(case_id)), ("case", "next", str(case_id), "--json"),
        ("person", "list"), ("person", "list", "--json"),
        ("person", "show", str(person)), ("person", "show", str(person), "--json"),
        ("person", "find", "--id-number", number), ("person", "find", "--id-number", number,
                                                    "--json"),
        ("person", "edit", str(person), "--address", "重庆市渝中区民生路10号", "--json"),
        ("bans", "check", "--id-number", number), ("bans", "check", "--id-number", number,
                                                   "--json"),
        ("bans", "list"), ("bans", "list", "--json"),
        ("agenda", "--days", "60"), ("agenda", "--days", "60", "--json"),
        ("notice", "list"), ("notice", "list", "--json"),
        ("notice", "render", str(public), "--public", "--format", "html",
         "-o", str(files["public.html"])),
        ("export", "cases", "--csv"), ("export", "cases", "--json"),
        ("report", "cases", "--json"),
        ("audit", "export", "--all", "-o", str(files["chains.jsonl"])),
        ("appoint", "--org", "1", "--person", str(person), "--role", "理事", "--json"),
    ]  # fmt: skip
    masked = mask_id_number(number)
    shown_masked = 0
    for args in commands:
        result = run(*args)
        # The appointment of the banned person is refused: the refusal names them too.
        assert result.exit_code == (1 if args[0] == "appoint" else 0), (args, result.stderr)
        output = result.stdout + result.stderr
        assert number not in output, args
        shown_masked += masked in output
    assert shown_masked >= 10  # the person is really there, masked
    for path in files.values():
        text = path.read_text(encoding="utf-8")
        assert text and number not in text, path.name
    # The check itself can fail: the served original does carry it.
    original = office.render_notice(public, "html").data.decode("utf-8")
    assert number in original
