"""The `supervise` command line (entry-point layer): one module per noun.

The modules are imported on demand by ``SuperviseGroup.get_command`` (see
``COMMAND_MODULES`` in ``commands``), so a command loads only what it needs.
"""

from __future__ import annotations

from supervise.cli.base import cli, main

__all__ = ["cli", "main"]
