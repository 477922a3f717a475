"""The ``portal`` command for scripts and cron.

With ``--format json`` stdout holds exactly one strict JSON document (``null``, never ``NaN``);
progress, the detected mapping and warnings go to stderr. A ``PortalError`` is caught here, in one
place, and printed as one sentence on stderr with exit code 1 (2 for a ``UsageError``). A reader that stops early
(``portal export ... | head -1``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import os
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
    """Run the CLI and return its exit code (0 ok, 1 a problem the user can fix, 2 bad usage, 141 stdout closed)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = int(args.handler(args) or 0)
        sys.stdout.flush()  # a closed pipe must surface here, not in the interpreter's flush at exit
        return code
    except BrokenPipeError:
        return _reader_went_away()
    except PortalError as err:
        print(f"Error: {err}", file=sys.stderr)
        return int(getattr(err, "exit_code", 1))
    except KeyboardInterrupt:
        print("Interrupted; nothing was changed by the unfinished step.", file=sys.stderr)
        return 130


#: Exit status when the reader of stdout closed it early: 128 + SIGPIPE (13), what a shell reports for a
#: program a closed pipe stopped, so it is neither success nor the 1 of an error the user can fix.
BROKEN_PIPE_EXIT = 141


def _reader_went_away() -> int:
    """Point stdout at the null device and return ``BROKEN_PIPE_EXIT``, printing nothing.

    This is the recipe of Python's documentation (the ``signal`` module's "Note on SIGPIPE"): Python
    flushes stdout again at exit, and writing to the closed pipe there would raise a second
    BrokenPipeError, reported on stderr, so the rest of the output goes to the null device instead.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return BROKEN_PIPE_EXIT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
