"""Sub-commands of the ``portal`` CLI, one module per area; each has ``register(subparsers)``."""

from __future__ import annotations

from portal.commands import data, kpis, sheets

COMMAND_MODULES = [data, kpis, sheets]
