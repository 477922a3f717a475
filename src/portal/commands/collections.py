"""The ``portal collections`` command: a dataset's evidence collections and the comments in each."""

from __future__ import annotations

import argparse
from typing import Any

import pandas as pd

from portal.commands.output import add_common, open_store, print_json, print_table
from portal.services import collections as collection_service


def register(sub: argparse._SubParsersAction) -> None:
    """Register the ``collections`` command."""
    p = sub.add_parser(
        "collections",
        help="list a dataset's evidence collections and their comments",
        description="Print a dataset's evidence collections (newest first) with their comments in order. A "
                    "comment no longer in the data (its import undone) is listed with in_data false.",
    )
    p.add_argument("--dataset", required=True, help="dataset name (see `portal datasets`)")
    add_common(p)
    p.set_defaults(handler=cmd_collections)


def collection_records(store: Any, dataset: str) -> list[dict[str, Any]]:
    """Return the dataset's collections as the command's JSON records (see README)."""
    records = []
    found = collection_service.list_collections(store, dataset)
    context = collection_service.theme_context(store, dataset, figures=False) if found else None
    for collection in found:
        opened = collection_service.open_collection(store, collection.id, context=context)
        items = [{"position": place, "row_key": item["row_key"], "comment": item["comment"], "note": item["note"],
                  "in_data": bool(item["in_data"]), "themes": list(item["themes"])}
                 for place, item in enumerate(opened.items.to_dict(orient="records"), start=1)]
        records.append({"id": collection.id, "name": collection.name, "note": collection.note,
                        "created_at": collection.created_at,
                        "link": f"/collections?collection={collection.id}", "items": items})
    return records


def cmd_collections(args: argparse.Namespace) -> int:
    """Print the collections of one dataset as a table (one row per comment) or JSON."""
    records = collection_records(open_store(args), args.dataset)
    if args.format == "json":
        print_json({"collections": records})
        return 0
    rows = [{"collection": r["id"], "name": r["name"], "place": i["position"],
             "comment": i["comment"] if i["in_data"] else "(no longer in the data)", "note": i["note"],
             "themes": "; ".join(i["themes"])}
            for r in records for i in (r["items"] or [{"position": None, "comment": "(empty)", "note": "",
                                                       "in_data": True, "themes": []}])]
    if not rows:
        print(f"The dataset '{args.dataset}' has no collection yet. Save comments on the Themes page.")
        return 0
    print_table(pd.DataFrame(rows))
    return 0
