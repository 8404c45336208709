"""Personal data at rest (issue 11, part D): ID numbers sealed with AES-GCM, found by a keyed
hash, the key rotated, a missing or wrong key refused, a reveal audited, and a database from
before revision 0009 migrated; on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url

from supervise.adapters.database import make_engine
from supervise.adapters.migrate import upgrade_to_head
from supervise.adapters.orm import audit, data_keys, persons
from supervise.adapters.personal_data import (
    DEVELOPMENT_KEY,
    KEY_ENV,
    Cipher,
    generate_key,
    parse_ring,
)
from supervise.cli import cli
from supervise.db import SCHEMA_HEAD
from supervise.errors import ConfigError, NotAllowed
from supervise.office import Office
from supervise.states import CaseState
from supervise.story import id_number
from tests.conftest import MakeOffice, scratch_pg_database
from tests.integration.helpers import case_in

NEW_KEY = generate_key()
ROTATING = f"{NEW_KEY}\n{DEVELOPMENT_KEY}"  # the new key first: it seals, the old one opens


def keyed(make_office: MakeOffice, ring: str | None, **kwargs: object) -> Office:
    return make_office(environ={} if ring is None else {KEY_ENV: ring}, **kwargs)


def _engine(db_url: str) -> Engine:
    return create_engine(db_url)


def stored(db_url: str) -> list[tuple[int, str, str]]:
    engine = _engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(persons.c.id, persons.c.id_number_enc, persons.c.id_number_hmac).order_by(
                persons.c.id
            )
        ).all()
    engine.dispose()
    return [(r[0], r[1], r[2]) for r in rows]


def database_bytes(db_url: str, tmp_path: Path) -> bytes:
    """What a thief takes: the SQLite file with its log, or PostgreSQL's pg_dump."""
    if db_url.startswith("sqlite"):
        path = Path(make_url(db_url).database or "")
        parts = [path, path.with_name(path.name + "-wal")]
        return b"".join(p.read_bytes() for p in parts if p.exists())
    url = make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)
    dump = subprocess.run(["pg_dump", "--dbname", url], capture_output=True, check=True)
    return dump.stdout


def test_a_stolen_database_holds_no_id_number_in_clear(
    office: Office, db_url: str, tmp_path: Path
) -> None:
    numbers = [id_number() for _ in range(3)]
    ids = [
        office.add_person(name=f"测试{i}", id_number=n, address="重庆市渝中区民生路2号").id
        for i, n in enumerate(numbers)
    ]
    case_in(office, CaseState.INTERVIEW_SCHEDULED, person_id=ids[0])  # a notice names him
    office.edit_person(ids[1], email="li@example.org")
    court = id_number()
    office.add_court_ban(
        id_number=court,
        name="钱七",
        judgment="（2026）渝0105刑初1号",
        court="重庆市南岸区人民法院",
        start=date(2026, 11, 1),
        until=date(2030, 10, 31),
    )
    assert office.find_persons(id_number=numbers[2])[0].id == ids[2]
    assert [b.person.name for b in office.check_bans(court)] == ["钱七"]
    imported = [id_number() for _ in range(2)]
    sheet = tmp_path / "persons.csv"
    sheet.write_text(
        "姓名,身份证号码\n" + "".join(f"导入{i},{n}\n" for i, n in enumerate(imported)),
        encoding="utf-8",
    )
    assert office.import_file("persons", sheet).inserted == 2
    assert office.import_file("persons", sheet).unchanged == 2  # found by the keyed hash
    assert office.find_persons(id_number=imported[1])[0].name == "导入1"
    dump = database_bytes(db_url, tmp_path)
    assert len(dump) > 10_000
    for number in [*numbers, court, *imported]:
        assert number.encode() not in dump
        assert number[:17].encode() not in dump  # nor with another check character
    assert b"persons" in dump  # the test looked at the right thing


