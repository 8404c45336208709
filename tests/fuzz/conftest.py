"""Report the fuzzing suite's figures (README) at the end of the session."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.fuzz.contract import TALLY


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLY.runs:
        return
    figures = TALLY.as_json()
    terminalreporter.write_line(f"fuzzing: {json.dumps(figures, ensure_ascii=False)}")
    report = os.environ.get("SUPERVISE_FUZZ_REPORT")
    if report:
        Path(report).write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
