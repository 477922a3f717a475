"""CLI commands for themes: ``portal themes`` (figures per theme), ``portal discover`` and ``portal codeframe``."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from portal.commands.output import add_common, info, open_store, print_json, print_table
from portal.errors import InputError, NotFoundError
from portal.numbers import plural
from portal.services import datasets as dataset_service


def register(sub: argparse._SubParsersAction) -> None:
    """Register the theme commands."""
    p = sub.add_parser("themes", help="figures per theme: volume, sentiment, NPS and its impact, revenue, emerging")
    p.add_argument("--dataset", required=True)
    p.add_argument("--by", metavar="COLUMN", help="break each theme down by a segment, brand or language column")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day to include (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day to include (YYYY-MM-DD)")
    p.add_argument("--period", choices=("week", "month", "quarter"),
                   help="period emerging themes are judged on (default: month, or week for short spans)")
    add_common(p)
    p.set_defaults(handler=cmd_themes)

    p = sub.add_parser("discover", help="find themes in a dataset's comments and store them as a new codeframe")
    p.add_argument("--dataset", required=True)
    p.add_argument("--themes", type=int, metavar="K", help="number of themes (default: 10 to 25 by dataset size)")
    add_common(p)
    p.set_defaults(handler=cmd_discover)

    p = sub.add_parser("codeframe", help="export, import, list, undo or rearrange a dataset's codeframe (its themes "
                                         "and sub-themes)")
    p.add_argument("--dataset", required=True)
    action = p.add_mutually_exclusive_group(required=True)
    action.add_argument("--export", metavar="FILE", help="write the current codeframe as JSON ('-' for stdout)")
    action.add_argument("--import", dest="import_file", metavar="FILE",
                        help="make the codeframe in FILE (JSON) current and re-apply it to every comment")
    action.add_argument("--show", action="store_true", help="list the current themes and their keywords")
    action.add_argument("--history", action="store_true", help="list every version of the codeframe")
    action.add_argument("--undo", action="store_true", help="go back to the previous codeframe version")
    action.add_argument("--move", metavar="THEME",
                        help="make THEME a sub-theme of the theme given with --under (moves a sub-theme to another "
                             "theme)")
    action.add_argument("--promote", metavar="SUB_THEME", help="make a sub-theme a theme of its own")
    p.add_argument("--under", metavar="THEME", help="with --move: the theme THEME goes under")
    add_common(p)
    p.set_defaults(handler=cmd_codeframe)


def _progress(fraction: float, message: str) -> None:
    """Print progress lines to stderr."""
    info(f"[{fraction:4.0%}] {message}")


def _require_dataset(store, name: str):
    """Return the dataset's info; raise ``NotFoundError`` when there is none."""
    found = dataset_service.find_dataset(store, name)
    if found is None:
        raise NotFoundError(f"No dataset named '{name}'. Run `portal datasets` to see the names of your datasets.")
    return found


def _require_codeframe(store, name: str):
    """Return the dataset's current codeframe; raise ``InputError`` when it has none."""
    from portal.services.themes import current_codeframe

    codeframe = current_codeframe(store, name)
    if codeframe is None:
        raise InputError(f"The dataset '{name}' has no themes yet. Run `portal discover --dataset {name}`, or "
                         f"import a codeframe with `portal codeframe --dataset {name} --import FILE`.")
    return codeframe


def cmd_themes(args: argparse.Namespace) -> int:
    """Print the figures per theme."""
    from portal import metrics
    from portal.services import themes as theme_service
    from portal.text import figures
    from portal.text.theme_languages import not_read

    store = open_store(args)
    dataset = _require_dataset(store, args.dataset)
    start = metrics.parse_date(args.start, "--from") if args.start else None
    end = metrics.parse_date(args.end, "--to") if args.end else None
    theme_service.refresh(store, args.dataset, progress=_progress)
    codeframe = _require_codeframe(store, args.dataset)
    frame = theme_service.with_corrected_sentiment(store, args.dataset, dataset_service.load_responses(store, args.dataset))
    frame = metrics.select(frame, dataset.config, start=start, end=end)
    assigned = theme_service.assignments(store, args.dataset)
    table = figures.theme_table(frame, assigned, codeframe, dataset.config, period=args.period)
    breakdown = None
    if args.by:
        breakdown = figures.theme_breakdown(frame, assigned, codeframe, dataset.config, args.by)
    unread = not_read(frame, codeframe, set(assigned["row_key"]))
    if args.format == "json":
        print_json({"themes": figures.theme_records(table, breakdown), "not_read": unread.to_record()})
        return 0
    print_table(_table_view(table))
    if breakdown is not None:
        print()
        print_table(_breakdown_view(breakdown))
    if unread.comments:
        print()
        print(unread.message)
    return 0


def _table_view(table: pd.DataFrame) -> pd.DataFrame:
    """Return the theme table formatted for reading in a terminal (each theme followed by its sub-themes)."""
    from portal.text.theme_view import nested, theme_label

    table = nested(table)

    def pct(x: float) -> str:
        return "" if pd.isna(x) else f"{100 * x:.0f}%"

    def num(x: float, digits: int = 1) -> str:
        return "" if x is None or pd.isna(x) else f"{x:.{digits}f}"

    return pd.DataFrame({
        "theme": [theme_label(r) for _, r in table.iterrows()],
        "n": table["n"],
        "share": table["share"].map(pct),
        "sentiment": table["sentiment"].map(lambda x: num(x, 2)),
        "negative": table["negative_share"].map(pct),
        "nps": table["nps"].map(num),
        "nps impact": [("" if pd.isna(i) else f"{i:+.1f} [{lo:+.1f}, {hi:+.1f}]")
                       for i, lo, hi in zip(table["nps_impact"], table["nps_impact_low"], table["nps_impact_high"],
                                            strict=True)],
        "value": table["value"].map(lambda x: num(x, 0)),
        "emerging": table["emerging"].map(lambda x: "yes" if x else ""),
    })


