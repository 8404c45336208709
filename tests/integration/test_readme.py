"""The README's library example runs as it stands and prints what its comments say."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def library_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## The library API", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "README's library API section has no python example"
    return match.group(1)


def test_the_readme_library_example_runs(tmp_path: Path) -> None:
    code = library_example()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPERVISE_")}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    # Each `# …` line under a print() is what that print writes ("..." ends a prefix).
    expected = [line.strip()[2:] for line in code.splitlines() if line.strip().startswith("# ")]
    printed = out.stdout.splitlines()
    assert len(printed) == len(expected)
    for got, want in zip(printed, expected, strict=True):
        if want.endswith("..."):
            assert got.startswith(want[:-3]), (got, want)
        else:
            assert got == want
