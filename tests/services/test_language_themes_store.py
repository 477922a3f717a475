"""Themes in several languages in a real store: each comment is coded only with the themes of its language,
languages below the threshold are counted as not read (figures, CLI, apply message), discovery leaves English as
it was, codeframes with languages go through JSON, and the neobank reviews (about 30% not English) end to end."""

from __future__ import annotations

import io
import re

import numpy as np
import orjson
import pandas as pd
import pytest

from portal.cli import build_parser
from portal.ingest.read import Table
from portal.services import themes as theme_service
from portal.services.imports import commit, prepare
from portal.services.theme_coding import comments_by_language, dataset_comments, negative_for_discovery
from portal.text.assign import assign
from portal.text.codeframe import Codeframe, Theme, to_json
from portal.text.language import language_name
from portal.text.theme_languages import MIN_LANGUAGE_COMMENTS, comment_languages
from portal.text.themes import default_theme_count, discover

ENGLISH = {
    "app": (["app", "screen", "login"], ["crashing", "freezing", "slow", "broken"]),
    "card": (["card", "pin", "payment"], ["declined", "blocked", "lost", "fine"]),
    "support": (["support", "agent", "chat"], ["friendly", "rude", "helpful", "useless"]),
    "fees": (["fee", "charge", "rate"], ["high", "hidden", "fair", "low"]),
    "transfer": (["transfer", "deposit", "withdrawal"], ["delayed", "instant", "missing", "stuck"]),
}
SPANISH = ["Mi tarjeta está bloqueada desde ayer y la app no funciona.",
           "La aplicación es muy lenta y no puedo entrar en mi cuenta.",
           "Me han bloqueado la tarjeta sin avisar, la app no sirve para nada.",
           "No puedo pagar con la tarjeta en ninguna tienda, siempre está bloqueada."]
FRENCH = ["La carte est bloquée et le service client ne répond pas.",
          "Impossible de payer avec apple pay depuis la mise à jour de l'application."]
DANISH = ["Kortet virker ikke og appen er meget langsom.", "Jeg kan ikke logge ind i appen, den er elendig."]

CODEFRAME = Codeframe((
    Theme("t1", "app", ("app", "screen", "login")),
    Theme("t2", "crashing", ("crashing", "freezing"), parent="t1"),
    Theme("t3", "card", ("card", "payment")),
    Theme("t4", "tarjeta (Spanish)", ("tarjeta",), language="es"),
    Theme("t5", "bloqueada", ("bloqueada", "bloqueado"), parent="t4", language="es"),
    Theme("t6", "app (Spanish)", ("app", "aplicación"), language="es"),
    Theme("t7", "apple pay", ("apple pay",), origin="manual"),
))


def reviews(english: int, spanish: int = 0, french: int = 0, danish: int = 0, seed: int = 3) -> pd.DataFrame:
    """Return app reviews: English ones with planted topics (stars 1-5), then Spanish (1 star), French, Danish."""
    rng = np.random.default_rng(seed)
    texts, stars = [], []
    for _ in range(english):
        topics = rng.choice(list(ENGLISH), size=int(rng.integers(1, 3)), replace=False)
        parts = [f"the {ENGLISH[str(t)][0][int(rng.integers(3))]} was {ENGLISH[str(t)][1][int(rng.integers(4))]}"
                 for t in topics]
        texts.append(" but ".join(parts).capitalize() + ".")
        stars.append(int(rng.integers(1, 6)))
    for language, count, star in ((SPANISH, spanish, 1), (FRENCH, french, 2), (DANISH, danish, 2)):
        texts += [f"{language[i % len(language)]} ({i})" for i in range(count)]
        stars += [star] * count
    return pd.DataFrame({"Review ID": [f"r{i}" for i in range(len(texts))],
                         "Date": [f"2024-{1 + i % 9:02d}-{1 + i % 27:02d}" for i in range(len(texts))],
                         "Stars": [str(s) for s in stars], "Comment": texts})


def load(store, name: str, frame: pd.DataFrame) -> None:
    """Import ``frame`` as reviews with language and sentiment (and the first themes, as an import does)."""
    table = Table(frame=frame.astype(object), source="test.csv", encoding="utf-8", delimiter=",", sheet=None,
                  sheets=(), row_numbers=pd.Series(range(2, len(frame) + 2)))
    prepared = prepare(table, kind="reviews", existing=None, overrides=[
        ("id", "Review ID"), ("date", "Date"), ("rating", "Stars"), ("comment", "Comment")])
    commit(store, name, prepared, source="test.csv")


