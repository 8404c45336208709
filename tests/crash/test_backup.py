"""`supervise backup` while real processes advance cases, and `supervise restore` of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from supervise.cli import cli
from tests.crash import invariants
from tests.crash.test_crash import NOW, REPO, _seed
from tests.reminders.conftest import write_config
from tests.smtp_server import SmtpTestServer


@pytest.mark.slow
def test_backup_while_others_write_then_restore(
    sqlite_url: str, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    config = write_config(tmp_path / "office.yaml", smtp_server)
    _seed(sqlite_url, config)
    env = {**os.environ, "SUPERVISE_NOW": NOW, "SUPERVISE_LOG": str(tmp_path / "log")}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.crash.worker", sqlite_url, str(config), str(n)],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(2)
    ]
    runner = CliRunner()
    cli_env = {
        "SUPERVISE_DB": sqlite_url,
        "SUPERVISE_NOW": NOW,
        "SUPERVISE_CONFIG": None,
        "SUPERVISE_USER": "admin",  # backups and restores are an admin's
    }
    copies = []
    live = create_engine(sqlite_url)

    def history() -> int:
        with live.connect() as conn:
            return int(conn.execute(text("SELECT COUNT(*) FROM history")).scalar_one())

    try:
        for n in range(4):
            seen, deadline = history(), time.monotonic() + 30
            while history() < seen + 3 and time.monotonic() < deadline:
                time.sleep(0.05)  # let the workers write between two backups
            target = tmp_path / f"backup-{n}.db"
            result = runner.invoke(cli, ["backup", str(target), "--json"], env=cli_env)
            assert result.exit_code == 0, result.stderr
            copies.append(target)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
    counts = []
    for copy in copies:
        engine = create_engine(f"sqlite:///{copy}")
        counts.append(invariants.check(engine)["history"])
        engine.dispose()
    assert counts == sorted(counts) and counts[-1] > counts[0], counts  # taken while writing
    invariants.check(live)
    with live.connect() as conn:
        numbers_before = dict(
            ((t, y), n)
            for t, y, n in conn.execute(text("SELECT type, year, last FROM number_sequences"))
        )
    # A file that fails the checks is refused, naming why; the database is untouched.
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all")
    result = runner.invoke(cli, ["restore", str(bad), "--yes"], env=cli_env)
    assert result.exit_code == 1 and "cannot be read as an SQLite database" in result.stderr
    result = runner.invoke(cli, ["restore", str(copies[0])], env=cli_env)
    assert result.exit_code == 1 and "--yes" in result.stderr
    result = runner.invoke(cli, ["restore", str(copies[0]), "--yes", "--json"], env=cli_env)
    assert result.exit_code == 0, result.stderr
    with live.connect() as conn:
        history = conn.execute(text("SELECT COUNT(*) FROM history")).scalar_one()
        numbers_after = dict(
            ((t, y), n)
            for t, y, n in conn.execute(text("SELECT type, year, last FROM number_sequences"))
        )
    assert history == counts[0]
    # Numbers given out after the backup are never given out again.
    assert numbers_after == numbers_before
    saved = next(tmp_path.glob("supervise.db.before-restore-*"))
    aside = create_engine(f"sqlite:///{saved}")
    assert invariants.check(aside)["history"] >= counts[-1]
    aside.dispose()
    live.dispose()
