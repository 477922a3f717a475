"""Requests through the real `portal` parser: `portal themes --format json` counts them per theme, `portal export`
flags each response in ``portal_request`` beside ``portal_themes``."""

from __future__ import annotations

import csv
import io

import orjson
import pytest
from test_theme_storage import CODEFRAME, load, survey

from portal.cli import build_parser
from portal.services import themes as theme_service

#: Comments that replace some of the survey's (row number -> text): two requests, one problem report.
PLANTED = {
    0: "The app is fine but please add a dark mode.",
    1: "I wish the delivery courier could leave the parcel with a neighbour.",
    2: "Please fix the login, the app keeps crashing.",
}


@pytest.fixture
def asked(store):
    """A store with dataset 'survey' (40 responses, three comments planted) coded with ``CODEFRAME``."""
    frame = survey(40)
    for row, text in PLANTED.items():
        frame.loc[row, "Comment"] = text
    load(store, "survey", frame)
    theme_service.save_codeframe(store, "survey", CODEFRAME, note="by hand", source="imported")
    return store


def cli(db_url: str, *argv: str) -> int:
    """Run one command through the real ``portal`` parser."""
    args = build_parser().parse_args([*argv, "--db", db_url])
    return args.handler(args)


def test_themes_json_counts_the_requests_of_each_theme(asked, db_url, capsys) -> None:
    assert cli(db_url, "themes", "--dataset", "survey", "--format", "json") == 0
    themes = {t["theme"]: t for t in orjson.loads(capsys.readouterr().out)["themes"]}
    assert themes["app"]["requests"] == 1  # the dark mode; the crash report is a problem, not a request
    assert themes["delivery"]["requests"] == 1
    assert themes["refunds"]["requests"] == 0
    assert all(0 <= t["requests"] <= t["n"] for t in themes.values())


def test_export_flags_every_response_and_names_the_portal_columns_alike(asked, db_url, capsys) -> None:
    assert cli(db_url, "export", "--dataset", "survey") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    added = [c for c in rows[0] if c.startswith("portal_")]
    assert {"portal_sentiment", "portal_sentiment_label", "portal_language", "portal_themes",
            "portal_request"} <= set(added)
    assert list(rows[0])[-len(added):] == added  # the portal's columns come after the original ones
    flagged = {r["Response ID"] for r in rows if r["portal_request"] == "true"}
    assert flagged == {"r0", "r1"}
    assert {r["portal_request"] for r in rows} == {"true", "false"}
    assert rows[1]["portal_themes"] == "delivery"


def test_an_original_column_named_like_a_portal_column_keeps_its_name(store, db_url, capsys) -> None:
    frame = survey(10).assign(portal_request="mine")
    load(store, "clash", frame)
    assert cli(db_url, "export", "--dataset", "clash") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["portal_request"] == "mine" and rows[0]["portal_request_"] in {"true", "false"}
