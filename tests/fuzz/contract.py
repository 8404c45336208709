"""The CLI contract every run must keep, and the logical dump that proves "changes nothing".

Shared by the Hypothesis suite (``test_cli_fuzz.py``), its named regression examples and the
backup tests: :func:`dump` reads every table's rows (``alembic_version`` included) in key
order, :func:`restore` puts a dump back, :func:`check` asserts the contract on one run.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from click.testing import Result
from sqlalchemy import Connection, Engine, Table, select, text

from supervise.adapters.orm import DERIVED_TABLES, metadata

Dump = dict[str, list[tuple[Any, ...]]]

_ID_SHAPE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def dump(engine: Engine) -> Dump:
    """Every row of every table, ordered by primary key: what "unchanged" compares."""
    out: Dump = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            keys = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*keys))]
        out["alembic_version"] = (
            [tuple(r) for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
            if engine.dialect.has_table(conn, "alembic_version")
            else []
        )
    return out


def restore(engine: Engine, rows: Dump, current: Dump | None = None) -> None:
    """Make the database hold exactly ``rows``; ``current`` (its last dump) limits the work.

    Given ``current``, only the tables that differ from ``rows`` are rewritten, and nothing at
    all when none does (most hostile runs are refused and change nothing but the audit).
    """
    changed = {t.name for t in metadata.sorted_tables}
    if current is not None:
        changed = {t for t in changed if current.get(t) != rows.get(t)}
        if not changed and current.get("alembic_version") == rows["alembic_version"]:
            return
    tables = [t for t in metadata.sorted_tables if t.name in changed]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            _restore_pg(conn, tables, rows)
        else:
            for table in reversed(tables):
                conn.execute(table.delete())
            for table in tables:
                if table.name not in DERIVED_TABLES:  # its triggers rebuild it from the rows
                    _insert(conn, table, rows)
        conn.execute(text("DELETE FROM alembic_version"))
        for (version,) in rows["alembic_version"]:
            conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": version})


def _restore_pg(conn: Connection, tables: list[Table], rows: Dump) -> None:
    # As a replica the session fires no trigger (the append-only ones refuse DELETE, the
    # derived tables' ones would count twice) and checks no foreign key, so each table is
    # put back as dumped, in any order; DELETE costs milliseconds where TRUNCATE costs 0.5 s.
    conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
    for table in tables:
        conn.execute(table.delete())
        _insert(conn, table, rows)
        column = table.columns.get("id")
        if column is not None and column.autoincrement is not False:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )


def _insert(conn: Connection, table: Table, rows: Dump) -> None:
    data = rows.get(table.name, [])
    if data:
        names = [c.name for c in table.columns]
        conn.execute(table.insert(), [dict(zip(names, r, strict=True)) for r in data])


def only_refusals_added(before: list[tuple[Any, ...]], after: list[tuple[Any, ...]]) -> bool:
    """A refusal writes itself to the audit trail (issue 11) and changes nothing else: the
    audit rows before are kept as they were, and every row added records a refusal."""
    outcome = list(metadata.tables["audit"].columns.keys()).index("outcome")
    return after[: len(before)] == before and all(
        row[outcome] == "refused" for row in after[len(before) :]
    )


def full_id_numbers(output: str) -> list[str]:
    """18-character runs in ``output`` that are valid 居民身份证号码 (check character right)."""
    found = []
    for match in _ID_SHAPE.finditer(unicodedata.normalize("NFKC", output)):
        run = match.group(0)
        total = sum(int(c) * w for c, w in zip(run[:17], _WEIGHTS, strict=True))
        if "10X98765432"[total % 11] == run[17].upper():
            found.append(run)
    return found


def raw_controls(output: str) -> list[str]:
    """Control characters a terminal would act on (line feeds and the progress bar's CR
    aside)."""
    return sorted(
        {
            repr(c)
            for c in output
            if c not in "\n\r" and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")
        }
    )


@dataclass
class Tally:
    """What the suite did: the README's figures."""

    commands: set[str] = field(default_factory=set)
    runs: int = 0
    exits: Counter[int] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    tracebacks: int = 0
    changed_on_refusal: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "commands": len(self.commands),
            "runs": self.runs,
            "succeeded": self.exits[0],
            "refused": self.exits[1] + self.exits[2],
            "invalid (exit 2)": self.exits[2],
            "refused actions (exit 1)": self.exits[1],
            "kinds": dict(self.kinds),
            "tracebacks": self.tracebacks,
            "database changes on refusal": self.changed_on_refusal,
        }


TALLY = Tally()


def check(
    result: Result,
    argv: list[str],
    before: Dump,
    after: Dump,
    *,
    command: str,
) -> None:
    """Assert the contract on one run (see the module docstring of test_cli_fuzz)."""
    TALLY.commands.add(command)
    TALLY.runs += 1
    out, err = result.stdout, result.stderr
    shown = (
        f"argv={[a[:200] for a in argv]!r}\nexit={result.exit_code}\n"
        f"stdout={out[-2000:]!r}\nstderr={err[-2000:]!r}"
    )
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    if crashed or "Traceback" in out + err or "unexpected error" in err:
        TALLY.tracebacks += 1
        raise AssertionError(f"traceback or incident\n{shown}") from result.exception
    TALLY.exits[result.exit_code] += 1
    assert result.exit_code in (0, 1, 2), shown
    as_json = "--json" in argv
    if result.exit_code != 0:
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].strip(), f"not one line on stderr\n{shown}"
        if as_json and not (command.endswith("verify") and result.exit_code == 1):
            error = json.loads(lines[0])
            assert set(error) >= {"error", "message"}, shown
            TALLY.kinds[error["error"]] += 1
        else:
            assert lines[0].startswith("Error: ") or command.endswith("verify"), shown
        changed = [t for t in before if before[t] != after.get(t) and t != "audit"]
        if changed or not only_refusals_added(before.get("audit", []), after.get("audit", [])):
            TALLY.changed_on_refusal += 1
            raise AssertionError(f"refused, yet tables {changed or ['audit']} changed\n{shown}")
    elif as_json:
        json.loads(out)
    assert full_id_numbers(out + err) == [], f"a full ID number is shown\n{shown}"
    assert raw_controls(out) == [], f"raw control characters on stdout\n{shown}"
    assert raw_controls(err) == [], f"raw control characters on stderr\n{shown}"
