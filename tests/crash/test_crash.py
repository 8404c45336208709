"""SIGKILL at random points of a real process that advances cases, issues and renders
notices and delivers mail to a real SMTP server (aiosmtpd), on SQLite and PostgreSQL.

Each round starts ``tests/crash/worker.py`` and kills it (no cleanup, no atexit) at a point
drawn at random: right after the n-th commit, as a PDF starts rendering, or after a random
delay. After the rounds one clean reminder pass delivers what is due, then the database
must hold (``invariants.check``): SQLite's integrity check; each case in its last history
row's state; no notice without its history row; notice numbers without gap or repeat; and
the outbox against what the server received: every message marked sent arrived, nothing
arrived that the outbox does not hold, and a message arrived twice only when a kill fell
between the server's acceptance and the commit of "sent" (delivery is at least once, under
one Message-ID: at most one such message per kill).

``SUPERVISE_CRASH_ROUNDS`` sets the rounds (default 6 per database; the README's figures
come from a larger run).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import supervise
from supervise.story import credit_code, id_number
from tests.conftest import TEST_ENV
from tests.crash import invariants
from tests.reminders.conftest import received, write_config
from tests.smtp_server import SmtpTestServer

ROUNDS = int(os.environ.get("SUPERVISE_CRASH_ROUNDS", "6"))
NOW = "2026-11-27T10:00:00+08:00"
REPO = Path(__file__).resolve().parents[2]


def _seed(url: str, config: Path) -> None:
    moment = datetime.fromisoformat(NOW)
    with supervise.open(url, config=config, actor="zhang", now=moment, environ=TEST_ENV) as office:
        office.add_user("admin", role="admin")  # the first user: an empty directory checks nobody
        office.add_user("wang", email="wang@mzj.example.gov.cn", role="director", actor="admin")
        office.add_user("zhang", email="zhang@mzj.example.gov.cn", reports_to="wang", actor="admin")
        for n in range(4):
            org = office.add_org(
                name=f"中心{n}",
                credit_code=credit_code(),
                district="渝中区",
                kind="social-group",
                charity=True,
            )
            person = office.add_person(name=f"人{n}", id_number=id_number())
            office.appoint(org=org.id, person=person.id, role="秘书长")


def _kill_point(rng: random.Random) -> tuple[str, float]:
    """What to wait for before the kill: ("commit", n), ("rendering", n) or ("time", s)."""
    kind = rng.choice(["commit", "commit", "rendering", "time"])
    if kind == "time":
        return kind, rng.uniform(0.3, 3.0)
    return kind, rng.randint(1, 8)


@pytest.mark.slow
def test_sigkill_at_random_points_loses_and_duplicates_nothing(
    db_url: str, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    # The slowest test of `make test` (about 14 s a database): each round starts a real
    # worker process (a Python start-up, a PDF engine) and kills it, which no shortcut keeps.
    config = write_config(tmp_path / "office.yaml", smtp_server)
    _seed(db_url, config)
    env = {**os.environ, "SUPERVISE_NOW": NOW, "SUPERVISE_LOG": str(tmp_path / "log")}
    rng = random.Random(int(os.environ.get("SUPERVISE_CRASH_SEED", "9")))
    kills: Counter[str] = Counter()
    for round_ in range(ROUNDS):
        kind, amount = _kill_point(rng)
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.crash.worker", db_url, str(config), str(round_)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert worker.stdout is not None
        started, seen = time.monotonic(), 0
        while worker.poll() is None and time.monotonic() - started < 60:
            if kind == "time":
                if time.monotonic() - started >= amount:
                    break
                time.sleep(0.01)
                continue
            line = worker.stdout.readline()
            if kind == "commit" and line.startswith("committed"):
                seen += 1
            elif kind == "rendering" and line.startswith("rendering"):
                seen += 1
            if seen >= amount:
                break
        worker.send_signal(signal.SIGKILL)
        _, err = worker.communicate(timeout=30)
        assert worker.returncode == -signal.SIGKILL, err[-2000:]
        kills[kind] += 1
    # The office comes back: one clean pass sends whatever is due.
    moment = datetime.fromisoformat(NOW)
    with supervise.open(
        db_url, config=config, actor="zhang", now=moment, environ=TEST_ENV
    ) as office:
        office.run_reminders()
    engine = create_engine(db_url)
    figures = invariants.check(engine)
    with engine.connect() as conn:
        outbox = conn.execute(text("SELECT message_id, status FROM outbox")).all()
    engine.dispose()
    arrived = Counter(m.message_id for m in received(smtp_server))
    sent = {mid for mid, status in outbox if status == "sent"}
    assert sent <= set(arrived), "a message marked sent never arrived"
    assert set(arrived) <= {mid for mid, _ in outbox}, "a message arrived that nobody queued"
    assert not any(status == "pending" for _, status in outbox), "a message was left behind"
    twice = sum(n - 1 for n in arrived.values())
    assert twice <= sum(kills.values())
    print(
        f"\ncrash rounds={ROUNDS} kills={dict(kills)} {figures} sent={len(sent)} "
        f"received={sum(arrived.values())} delivered twice={twice}"
    )