def cli(db_url: str, *argv: str) -> int:
    """Run one command through the real ``portal`` parser."""
    args = build_parser().parse_args([*argv, "--db", db_url])
    return args.handler(args)


def themes_by_language(store, name: str) -> dict[str | None, set[str]]:
    """Return per comment language the names of the themes its comments got."""
    frame = dataset_comments(store, name)
    language = dict(zip(frame["row_key"], comment_languages(frame).tolist(), strict=True))
    out: dict[str | None, set[str]] = {}
    for key, theme in zip(*theme_service.assignments(store, name)[["row_key", "theme"]].T.values, strict=True):
        out.setdefault(language[key], set()).add(theme)
    return out


@pytest.fixture
def mixed(store):
    """A store with dataset 'mixed' (120 English, 60 Spanish, 20 French, 10 Danish reviews) coded with CODEFRAME."""
    load(store, "mixed", reviews(120, spanish=60, french=20, danish=10))
    theme_service.save_codeframe(store, "mixed", CODEFRAME, note="by hand", source="imported")
    return store


def test_each_comment_gets_only_the_themes_of_its_language(mixed) -> None:
    found = themes_by_language(mixed, "mixed")
    assert set(found) == {None, "es", "fr"}  # Danish matches no theme of its own or made by hand
    assert found[None] <= {"app", "crashing", "card"} and {"app", "card"} <= found[None]
    assert found["es"] == {"tarjeta (Spanish)", "bloqueada", "app (Spanish)"}  # never the English "app"
    assert found["fr"] == {"apple pay"}  # a hand-made theme reads every language
    result = theme_service.apply_codeframe(mixed, "mixed")
    assert result.not_read == 20 and "(20) were not read" in result.message
    preview = theme_service.preview(mixed, "mixed", CODEFRAME).set_index("theme")
    assert (preview["change"] == 0).all()  # the preview codes languages exactly as applying does


def test_the_export_names_each_languages_themes_with_their_parent(mixed, db_url, capsys) -> None:
    assert cli(db_url, "export", "--dataset", "mixed") == 0
    rows = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)
    spanish = rows[rows["portal_language"] == "es"]
    assert len(spanish) == 60 and spanish["portal_request"].isin(["true", "false"]).all()
    blocked = spanish[spanish["Comment"].str.contains("bloquead")]["portal_themes"]
    assert len(blocked) and all("tarjeta (Spanish) › bloqueada" in t.split("; ") for t in blocked)
    assert (rows.loc[rows["portal_language"] == "da", "portal_themes"] == "").all()


def test_figures_cli_and_text_say_how_many_comments_were_not_read(mixed, db_url, capsys) -> None:
    assert cli(db_url, "themes", "--dataset", "mixed", "--format", "json") == 0
    out = orjson.loads(capsys.readouterr().out)
    assert out["not_read"]["comments"] == 20  # the ten French comments about apple pay were read
    assert out["not_read"]["languages"] == {"da": 10, "fr": 10}
    assert out["not_read"]["min_comments"] == MIN_LANGUAGE_COMMENTS
    assert out["not_read"]["message"].startswith("20 comments in 2 other languages were not read for themes")
    assert all("parent" in t and "requests" in t for t in out["themes"])  # the contract's keys on every theme
    themes = {t["theme"]: t for t in out["themes"]}
    assert themes["tarjeta (Spanish)"]["n"] == 45 and themes["tarjeta (Spanish)"]["sentiment"] == -1.0
    assert themes["bloqueada"]["parent"] == "tarjeta (Spanish)" and themes["bloqueada"]["negative_share"] == 1.0
    uncategorised = themes["Uncategorised"]["n"]
    coded = {k for k, _ in zip(*theme_service.assignments(mixed, "mixed")[["row_key", "theme"]].T.values,
                               strict=True)}
    assert uncategorised == 210 - len(coded) - 20  # read comments without a theme; not read ones are not counted
    assert cli(db_url, "themes", "--dataset", "mixed") == 0
    assert "were not read for themes: too few in each language (Danish 10, French 10;" in capsys.readouterr().out


