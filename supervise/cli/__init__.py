"""The `supervise` command line (entry-point layer): one module per noun."""

from __future__ import annotations

from supervise.cli import admin, bans, calendar, cases, notice, registry, remind, users
from supervise.cli.base import cli, main

__all__ = [
    "admin",
    "bans",
    "calendar",
    "cases",
    "cli",
    "main",
    "notice",
    "registry",
    "remind",
    "users",
]