def test_lookup_is_one_probe_of_the_keyed_index(office: Office, db_url: str) -> None:
    number = id_number()
    person = office.add_person(name="李四", id_number=number).id
    assert [p.id for p in office.find_persons(id_number=number)] == [person]
    seen: list[str] = []
    engine = office.runtime.database.engine()

    def note(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        assert office.check_bans(number) == []
    finally:
        event.remove(engine, "before_cursor_execute", note)
    on_persons = [s for s in seen if "FROM persons" in s]
    assert len(on_persons) == 1 and "id_number_hmac IN" in on_persons[0]
    if db_url.startswith("sqlite"):
        engine = _engine(db_url)
        with engine.connect() as conn:
            plan = " ".join(
                str(r[-1])
                for r in conn.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT * FROM persons WHERE id_number_hmac IN ('a', 'b')"
                )
            )
        engine.dispose()
        assert plan.startswith("SEARCH persons USING INDEX") and "(id_number_hmac=?)" in plan


def test_a_person_registered_under_another_name_is_found_by_number(office: Office) -> None:
    number = id_number()
    office.add_court_ban(
        id_number=number,
        name="王五",
        judgment="（2026）渝0105刑初2号",
        court="重庆市南岸区人民法院",
        start=date(2026, 11, 1),
        until=date(2030, 10, 31),
    )
    with pytest.raises(Exception, match="exists already"):
        office.add_person(name="王伍", id_number=number.lower())
    assert [b.person.name for b in office.check_bans(number)] == ["王五"]


def test_the_sealed_value_is_bound_to_its_row(office: Office, db_url: str) -> None:
    a = office.add_person(name="甲", id_number=id_number()).id
    b = office.add_person(name="乙", id_number=id_number()).id
    rows = {r[0]: r for r in stored(db_url)}
    engine = _engine(db_url)
    with engine.begin() as conn:  # someone with write access moves A's number to B
        conn.execute(persons.update().where(persons.c.id == b).values(id_number_enc=rows[a][1]))
    engine.dispose()
    assert office.person(a).name == "甲"
    with pytest.raises(ConfigError, match="does not open"):
        office.person(b)


def test_a_missing_key_is_one_clear_line_and_changes_nothing(
    make_office: MakeOffice, db_url: str
) -> None:
    keyed(make_office, DEVELOPMENT_KEY).add_person(name="李四", id_number=id_number())
    bare = keyed(make_office, None)
    with pytest.raises(ConfigError, match=f"set {KEY_ENV} or the configuration's personal_data"):
        bare.add_person(name="赵六", id_number=id_number())
    with pytest.raises(ConfigError, match="no key for personal data"):
        bare.check_bans(id_number())
    assert len(stored(db_url)) == 1
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["--db", db_url, "person", "add", "--name", "赵六", "--id-number", id_number()],
        env={KEY_ENV: None, "SUPERVISE_CONFIG": None},
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and KEY_ENV in result.stderr
    assert "Traceback" not in result.output
    assert len(stored(db_url)) == 1


def test_a_wrong_key_is_refused_before_a_lookup_can_miss(
    make_office: MakeOffice, db_url: str
) -> None:
    number = id_number()
    keyed(make_office, DEVELOPMENT_KEY).add_person(name="李四", id_number=number)
    wrong = keyed(make_office, generate_key())
    # Not "no ban found": a lookup under the wrong key would find nobody.
    with pytest.raises(ConfigError, match="sealed under key .* does not hold"):
        wrong.check_bans(number)
    with pytest.raises(ConfigError, match="does not hold"):
        wrong.add_person(name="赵六", id_number=id_number())
    with pytest.raises(ConfigError, match="does not hold"):
        wrong.person(1)
    assert len(stored(db_url)) == 1
    result = CliRunner().invoke(
        cli,
        ["--db", db_url, "bans", "check", "--id-number", number],
        env={KEY_ENV: generate_key(), "SUPERVISE_CONFIG": None},
    )
    assert result.exit_code == 2 and "does not hold" in result.stderr
    assert number not in result.output and "Traceback" not in result.output