def test_a_codeframe_with_languages_goes_through_json(mixed, db_url, tmp_path, capsys) -> None:
    path = tmp_path / "codeframe.json"
    assert cli(db_url, "codeframe", "--dataset", "mixed", "--export", str(path)) == 0
    data = orjson.loads(path.read_bytes())
    assert data["version"] == 3 and {t["name"]: t.get("language") for t in data["themes"]}["bloqueada"] == "es"
    load(mixed, "copy", reviews(60, spanish=60, seed=9))
    assert cli(db_url, "codeframe", "--dataset", "copy", "--import", str(path)) == 0
    assert theme_service.current_codeframe(mixed, "copy") == CODEFRAME
    assert themes_by_language(mixed, "copy")["es"] <= {"tarjeta (Spanish)", "bloqueada", "app (Spanish)"}


def test_discovery_leaves_languages_below_the_threshold_out_and_english_as_it_was(store) -> None:
    load(store, "few", reviews(150, french=MIN_LANGUAGE_COMMENTS - 1, danish=10))
    codeframe = theme_service.current_codeframe(store, "few")
    frame = dataset_comments(store, "few")
    assert comments_by_language(frame) == {}
    english = theme_service.comments_for_discovery(frame)
    assert len(english) == 150
    assert codeframe == discover(english, n_themes=default_theme_count(150))
    assert orjson.loads(to_json(codeframe))["version"] == 2
    result = theme_service.apply_codeframe(store, "few")
    assert result.not_read == MIN_LANGUAGE_COMMENTS - 1 + 10


def test_an_english_only_dataset_is_coded_as_before(store) -> None:
    load(store, "plain", reviews(120))
    theme_service.save_codeframe(store, "plain", CODEFRAME, note="by hand", source="imported")
    frame = dataset_comments(store, "plain")
    english = Codeframe(tuple(t for t in CODEFRAME.themes if t.language is None))
    expected = assign(frame["comment"].tolist(), english)
    stored = theme_service.assignments(store, "plain")
    keys = frame["row_key"].tolist()
    assert sorted(zip(stored["row_key"], stored["theme_key"], strict=True)) == sorted(
        (keys[r], k) for r, k in zip(expected["row"], expected["theme_key"], strict=True))
    assert theme_service.apply_codeframe(store, "plain").not_read == 0


def test_neobank_reviews_get_themes_per_language_and_say_what_was_left_out(shared_data, db_url, capsys) -> None:
    source = shared_data / "neobank_appstore_reviews.csv"
    assert cli(db_url, "import", str(source), "--dataset", "neobank", "--kind", "reviews", "--map", "brand=App") == 0
    capsys.readouterr()
    assert cli(db_url, "themes", "--dataset", "neobank", "--format", "json") == 0
    out = orjson.loads(capsys.readouterr().out)
    from portal.store import Store

    store = Store(db_url)
    try:
        frame = dataset_comments(store, "neobank")
        counts = pd.Series(comment_languages(frame)).value_counts(dropna=True).to_dict()
        codeframe = theme_service.current_codeframe(store, "neobank")
        read = {t.language for t in codeframe.themes if t.language}
        assert read and read <= {c for c, n in counts.items() if n >= MIN_LANGUAGE_COMMENTS}
        assert "es" in read  # 759 Spanish comments, most of them N26's
        unread = out["not_read"]["languages"]
        assert unread == {c: n for c, n in counts.items() if c not in read}  # every other comment is counted
        assert out["not_read"]["comments"] == sum(unread.values()) > 0
        assert re.match(r"[\d,]+ comments in \d+ other languages were not read for themes", out["not_read"]["message"])
        assert all(t.name.endswith(f"({language_name(t.language)})") for t in codeframe.themes
                   if t.language and t.parent is None)
        found = themes_by_language(store, "neobank")
        english_names = {t.name for t in codeframe.themes if t.language is None}
        assert found["es"] and not found["es"] & english_names  # Spanish comments: Spanish themes only
        texts = theme_service.comments_for_discovery(frame)
        english = Codeframe(tuple(t for t in codeframe.themes if t.language is None))
        # English as it always was, with the negative flags the dataset's own stars give
        assert english == discover(texts, n_themes=default_theme_count(len(texts)),
                                   negative=negative_for_discovery(frame))
    finally:
        store.close()
