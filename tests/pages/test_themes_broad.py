"""The Themes page on the British Airways reviews, where one theme is in three of four comments: the page says the
theme is too broad to tell much alone, and a group too small to judge is listed after those that can be judged."""

from __future__ import annotations

import pytest
from kpitools import open_app, texts

from portal import settings
from portal.cli import main
from portal.ui.theme_detail import BROAD_SHARE, broad_note

BA = "BA reviews"


@pytest.fixture(scope="module")
def ba_url(shared_data, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store holding the British Airways reviews, imported as a person would with the CLI."""
    url = f"sqlite:///{tmp_path_factory.mktemp('ba') / 'portal.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PORTAL_DATABASE_URL", url)
        assert main(["import", str(shared_data / "ba_skytrax_reviews.csv"), "--dataset", BA]) == 0
    return url


@pytest.fixture
def ba(ba_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PORTAL_DATABASE_URL", ba_url)
    return ba_url


def _opened(query: dict[str, str] | None = None):
    at = open_app("themes", query={"dataset": BA, **(query or {})})
    assert not at.exception and not at.error
    return at


def test_a_theme_in_most_comments_is_called_broad_with_where_to_look_instead(ba):
    at = _opened()
    theme = at.selectbox(key="themes_theme").value
    notes = [i.value for i in at.info if "says little about what people mean" in i.value]
    assert len(notes) == 1, f"no note on the broad theme {theme!r}"
    assert theme in notes[0].replace("\\", "") and "Edit the codeframe" in notes[0]


def test_a_narrow_theme_gets_no_such_note():
    assert broad_note("bag", 0.30, True) == ""
    assert broad_note("bag", BROAD_SHARE, True) == ""
    assert "sub-themes" not in broad_note("bag", 0.8, False)


def test_groups_too_small_to_judge_come_after_those_that_can_be_judged(ba):
    at = _opened({"themes_by": "Place"})
    table = next(d.value for d in at.dataframe if "Is the difference real?" in d.value.columns)
    small = list(table["Comments"] < settings.min_group_size())
    assert any(small) and not all(small)  # Place has both kinds, so the order is tested
    assert small == sorted(small), "a group with too few comments is listed above one that can be judged"
    assert "listed last" in texts(at)
