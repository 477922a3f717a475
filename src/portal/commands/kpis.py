"""The ``portal kpis`` command: NPS, CSAT, rating and would recommend with 95% intervals, by group and period."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import pandas as pd

from portal import metrics, settings
from portal.commands.output import add_common, info, open_store, print_json, print_table
from portal.errors import InputError, NotFoundError
from portal.numbers import money, plural
from portal.safe_csv import write_csv
from portal.services import datasets as dataset_service


def register(sub: argparse._SubParsersAction) -> None:
    """Register the ``kpis`` command."""
    p = sub.add_parser(
        "kpis",
        help="NPS, CSAT, average rating and would recommend with 95%% intervals, overall, by a column and by period",
        description="Print a dataset's KPIs with their 95%% intervals. With --by, every value of the column is "
                    "compared with all other responses; with --period, every period with the one before. "
                    "p-values are adjusted for the number of comparisons (Benjamini-Hochberg).",
    )
    p.add_argument("--dataset", required=True, help="dataset name (see `portal datasets`)")
    p.add_argument("--by", metavar="COLUMN", help="compare the values of this column (a segment, brand, ...)")
    p.add_argument("--period", choices=metrics.PERIODS, help="compare each week, month or quarter with the one before")
    add_selection(p)
    p.add_argument("--min-n", type=int, default=None, metavar="N",
                   help="groups with fewer responses are flagged low_sample and never significant "
                        "(default: PORTAL_MIN_GROUP_SIZE, 30)")
    p.add_argument("--metric", choices=metrics.METRICS,
                   help="the KPI that p_value and significant refer to (default: nps, csat, rating, recommend)")
    add_common(p, formats=("table", "json", "csv"))
    p.set_defaults(handler=cmd_kpis)


def add_selection(p: argparse.ArgumentParser) -> None:
    """Add ``--from``, ``--to`` and ``--where``: the responses a command reads (``selection``)."""
    p.add_argument("--from", dest="start", metavar="DATE", help="first day to include (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day to include (YYYY-MM-DD)")
    p.add_argument("--where", action="append", default=[], metavar="COLUMN=VALUE",
                   help="keep only responses whose COLUMN is VALUE (repeatable; the same column twice keeps either)")


def selection(args: argparse.Namespace) -> tuple[dict[str, list[str]], Any, Any]:
    """Return ``--where``, ``--from`` and ``--to`` checked; raise ``InputError`` for a bad one."""
    where = parse_where(args.where)
    start = metrics.parse_date(args.start, "--from") if args.start else None
    end = metrics.parse_date(args.end, "--to") if args.end else None
    return where, start, end


def parse_where(values: list[str]) -> dict[str, list[str]]:
    """Return ``--where COLUMN=VALUE`` arguments as column -> values; raise ``InputError`` on a malformed one."""
    out: dict[str, list[str]] = {}
    for value in values:
        column, sep, wanted = value.partition("=")
        if not sep or not column.strip():
            raise InputError(f"--where takes COLUMN=VALUE (for example --where Region=North), not '{value}'.")
        out.setdefault(column.strip(), []).append(wanted.strip())
    return out


def selection_args(args: argparse.Namespace) -> tuple[int, dict[str, list[str]], Any, Any]:
    """Return ``--min-n``, ``--where``, ``--from`` and ``--to`` checked; raise ``InputError`` for a bad one."""
    min_n = settings.min_group_size() if args.min_n is None else args.min_n
    if min_n < 0:
        raise InputError("--min-n takes a whole number of responses, 0 or more.")
    return (min_n, *selection(args))


def cmd_kpis(args: argparse.Namespace) -> int:
    """Print the KPIs of one dataset as a table, JSON or CSV."""
    min_n, where, start, end = selection_args(args)
    store = open_store(args)
    dataset = dataset_service.find_dataset(store, args.dataset)
    if dataset is None:
        raise NotFoundError(f"No dataset named '{args.dataset}'. Run `portal datasets` to see the names.")
    frame = dataset_service.load_responses(store, args.dataset)
    config = dataset.config
    if args.by:
        metrics.check_column(frame, config, args.by)
    selected = metrics.select(frame, config, start=start, end=end, where=where)
    if selected.empty:
        info("No responses match this selection; every figure is empty.")
    report = metrics.kpi_report(selected, config, by=args.by, period=args.period, metric=args.metric, min_n=min_n)
    if args.format == "json":
        print_json(report.to_dict())
    elif args.format == "csv":
        write_csv(report.to_frame(), sys.stdout)
    else:
        _print_report(report, config, min_n)
    return 0


def _interval(low: Any, high: Any, digits: int) -> str:
    """Return ``[low, high]`` rounded for reading, or an empty string."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return ""
    return f"[{low:.{digits}f}, {high:.{digits}f}]"


def _num(value: Any, digits: int) -> str:
    """Return a number rounded for reading, or an empty string for a missing one."""
    return "" if value is None or pd.isna(value) else f"{value:.{digits}f}"


_DIGITS = {"nps": 1, "csat": 1, "rating": 2, "recommend": 1}


def _readable(table: pd.DataFrame, mapped: list[str], key: str, tests: bool) -> pd.DataFrame:
    """Return a KPI table with rounded numbers and intervals for printing."""
    out = pd.DataFrame()
    if key == "period":
        out[key] = [pd.Timestamp(p).date().isoformat() for p in table[key]]
    elif key:
        out[key] = table[key].map(lambda v: "(not set)" if v is None else str(v))
    out["n"] = table["n"].astype(int)
    for m in mapped:
        d = _DIGITS[m]
        name = metrics.METRIC_LABELS[m] if m != "rating" else "Rating"
        est = "rating_mean" if m == "rating" else m
        out[name] = [_num(v, d) for v in table[est]]
        out[f"{name} 95%"] = [_interval(lo, hi, d) for lo, hi in zip(table[f"{m}_ci_low"], table[f"{m}_ci_high"],
                                                                      strict=True)]
    if tests:
        out["difference"] = [_num(v, 1) for v in table["difference"]]
        out["p adjusted"] = [_num(v, 4) for v in table["p_adjusted"]]
        out["significant"] = ["yes" if s else "" for s in table["significant"]]
        out["low sample"] = ["yes" if s else "" for s in table["low_sample"]]
    return out


def _print_report(report: metrics.KpiReport, config: Any, min_n: int) -> None:
    """Print the report as plain text tables with one sentence per KPI."""
    mapped = [m for m in metrics.METRICS if m in metrics.mapped_roles(config)]
    row = report.overall.iloc[0].to_dict()
    print(plural(row["n"], "response"))
    for m in mapped:
        print("  " + metrics.describe(m, row, config, min_n=min_n))
    if pd.notna(row.get("customers")):
        print("  " + plural(row["customers"], "distinct customer"))
    if pd.notna(row.get("revenue_at_risk")):
        print(f"  Revenue at risk (detractors): {money(row['revenue_at_risk'], config.currency, 2)}")
    tested = metrics.METRIC_LABELS.get(report.metric or "", "")
    if report.groups is not None:
        print(f"\nBy {report.by} (each value against all other responses; tests on {tested}):")
        print_table(_readable(report.groups, mapped, "value", True))
    if report.periods is not None:
        print(f"\nBy {report.period} (each against the one before; tests on {tested}):")
        print_table(_readable(report.periods, mapped, "period", True))
