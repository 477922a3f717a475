"""Per-dataset sentiment through the real `portal` parser: the import report's sentence and the stored labels."""

from __future__ import annotations

import json

import numpy as np
import pytest

from portal.cli import main
from portal.store import Store
from portal.store.sentiment import read_sentiment_model

WORDS = {"5": ["zorbly", "blick"], "1": ["flimpy", "grottish"], "3": ["meddle", "sowish"]}
NOUNS = ["parcel", "courier", "invoice", "meter", "engineer", "router"]


def _survey(tmp_path, n: int):
    """A CSV of reviews whose verdict is in words no general model knows, with the stars that go with them."""
    rng = np.random.default_rng(11)
    lines = ["ID,Rating,Comment"]
    for i in range(n):
        stars = str(rng.choice(["1", "3", "5"]))
        word = rng.choice(WORDS[stars])
        lines.append(f"R{i},{stars},The {rng.choice(NOUNS)} was {word} this week and the {rng.choice(NOUNS)} too")
    path = tmp_path / "reviews.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process through its parser; return exit code, stdout and stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_adapts_sentiment_and_says_so(capsys, db_url, tmp_path) -> None:
    code, _, err = run(capsys, "import", str(_survey(tmp_path, 400)), "--dataset", "r", "--db", db_url)
    assert code == 0, err
    assert "Sentiment adapted to this dataset from 400 ratings: held-out macro-F1" in err
    with Store(db_url) as store:
        stored = read_sentiment_model(store, "r")
        assert stored is not None and stored.model is not None and not stored.report["fell_back"]
        assert stored.report["adapted_f1"] > stored.report["general_f1"]
        frame = store.load("r")
    expected = frame["rating"].map({1.0: "negative", 3.0: "neutral", 5.0: "positive"})
    # The stored labels come from the adapted model, which learnt this dataset's words.
    assert (frame["sentiment_label"] == expected).mean() > 0.9


def test_import_json_reports_the_sentiment_model(capsys, db_url, tmp_path) -> None:
    code, out, err = run(capsys, "import", str(_survey(tmp_path, 200)), "--dataset", "r", "--db", db_url,
                         "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["added"] == 200  # the keys that were there stay
    model = doc["sentiment_model"]
    assert (model["labels"], model["n"], model["fell_back"]) == ("rating", 200, False)
    assert model["heldout_n"] == pytest.approx(200 * 0.2, abs=20)
    assert model["adapted_f1"] >= model["general_f1"]
    assert model["message"].startswith("Sentiment adapted to this dataset from 200 ratings")


def test_importing_the_same_file_again_keeps_the_model_and_says_nothing(capsys, db_url, tmp_path) -> None:
    path = _survey(tmp_path, 150)
    assert run(capsys, "import", str(path), "--dataset", "r", "--db", db_url)[0] == 0
    with Store(db_url) as store:
        first = read_sentiment_model(store, "r")
    code, out, err = run(capsys, "import", str(path), "--dataset", "r", "--db", db_url)
    assert code == 0 and "0 added, 0 updated, 150 unchanged" in out
    assert "Sentiment" not in err
    with Store(db_url) as store:
        again = read_sentiment_model(store, "r")
    assert first is not None and again is not None and again.fitted_at == first.fitted_at


def test_too_few_scored_comments_keep_the_general_model(capsys, db_url, tmp_path) -> None:
    code, _, err = run(capsys, "import", str(_survey(tmp_path, 40)), "--dataset", "r", "--db", db_url)
    assert code == 0, err
    assert "Sentiment uses the general model: the dataset has fewer than 100 comments with a score" in err
    with Store(db_url) as store:
        stored = read_sentiment_model(store, "r")
        assert stored is not None and stored.model is None and stored.report["fell_back"]


def test_a_failing_refit_never_fails_the_import(capsys, db_url, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args, **_kwargs):
        raise MemoryError

    monkeypatch.setattr("portal.services.sentiment.adapt", broken)
    code, out, err = run(capsys, "import", str(_survey(tmp_path, 150)), "--dataset", "r", "--db", db_url)
    assert code == 0, err
    assert "Sentiment was not adapted to this dataset this time: refitting failed (MemoryError)." in err
    assert "150 added" in out
    with Store(db_url) as store:
        assert len(store.load("r")) == 150
        assert read_sentiment_model(store, "r") is None
