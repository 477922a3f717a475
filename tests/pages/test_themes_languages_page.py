"""The Themes page with comments in several languages: it says in plain words how many comments were not read
for themes and why, lists each language's themes with their language in the name, and keeps them out of
Uncategorised."""

from __future__ import annotations

import pandas as pd
from kpitools import texts
from pagetools import errors_of, open_page

from portal.cli import build_parser
from portal.services import themes as theme_service
from portal.store import Store
from portal.text.codeframe import Codeframe, Theme

ENGLISH = ["The app keeps crashing after the update.", "My card was declined at the shop.",
           "Support answered quickly, great app.", "The card arrived late but works fine."]
SPANISH = ["Mi tarjeta está bloqueada desde ayer y la app no funciona.",
           "No puedo pagar con la tarjeta en ninguna tienda, siempre está bloqueada."]
FRENCH = "La carte est bloquée et le service client ne répond pas ({})."


def test_the_page_says_how_many_comments_were_not_read_and_why(page_db, tmp_path) -> None:
    comments = [f"{ENGLISH[i % 4]} ({i})" for i in range(60)] + [f"{SPANISH[i % 2]} ({i})" for i in range(60)]
    comments += [FRENCH.format(i) for i in range(12)]
    path = tmp_path / "reviews.csv"
    pd.DataFrame({"Review ID": [f"r{i}" for i in range(len(comments))], "Stars": ["2"] * len(comments),
                  "Date": ["2024-03-01"] * len(comments), "Comment": comments}).to_csv(path, index=False)
    args = build_parser().parse_args(["import", str(path), "--dataset", "mixed", "--kind", "reviews",
                                      "--db", page_db])
    assert args.handler(args) == 0
    with Store(page_db) as store:
        theme_service.save_codeframe(store, "mixed", Codeframe((
            Theme("t1", "app", ("app",)), Theme("t2", "card", ("card",)),
            Theme("t3", "tarjeta (Spanish)", ("tarjeta",), language="es"))), note="by hand")
    at = open_page("themes", query={"dataset": "mixed"})
    assert errors_of(at) == []
    shown = texts(at)
    assert ("12 comments in French were not read for themes: too few in that language (themes are found in a "
            "language from 50 comments on).") in shown
    table = [d.value for d in at.dataframe if "Comments" in d.value.columns][0].set_index("Theme")
    assert table.loc["tarjeta (Spanish)", "Comments"] == 60
    assert table.loc["Uncategorised", "Comments"] == 0  # the French comments are not read, not uncategorised
