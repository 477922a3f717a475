"""Shared output helpers for CLI commands: strict JSON, tables, CSV, stderr messages."""

from __future__ import annotations

import argparse
import math
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson
import pandas as pd

from portal.services import datasets

if TYPE_CHECKING:
    from portal.store import Store



def add_common(parser: argparse.ArgumentParser, *, formats: tuple[str, ...] = ("table", "json")) -> None:
    """Add ``--db`` and ``--format`` to a sub-command's parser."""
    parser.add_argument("--db", metavar="URL", help="SQLAlchemy URL of the store (overrides PORTAL_DATABASE_URL)")
    parser.add_argument("--format", choices=formats, default=formats[0], help="output format")


def open_store(args: argparse.Namespace) -> Store:
    """Open the store named by ``--db`` or the environment."""
    return datasets.open_store(getattr(args, "db", None))


def jsonable(obj: Any) -> Any:
    """Return ``obj`` with NaN/inf as None, numpy scalars as Python, dates as ISO strings."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, pd.DataFrame):
        return [jsonable(r) for r in obj.to_dict(orient="records")]
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        value = float(obj)
        return None if math.isnan(value) or math.isinf(value) else value
    if obj is pd.NaT or obj is None:
        return None
    if isinstance(obj, (pd.Timestamp, datetime, date)):
        return obj.isoformat()
    try:
        if pd.isna(obj):
            return None
    except (TypeError, ValueError):
        pass
    return obj


def print_json(obj: Any) -> None:
    """Print one strict JSON document to stdout."""
    sys.stdout.write(orjson.dumps(jsonable(obj), option=orjson.OPT_INDENT_2).decode() + "\n")


def info(message: str) -> None:
    """Print a progress or warning line to stderr."""
    print(message, file=sys.stderr)


def print_table(frame: pd.DataFrame) -> None:
    """Print a frame as a plain text table to stdout."""
    if frame.empty:
        print("(nothing to show)")
        return
    print(frame.to_string(index=False))