def _breakdown_view(breakdown: pd.DataFrame) -> pd.DataFrame:
    """Return the segment breakdown formatted for reading in a terminal."""
    return pd.DataFrame({
        "theme": breakdown["theme"],
        "group": breakdown["value"].map(lambda v: "(none)" if v is None else v),
        "n": breakdown["n"],
        "share": breakdown["share"].map(lambda x: "" if pd.isna(x) else f"{100 * x:.0f}%"),
        "vs others": breakdown["difference"].map(lambda x: "" if pd.isna(x) else f"{x:+.1f} pts"),
        "significant": [("low sample" if low else "yes" if sig else "")
                        for sig, low in zip(breakdown["significant"], breakdown["low_sample"], strict=True)],
    })


def cmd_discover(args: argparse.Namespace) -> int:
    """Run discovery and store the result as a new codeframe version."""
    from portal.services import themes as theme_service

    store = open_store(args)
    _require_dataset(store, args.dataset)
    result = theme_service.discover_themes(store, args.dataset, n_themes=args.themes, progress=_progress)
    codeframe = theme_service.current_codeframe(store, args.dataset)
    if args.format == "json":
        print_json({
            "dataset": args.dataset, "version": result.version, "comments": result.comments,
            "with_theme": result.with_theme, "coverage": round(result.coverage, 4),
            "themes": [t.to_dict() for t in codeframe.themes] if codeframe else [],
        })
    else:
        print(result.message)
        if codeframe:
            print_table(_codeframe_view(codeframe))
    return 0


def _codeframe_view(codeframe) -> pd.DataFrame:
    """Return the themes (each followed by its sub-themes, "Flight › Delayed") and their first keywords."""
    themes = codeframe.ordered()
    return pd.DataFrame({
        "theme": [codeframe.label(t) for t in themes],
        "keywords": [", ".join(t.keywords[:8]) + (" ..." if len(t.keywords) > 8 else "") for t in themes],
        "count": [len(t.keywords) for t in themes],
    })


def _rearrange(store, args: argparse.Namespace) -> int:
    """Move a theme under another one (``--move`` with ``--under``) or make a sub-theme a theme of its own."""
    from portal.services import themes as theme_service
    from portal.text.theme_edits import MOVE, PROMOTE, proposed_change

    codeframe = _require_codeframe(store, args.dataset)
    if args.move and not args.under:
        raise InputError("Say which theme it goes under, e.g. `--move 'delayed' --under 'flight'`.")
    values = {"theme": args.move or args.promote, "under": args.under}
    changed, note = proposed_change(codeframe, MOVE if args.move else PROMOTE, values) or (codeframe, "")
    result = theme_service.save_codeframe(store, args.dataset, changed, note=note, source="edited",
                                          progress=_progress)
    if args.format == "json":
        print_json({"dataset": args.dataset, "version": result.version, "change": note, "themes": result.themes,
                    "comments": result.comments, "with_theme": result.with_theme,
                    "coverage": round(result.coverage, 4)})
    else:
        print(f"Done: {note}. " + result.message)
    return 0


def cmd_codeframe(args: argparse.Namespace) -> int:
    """Export, import, show, list or undo a dataset's codeframe."""
    import sys

    from portal.services import themes as theme_service
    from portal.text.codeframe import from_json, to_json

    store = open_store(args)
    _require_dataset(store, args.dataset)
    if args.under and not args.move:
        raise InputError("--under goes with --move: `--move THEME --under PARENT`.")
    if args.move or args.promote:
        return _rearrange(store, args)
    if args.export:
        codeframe = _require_codeframe(store, args.dataset)
        data = to_json(codeframe)
        if args.export == "-":
            sys.stdout.write(data.decode() + "\n")
        else:
            Path(args.export).write_bytes(data + b"\n")
            info(f"Wrote {plural(len(codeframe.themes), 'theme')} to {args.export}.")
        return 0
    if args.import_file:
        path = Path(args.import_file)
        if not path.is_file():
            raise InputError(f"There is no file at {args.import_file}. Check the path and try again.")
        codeframe = from_json(path.read_bytes())
        result = theme_service.save_codeframe(store, args.dataset, codeframe, note=f"imported from {path.name}",
                                        source="imported", progress=_progress)
        if args.format == "json":
            print_json({"dataset": args.dataset, "version": result.version, "themes": result.themes,
                        "comments": result.comments, "with_theme": result.with_theme,
                        "coverage": round(result.coverage, 4)})
        else:
            print(result.message)
        return 0
    if args.undo:
        result = theme_service.undo(store, args.dataset, progress=_progress)
        if args.format == "json":
            print_json({"dataset": args.dataset, "version": result.version, "themes": result.themes,
                        "coverage": round(result.coverage, 4)})
        else:
            print(f"Back to codeframe version {result.version}. " + result.message)
        return 0
    if args.history:
        history = theme_service.codeframe_history(store, args.dataset)
        if args.format == "json":
            print_json({"versions": history})
        else:
            print_table(history)
        return 0
    codeframe = _require_codeframe(store, args.dataset)
    if args.format == "json":
        print_json(codeframe.to_dict())
    else:
        print_table(_codeframe_view(codeframe))
    return 0