def test_a_key_file_named_in_the_configuration(
    make_office: MakeOffice, db_url: str, tmp_path: Path
) -> None:
    key_file = tmp_path / "data.key"
    key_file.write_text(f"# the office's key\n{DEVELOPMENT_KEY}\n", encoding="ascii")
    config = tmp_path / "office.yaml"
    config.write_text(f"personal_data:\n  key_file: {key_file}\n", encoding="utf-8")
    office = keyed(make_office, None, config=config)
    number = id_number()
    office.add_person(name="李四", id_number=number)
    assert keyed(make_office, DEVELOPMENT_KEY).find_persons(id_number=number)[0].name == "李四"
    key_file.write_text("not-a-key\n", encoding="ascii")
    with pytest.raises(ConfigError, match="key 1 is not a base64-encoded 32-byte key"):
        keyed(make_office, None, config=config).find_persons(id_number=number)
    key_file.unlink()
    with pytest.raises(ConfigError, match="cannot read the key file"):
        keyed(make_office, None, config=config).find_persons(id_number=number)


def test_rotation_reseals_everything_and_retires_the_old_key(
    make_office: MakeOffice, db_url: str
) -> None:
    old = keyed(make_office, DEVELOPMENT_KEY)
    numbers = [id_number() for _ in range(7)]
    for i, number in enumerate(numbers[:5]):
        old.add_person(name=f"旧{i}", id_number=number)
    # A rotation half done (or a process already on the new ring): rows under both keys.
    rotating = keyed(make_office, ROTATING, user="admin")
    for i, number in enumerate(numbers[5:]):
        rotating.add_person(name=f"新{i}", id_number=number)
    new_fp, old_fp = (k.fingerprint for k in parse_ring(ROTATING, "test"))
    assert sorted({r[1].split(":")[0] for r in stored(db_url)}) == sorted({new_fp, old_fp})
    for number in numbers:  # every row is found meanwhile, in one query
        assert len(rotating.find_persons(id_number=number)) == 1
    before = {r[0]: r[1] for r in stored(db_url)}
    report = rotating.rotate_keys(batch=2)
    assert (report.key, report.seen, report.resealed, report.left) == (new_fp, 7, 5, 0)
    assert report.retired == (old_fp,)
    after = stored(db_url)
    assert {r[1].split(":")[0] for r in after} == {new_fp}
    assert all(before[r[0]] != r[1] for r in after if before[r[0]].startswith(old_fp))
    engine = _engine(db_url)
    with engine.connect() as conn:
        assert list(conn.execute(select(data_keys.c.fingerprint)).scalars()) == [new_fp]
        row = conn.execute(select(audit).where(audit.c.action == "keys.rotate")).one()
    engine.dispose()
    assert row.data["resealed"] == 5 and row.data["retired"] == [old_fp]
    # The new key alone now opens everything; the old one alone is refused, by name.
    alone = keyed(make_office, NEW_KEY)
    assert [alone.find_persons(id_number=n)[0].id for n in numbers] == list(range(1, 8))
    with pytest.raises(ConfigError, match=f"sealed under key {new_fp}"):
        keyed(make_office, DEVELOPMENT_KEY).check_bans(numbers[0])
    again = keyed(make_office, NEW_KEY, user="admin").rotate_keys()
    assert (again.seen, again.resealed, again.retired) == (7, 0, ())


def test_an_interrupted_rotation_is_finished_by_running_it_again(
    make_office: MakeOffice, db_url: str
) -> None:
    old = keyed(make_office, DEVELOPMENT_KEY)
    numbers = [id_number() for _ in range(6)]
    for i, number in enumerate(numbers):
        old.add_person(name=f"人{i}", id_number=number)
    rows = stored(db_url)
    engine = _engine(db_url)
    with engine.begin() as conn:  # row 5 cannot be opened: the rotation stops there
        conn.execute(persons.update().where(persons.c.id == 5).values(id_number_enc=rows[0][1]))
    rotating = keyed(make_office, ROTATING, user="admin")
    with pytest.raises(ConfigError, match="does not open"):
        rotating.rotate_keys(batch=2)
    new_fp, old_fp = (k.fingerprint for k in parse_ring(ROTATING, "test"))
    # The batches before the failure were committed whole; the one that failed, not at all.
    assert [r[1].split(":")[0] for r in stored(db_url)] == [new_fp] * 4 + [old_fp] * 2
    with engine.connect() as conn:
        assert sorted(conn.execute(select(data_keys.c.fingerprint)).scalars()) == sorted(
            [new_fp, old_fp]
        )
    with engine.begin() as conn:  # the row is mended (from a backup, say)
        conn.execute(persons.update().where(persons.c.id == 5).values(id_number_enc=rows[4][1]))
    engine.dispose()
    for number in numbers:  # meanwhile everyone is found, under either key
        assert len(rotating.find_persons(id_number=number)) == 1
    report = rotating.rotate_keys(batch=2)
    assert (report.seen, report.resealed, report.retired) == (6, 2, (old_fp,))
    assert {r[1].split(":")[0] for r in stored(db_url)} == {new_fp}


