"""The ``portal report`` command: the executive report of a dataset as one HTML file or a PDF."""

from __future__ import annotations

import argparse
from pathlib import Path

from portal import metrics
from portal.commands.kpis import add_selection, selection_args
from portal.commands.output import add_common, info, open_store, print_json
from portal.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    """Register the ``report`` command."""
    p = sub.add_parser(
        "report", help="the executive report of a dataset: one self-contained HTML file or a PDF",
        description="Write the executive report of a dataset: KPI tiles with their 95%% intervals, the trend, the "
                    "top themes by impact, the segments that differ for real, the journey's stages and weakest "
                    "stage when it has a journey, and the competitor gaps when the dataset has brands, each with a sentence and the period and filters it covers. Everything is "
                    "rendered offline; the HTML file loads nothing from the network.",
    )
    p.add_argument("--dataset", required=True, help="dataset name (see `portal datasets`)")
    p.add_argument("--out", required=True, metavar="FILE", help="file to write (.html or .pdf)")
    p.add_argument("--as", dest="kind", choices=("html", "pdf"),
                   help="format to write (default: from the extension of --out)")
    add_selection(p)
    p.add_argument("--period", choices=metrics.PERIODS, default="month", help="period of the trend (default: month)")
    p.add_argument("--min-n", type=int, default=None, metavar="N",
                   help="groups with fewer responses are never called different (default: PORTAL_MIN_GROUP_SIZE, 30)")
    add_common(p)
    p.set_defaults(handler=cmd_report)


def _progress(fraction: float, message: str) -> None:
    """Print how far the report is to stderr."""
    info(f"[{fraction:4.0%}] {message}")


def cmd_report(args: argparse.Namespace) -> int:
    """Write the report and say where (JSON: out, format, bytes, dataset, covers, sections)."""
    from portal.services import report as report_service

    kind = report_service.report_format(args.out, args.kind)
    out = Path(args.out).expanduser()
    if not out.parent.is_dir():
        raise InputError(f"Cannot write the report to '{out}': the folder '{out.parent}' does not exist.")
    min_n, where, start, end = selection_args(args)
    store = open_store(args)
    report = report_service.build_report(store, args.dataset, start=start, end=end, where=where, period=args.period,
                                         min_n=min_n, progress=_progress)
    _progress(0.95, f"Rendering the {kind.upper()} file")
    size = report_service.write_report(report, out, kind)
    _progress(1.0, "Done")
    if args.format == "json":
        print_json({"out": str(out.resolve()), "format": kind, "bytes": size, "dataset": report.dataset,
                    "covers": report.covers, "sections": report.to_dict()["sections"]})
    else:
        print(f"Wrote the executive report of '{report.dataset}' to {out} ({kind.upper()}, {size:,} bytes): "
              + ", ".join(s.title for s in report.sections) + ".")
    return 0
