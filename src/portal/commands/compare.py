"""CLI command ``portal compare``: our brand beside its competitors, theme gaps with significance, market needs."""

from __future__ import annotations

import argparse

import pandas as pd

from portal.commands.output import add_common, info, open_store, print_json, print_table
from portal.errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    """Register ``portal compare``."""
    p = sub.add_parser("compare", help="our brand beside its competitors: ratings, theme gaps, market needs")
    p.add_argument("--dataset", required=True)
    p.add_argument("--ours", metavar="BRAND",
                   help="our brand (or our group of --by); default: the brand remembered for the dataset")
    p.add_argument("--remember", action="store_true",
                   help="remember --ours as the dataset's own brand (the Competitors page and later runs use it)")
    p.add_argument("--by", metavar="COLUMN", help="compare the groups of this column instead of brands")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day to include (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day to include (YYYY-MM-DD)")
    add_common(p)
    p.set_defaults(handler=cmd_compare)


def _progress(fraction: float, message: str) -> None:
    """Print progress lines to stderr."""
    info(f"[{fraction:4.0%}] {message}")


def cmd_compare(args: argparse.Namespace) -> int:
    """Print the comparison."""
    from portal import compare, metrics
    from portal.services import compare as compare_service
    from portal.services import themes as theme_service

    start = metrics.parse_date(args.start, "--from") if args.start else None
    end = metrics.parse_date(args.end, "--to") if args.end else None
    store = open_store(args)
    if compare_service.datasets.find_dataset(store, args.dataset) is not None:
        theme_service.refresh(store, args.dataset, progress=_progress)
    if args.remember and (args.by or not args.ours):
        raise UsageError("--remember keeps the brand given with --ours; it needs --ours BRAND and no --by.")
    ours = compare_service.our_brand(store, args.dataset, args.ours, by=args.by)
    result = compare_service.compare_dataset(store, args.dataset, ours=ours, by=args.by, start=start, end=end)
    if args.remember:
        compare_service.remember_ours(store, args.dataset, result.ours)
        info(f"Remembered {result.ours} as our brand for the dataset '{args.dataset}'.")
    if args.format == "json":
        print_json(compare.records(result))
        return 0
    _print_tables(result)
    return 0


def _pct(x: float) -> str:
    """Return a share as a whole percentage ("" when missing)."""
    return "" if pd.isna(x) else f"{100 * x:.0f}%"


def _print_tables(result) -> None:
    """Print the brands, the gaps and the market's needs as plain tables."""
    g = result.groups
    print_table(pd.DataFrame({
        "brand": [f"{b} (ours)" if o else b for b, o in zip(g["group"], g["ours"], strict=True)],
        "reviews": g["n"],
        "rating": ["" if pd.isna(m) else f"{m:.2f} [{lo:.2f}, {hi:.2f}]"
                   for m, lo, hi in zip(g["rating_mean"], g["rating_low"], g["rating_high"], strict=True)],
        "positive": g["positive_share"].map(_pct), "negative": g["negative_share"].map(_pct),
        "sentiment": g["sentiment"].map(lambda x: "" if pd.isna(x) else f"{x:+.2f}"),
        "note": ["too few reviews" if low else "" for low in g["low_sample"]],
    }))
    print()
    gaps = result.gaps
    print_table(pd.DataFrame({
        "theme": gaps["theme"], "ours": gaps["ours_problem_rate"].map(_pct),
        "best competitor": gaps["best_competitor"].fillna(""), "theirs": gaps["best_problem_rate"].map(_pct),
        "average": gaps["competitors_problem_rate"].map(_pct),
        "difference": gaps["difference"].map(lambda x: "" if pd.isna(x) else f"{100 * x:+.1f} pts"),
        "verdict": gaps["verdict"],
    }))
    print()
    needs = result.needs
    print_table(pd.DataFrame({"theme": needs["theme"], "kind": needs["kind"], "mentions": needs["n"],
                              "served best by": needs["best_brand"].fillna("")}))
