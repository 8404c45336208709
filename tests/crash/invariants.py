"""What must hold in a supervise database whatever happened to the processes writing it.

Used after the SIGKILL rounds of ``test_crash.py`` and on backups (``test_backup.py``):
SQLite's own integrity check; every case in the state its last history row says, with its
step counter at that row; no notice without the history row that issued it; notice numbers
without a gap or a repeat in each series and year, and each series' counter at its last
number.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from sqlalchemy import Engine, text


def check(engine: Engine) -> dict[str, Any]:
    """Assert the invariants; return what was counted."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        cases = conn.execute(text("SELECT id, state, seq FROM cases")).all()
        last = {
            case_id: (seq, to_state)
            for case_id, seq, to_state in conn.execute(
                text(
                    "SELECT h.case_id, h.seq, h.to_state FROM history h WHERE h.seq = "
                    "(SELECT MAX(seq) FROM history WHERE case_id = h.case_id)"
                )
            )
        }
        for case_id, state, seq in cases:
            assert last[case_id] == (seq, state), (case_id, state, seq, last.get(case_id))
        orphans = conn.execute(
            text(
                "SELECT n.id FROM notices n LEFT JOIN history h "
                "ON h.case_id = n.case_id AND h.seq = n.history_seq WHERE h.id IS NULL"
            )
        ).all()
        assert orphans == [], f"notices without their history row: {orphans}"
        series: dict[tuple[str, int], list[int]] = defaultdict(list)
        for number, year, seq in conn.execute(text("SELECT number, year, seq FROM notices")):
            # One series per number pattern: the number without its sequence.
            series[(re.sub(r"\d+(?=\D*$)", "#", number), year)].append(seq)
        for key, seqs in series.items():
            assert sorted(seqs) == list(range(1, len(seqs) + 1)), (key, sorted(seqs))
        counters = {
            (t, y): last_seq
            for t, y, last_seq in conn.execute(
                text("SELECT type, year, last FROM number_sequences")
            )
        }
        issued = sum(len(s) for s in series.values())
        assert sum(counters.values()) == issued, (counters, issued)
        history = conn.execute(text("SELECT COUNT(*) FROM history")).scalar_one()
    return {"cases": len(cases), "history": history, "notices": issued}
