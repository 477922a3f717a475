"""Codeframe edits from the editor's form: the edit, its note, and what its preview says."""

from __future__ import annotations

import pandas as pd
import pytest

from portal.errors import InputError
from portal.text.codeframe import Codeframe, Theme
from portal.text.theme_edits import (
    ACTIONS,
    change_summary,
    changed_themes,
    keywords_table,
    moved_comments,
    proposed_change,
    removed_comments,
    theme_keywords,
)

CODEFRAME = Codeframe((Theme("t1", "fees", ("fee", "charge")), Theme("t2", "support", ("support",))))


def test_every_action_makes_its_edit_with_a_note():
    notes = {
        "Rename": ({"theme": "fees", "name": " pricing "}, "renamed 'fees' to 'pricing'"),
        "Merge": ({"themes": ["fees", "support"]}, "merged 'fees', 'support' into 'fees'"),
        "Split": ({"theme": "fees", "name": "charges", "keywords": ["charge"]},
                  "split 'charges' (charge) out of 'fees'"),
        "Add keywords": ({"theme": "support", "keywords": " help, agent "}, "added help, agent to 'support'"),
        "Remove keywords": ({"theme": "fees", "keywords": ["charge"]}, "removed charge from 'fees'"),
        "Add a theme": ({"name": "app", "keywords": "app, mobile"}, "added the theme 'app' (app, mobile)"),
        "Delete": ({"theme": "support"}, "deleted 'support'"),
        "Add a sub-theme": ({"name": "late fees", "keywords": "late fee", "under": "fees"},
                            "added the sub-theme 'late fees' (late fee) under 'fees'"),
        "Move to another theme": ({"theme": "support", "under": "fees"}, "moved 'support' under 'fees'"),
        "Make it a sub-theme of": ({"theme": "support", "under": "fees"}, "moved 'support' under 'fees'"),
        "Make it a theme of its own": ({"theme": "fees › support"},
                                       "made 'support' a theme of its own (it was under 'fees')"),
    }
    assert set(notes) == set(ACTIONS)
    nested = Codeframe((Theme("t1", "fees", ("fee", "charge")), Theme("t2", "support", ("support",), parent="t1")))
    for action, (values, note) in notes.items():
        change = proposed_change(nested if action == "Make it a theme of its own" else CODEFRAME, action, values)
        assert change is not None and change[1] == note, action
    assert proposed_change(CODEFRAME, "Rename", {"theme": "fees", "name": "pricing"})[0].names == ["pricing",
                                                                                                   "support"]
    assert proposed_change(CODEFRAME, "Delete", {"theme": "support"})[0].names == ["fees"]


def test_an_incomplete_form_proposes_nothing_and_a_bad_edit_is_refused():
    assert proposed_change(CODEFRAME, "Rename", {"theme": "fees", "name": "  "}) is None
    assert proposed_change(CODEFRAME, "Merge", {"themes": ["fees"]}) is None
    assert proposed_change(CODEFRAME, "Add keywords", {"theme": "fees"}) is None
    assert proposed_change(CODEFRAME, "Delete", {}) is None
    with pytest.raises(InputError):
        proposed_change(CODEFRAME, "Rename", {"theme": "fees", "name": "support"})
    with pytest.raises(ValueError, match="unknown action"):
        proposed_change(CODEFRAME, "Paint", {})


def test_the_preview_counts_mentions_added_and_removed():
    preview = pd.DataFrame({"theme": ["fees", "support", "app"], "before": [5, 3, 0], "after": [2, 3, 4],
                            "change": [-3, 0, 4]})
    assert moved_comments(preview) == 4 and removed_comments(preview) == 3
    assert list(changed_themes(preview)["theme"]) == ["fees", "app"]
    assert change_summary(preview) == "4 theme mentions are added and 3 removed across 2 themes."
    assert change_summary(preview.iloc[[1]]) == "No comment changes theme."
    assert change_summary(preview.iloc[[2]]) == "4 theme mentions are added and 0 removed across 1 theme."
    assert moved_comments(preview.iloc[:0]) == 0 and removed_comments(preview.iloc[:0]) == 0


def test_keywords_of_a_theme_and_of_every_theme():
    assert theme_keywords(CODEFRAME, "fees") == ["fee", "charge"] and theme_keywords(CODEFRAME, None) == []
    table = keywords_table(CODEFRAME)
    assert list(table["Theme"]) == ["fees", "support"] and list(table["Keywords"]) == ["fee, charge", "support"]