def test_rotation_needs_every_key_the_database_uses(make_office: MakeOffice, db_url: str) -> None:
    keyed(make_office, DEVELOPMENT_KEY).add_person(name="李四", id_number=id_number())
    before = stored(db_url)
    with pytest.raises(ConfigError, match="does not hold"):
        keyed(make_office, NEW_KEY, user="admin").rotate_keys()
    assert stored(db_url) == before
    result = CliRunner().invoke(cli, ["--db", db_url, "keys", "rotate"], env={KEY_ENV: ROTATING})
    assert result.exit_code == 0, result.output
    assert "re-sealed 1 of 1 ID numbers" in result.stdout


def test_reveal_is_for_directors_and_audited(make_office: MakeOffice, db_url: str) -> None:
    admin = make_office(user="admin")
    admin.init(admin="admin")
    admin.add_user("boss", role="director", email="boss@mzj.example.gov.cn")
    admin.add_user("worker", role="supervisor", email="worker@mzj.example.gov.cn")
    number = id_number()
    person = make_office(user="boss").add_person(name="李四", id_number=number).id
    assert make_office(user="boss").reveal_id_number(person) == number
    with pytest.raises(NotAllowed):
        make_office(user="worker").reveal_id_number(person)
    engine = _engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit.c.by, audit.c.outcome, audit.c.data)
            .where(audit.c.action == "person.reveal")
            .order_by(audit.c.id)
        ).all()
    engine.dispose()
    assert [(r[0], r[1]) for r in rows] == [("boss", "done"), ("worker", "refused")]
    assert rows[0][2] == {"person": person}
    shown = CliRunner().invoke(
        cli, ["--db", db_url, "--as", "boss", "person", "show", str(person), "--reveal"]
    )
    assert shown.exit_code == 0 and number in shown.stdout
    plain = CliRunner().invoke(cli, ["--db", db_url, "--as", "boss", "person", "show", "1"])
    assert number not in plain.stdout and number[:6] + "********" in plain.stdout
    refused = CliRunner().invoke(
        cli, ["--db", db_url, "--as", "worker", "person", "show", str(person), "--reveal"]
    )
    assert refused.exit_code == 1 and number not in refused.output


def test_doctor_checks_the_key(make_office: MakeOffice) -> None:
    dev = keyed(make_office, DEVELOPMENT_KEY)
    dev.add_person(name="李四", id_number=id_number())
    [check] = [c for c in dev.doctor() if c.name == "key"]
    assert not check.ok and "development key" in check.message
    [check] = [c for c in keyed(make_office, generate_key()).doctor() if c.name == "key"]
    assert not check.ok and "does not hold" in check.message
    [check] = [c for c in keyed(make_office, None).doctor() if c.name == "key"]
    assert not check.ok and KEY_ENV in check.message
    keyed(make_office, ROTATING, user="admin").rotate_keys()
    [check] = [c for c in keyed(make_office, NEW_KEY).doctor() if c.name == "key"]
    assert check.ok, check.message


# -- the migration of a database from before revision 0009 ---------------------------------


def _at_0008(url: str) -> Engine:
    """A database at revision 0008 (a fresh one: the downgrade of 0009 is refused)."""
    from importlib import resources

    from alembic import command
    from alembic.config import Config

    engine = make_engine(url, must_exist=False)
    config = Config()
    config.set_main_option("script_location", str(resources.files("supervise").joinpath("db")))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0008")
    return engine


