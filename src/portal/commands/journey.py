"""The ``portal journey`` command: set a dataset's journey (column and stage order) and print it stage by stage."""

from __future__ import annotations

import argparse
from typing import Any

import pandas as pd

from portal import metrics
from portal.commands.kpis import add_selection, selection
from portal.commands.output import add_common, info, open_store, print_json, print_table
from portal.errors import InputError, NotFoundError, UsageError
from portal.metrics.journey import Journey, weakest_sentence


def register(sub: argparse._SubParsersAction) -> None:
    """Register the ``journey`` command."""
    p = sub.add_parser(
        "journey",
        help="the customer journey: KPIs, sentiment, top themes and pain point per stage, and where it loses most",
        description="Print a dataset's journey stage by stage. Set it first with --column and --order (once per "
                    "dataset). Each stage is compared with all the others; p-values are adjusted for the number of "
                    "stages (Benjamini-Hochberg).",
    )
    p.add_argument("--dataset", required=True, help="dataset name (see `portal datasets`)")
    p.add_argument("--column", metavar="COLUMN", help="set the column that holds the journey stage (with --order)")
    p.add_argument("--order", metavar="A,B,C", help="the stages first to last, comma-separated (with --column)")
    add_selection(p)
    add_common(p)
    p.set_defaults(handler=cmd_journey)


def _set(store: Any, args: argparse.Namespace) -> None:
    """Store the journey given by ``--column`` and ``--order``."""
    from portal.services import journey as journey_service

    if not args.column or args.order is None:
        raise UsageError("Setting a journey needs both --column COLUMN and --order A,B,C.")
    order = [s.strip() for s in args.order.split(",")]
    if not any(order):
        raise InputError("--order lists no stage; write the stages first to last, like --order Sign-up,Billing.")
    saved = journey_service.set_journey(store, args.dataset, args.column, order)
    info(f"The journey of '{args.dataset}' is {saved.column}: {' > '.join(saved.stages)}.")


def cmd_journey(args: argparse.Namespace) -> int:
    """Set and/or print a dataset's journey."""
    from portal.services import datasets as dataset_service
    from portal.services import journey as journey_service
    from portal.services import themes as theme_service

    where, start, end = selection(args)
    store = open_store(args)
    if dataset_service.find_dataset(store, args.dataset) is None:
        raise NotFoundError(f"No dataset named '{args.dataset}'. Run `portal datasets` to see the names.")
    if args.column or args.order is not None:
        _set(store, args)
    theme_service.refresh(store, args.dataset)
    result = journey_service.journey_view(store, args.dataset, start=start, end=end, where=where)
    if result is None:
        raise InputError(f"The dataset '{args.dataset}' has no journey yet. Set one with `portal journey --dataset "
                         f"\"{args.dataset}\" --column COLUMN --order A,B,C`.")
    if args.format == "json":
        print_json(result.to_dict())
    else:
        _print(result)
    return 0


def _interval(pair: Any, digits: int) -> str:
    """Return ``[low, high]`` rounded for reading ("" when missing)."""
    return "" if not pair else f"[{pair[0]:.{digits}f}, {pair[1]:.{digits}f}]"


def _print(result: Journey) -> None:
    """Print the journey as a plain table and a sentence on where it loses most."""
    records = result.to_dict()["stages"]
    metric = result.metric
    table = pd.DataFrame({"stage": [r["stage"] for r in records], "n": [r["n"] for r in records]})
    if metric is not None:
        key = metrics.estimate_column(metric)
        name = metrics.short_label(metric)
        table[name] = ["" if r[key] is None else f"{r[key]:.1f}" for r in records]
        table[f"{name} 95%"] = [_interval(r[f"{metric}_ci"], 1) for r in records]
        table["p adjusted"] = ["" if r["p_adjusted"] is None else f"{r['p_adjusted']:.4f}" for r in records]
    table["sentiment"] = ["" if r["sentiment"] is None else f"{r['sentiment']:+.2f}" for r in records]
    table["top themes"] = [", ".join(t["theme"] for t in r["top_themes"]) for r in records]
    table["pain point"] = ["" if r["pain_point"] is None else r["pain_point"]["theme"] for r in records]
    table["note"] = ["too few responses" if r["low_sample"] else "" for r in records]
    print(f"Journey along {result.column}, first stage to last:")
    print_table(table)
    print()
    print(weakest_sentence(result.weakest, result.metric))
