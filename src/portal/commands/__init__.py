"""Sub-commands of the ``portal`` CLI, one module per area; each has ``register(subparsers)``."""

from __future__ import annotations

from portal.commands import collections, compare, data, jobs, journey, kpis, report, sheets, themes

COMMAND_MODULES = [data, kpis, journey, sheets, themes, compare, collections, report, jobs]