@pytest.fixture
def empty_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new PostgreSQL database beside the test's."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    with scratch_pg_database(db_url, "supervise_old") as url:
        yield url


def test_the_migration_seals_clear_numbers_in_one_transaction(
    empty_url: str, tmp_path: Path
) -> None:
    engine = _at_0008(empty_url)
    numbers = [id_number() for _ in range(3)]
    with engine.begin() as conn:
        for i, number in enumerate(numbers, 1):
            conn.execute(
                text(
                    "INSERT INTO persons (id, name, id_number, email, created_at, version) "
                    "VALUES (:id, :name, :number, NULL, '2025-01-01 00:00:00', 1)"
                ),
                {"id": i, "name": f"旧{i}", "number": number},
            )
    engine.dispose()
    # Without a key the upgrade is refused and leaves the database at 0008, numbers intact.
    engine = make_engine(empty_url, must_exist=False)
    with pytest.raises(ConfigError, match="no key for personal data"):
        upgrade_to_head(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0008"
        assert conn.execute(text("SELECT count(*) FROM persons")).scalar() == 3
    engine.dispose()
    cipher = Cipher(parse_ring(DEVELOPMENT_KEY, "test"))
    engine = make_engine(empty_url, must_exist=False)
    upgrade_to_head(engine, lambda: cipher)
    engine.dispose()
    rows = stored(empty_url)
    assert [cipher.open(r[1], r[2]) for r in rows] == numbers
    dump = database_bytes(empty_url, tmp_path)
    assert b"persons" in dump
    for number in numbers:
        assert number.encode() not in dump


def test_the_sqlite_migration_keeps_the_cases_pointing_at_their_persons(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'linked.db'}"
    engine = _at_0008(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO persons (id, name, id_number, email, created_at, version) "
                "VALUES (1, '旧', :n, NULL, '2025-01-01 00:00:00', 1)"
            ),
            {"n": id_number()},
        )
    engine.dispose()
    cipher = Cipher(parse_ring(DEVELOPMENT_KEY, "test"))
    engine = make_engine(url, must_exist=False)
    upgrade_to_head(engine, lambda: cipher)
    engine.dispose()
    con = sqlite3.connect(tmp_path / "linked.db")
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    fks = con.execute("PRAGMA foreign_key_list(cases)").fetchall()
    assert any(fk[2] == "persons" for fk in fks)
    assert con.execute("SELECT count(*) FROM persons").fetchone() == (1,)
    con.close()


def test_init_upgrades_an_old_file_only_with_the_key(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = _at_0008(f"sqlite:///{path}")
    number = id_number()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO persons (id, name, id_number, email, created_at, version) "
                "VALUES (1, '旧', :n, NULL, '2025-01-01 00:00:00', 1)"
            ),
            {"n": number},
        )
    engine.dispose()
    runner = CliRunner()
    bare = runner.invoke(cli, ["--db", str(path), "init"], env={KEY_ENV: None})
    assert bare.exit_code == 2 and bare.stderr.count("\n") == 1, bare.output
    assert KEY_ENV in bare.stderr and "Traceback" not in bare.output
    con = sqlite3.connect(path)  # nothing changed (but the journal mode, as init sets it)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0008",)]
    assert con.execute("SELECT id, id_number FROM persons").fetchall() == [(1, number)]
    con.close()
    done = runner.invoke(cli, ["--db", str(path), "init"], env={KEY_ENV: DEVELOPMENT_KEY})
    assert done.exit_code == 0, done.output
    assert f"upgraded from schema 0008 to {SCHEMA_HEAD}" in done.stdout
    assert number.encode() not in path.read_bytes()
    shown = runner.invoke(
        cli,
        ["--db", str(path), "person", "show", "1", "--reveal", "--json"],
        env={KEY_ENV: DEVELOPMENT_KEY},
    )
    assert shown.exit_code == 0 and json.loads(shown.stdout)["id_number"] == number
    rotated = runner.invoke(
        cli, ["--db", str(path), "keys", "rotate", "--json"], env={KEY_ENV: ROTATING}
    )
    assert rotated.exit_code == 0
    assert json.loads(rotated.stdout)["resealed"] == 1
