"""The ``portal`` command for scripts and cron.

With ``--format json`` stdout holds exactly one strict JSON document (``null``, never ``NaN``);
progress, the detected mapping and warnings go to stderr. A ``PortalError`` is caught here, in one
place, and printed as one sentence on stderr with exit code 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from portal.commands import COMMAND_MODULES
from portal.errors import PortalError


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="portal",
        description="Insights Portal: import customer feedback and read its numbers.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code (0 ok, 1 a problem the user can fix, 2 bad usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except PortalError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; nothing was changed by the unfinished step.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
