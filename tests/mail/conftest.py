"""Fixtures for the mail adapter tests: a real SMTP server on a free local port."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.smtp_server import make_self_signed_cert


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    try:
        return make_self_signed_cert(tmp_path_factory.mktemp("tls"))
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot make a test certificate: {exc}")
