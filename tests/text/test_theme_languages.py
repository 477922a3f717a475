"""Themes in several languages: which themes code which comments, joining languages into one codeframe, the
JSON format with languages, and the comments no theme reads (counted and said in plain words)."""

from __future__ import annotations

import numpy as np
import orjson
import pandas as pd
import pytest

from portal.errors import InputError
from portal.text import codeframe as cf
from portal.text.codeframe import Codeframe, Theme
from portal.text.language import language_name
from portal.text.mentions import mentions
from portal.text.theme_languages import (
    MIN_LANGUAGE_COMMENTS,
    NotRead,
    combine,
    comment_languages,
    for_language,
    not_read,
    read_mask,
)
from portal.text.themes import MIN_COMMENTS

MIXED = Codeframe((
    Theme("t1", "card", ("card",)),
    Theme("t2", "card declined", ("declined",), parent="t1"),
    Theme("t3", "tarjeta (Spanish)", ("tarjeta",), language="es"),
    Theme("t4", "bloqueada", ("bloqueada",), parent="t3", language="es"),
    Theme("t5", "apple pay", ("apple pay",), origin="manual"),
    Theme("t6", "rechazada", ("rechazada",), parent="t1", language="es"),
))


def test_a_language_needs_as_many_comments_as_a_dataset_needs_for_discovery() -> None:
    assert MIN_LANGUAGE_COMMENTS == MIN_COMMENTS


def test_comment_languages_fold_english_and_unknown_into_none() -> None:
    frame = pd.DataFrame({"language": ["en", None, "EN-gb", "es", "pt_BR", np.nan, ""]})
    assert comment_languages(frame).tolist() == [None, None, None, "es", "pt", None, None]
    assert comment_languages(frame.drop(columns="language")).tolist() == [None] * 7


def test_each_language_is_coded_with_its_own_themes_and_the_hand_made_ones() -> None:
    english = for_language(MIXED, None)
    assert [t.name for t in english.themes] == ["card", "card declined", "apple pay"]
    spanish = for_language(MIXED, "es")
    assert [t.name for t in spanish.themes] == ["tarjeta (Spanish)", "bloqueada", "apple pay", "rechazada"]
    assert spanish.theme("rechazada").parent is None  # its parent codes English comments: matched on its own
    assert [t.name for t in for_language(MIXED, "fr").themes] == ["apple pay"]


def test_a_parent_without_keywords_of_its_language_is_left_out() -> None:
    frame = Codeframe((Theme("t1", "banca (Italian)", (), language="it"),
                       Theme("t2", "lenta", ("lenta",), parent="t1", language="it"),
                       Theme("t3", "bank", ("bank",))))
    assert [t.name for t in for_language(frame, "it").themes] == ["banca (Italian)", "lenta"]
    assert [t.name for t in for_language(frame, None).themes] == ["bank"]


def test_combine_keeps_english_as_found_and_gives_each_language_new_keys_and_tagged_names() -> None:
    english = Codeframe((Theme("t1", "app", ("app",)), Theme("t2", "crashes", ("crash",), parent="t1")))
    spanish = Codeframe((Theme("t1", "app", ("app", "aplicación")), Theme("t2", "lenta", ("lenta",), parent="t1"),
                         Theme("t3", "crashes", ("crashes",), parent="t1")))
    joined = combine(english, {"es": spanish})
    assert joined.themes[:2] == english.themes
    added = joined.themes[2:]
    assert [t.key for t in added] == ["t3", "t4", "t5"]
    assert [t.name for t in added] == ["app (Spanish)", "lenta", "crashes (Spanish)"]
    assert {t.language for t in added} == {"es"} and [t.parent for t in added] == [None, "t3", "t3"]
    assert joined.labels()[2:] == ["app (Spanish)", "app (Spanish) › lenta", "app (Spanish) › crashes (Spanish)"]
    assert combine(english, {}) == english


def test_combine_without_english_themes_and_with_long_names() -> None:
    long_name = "x" * cf.MAX_NAME_LENGTH
    german = Codeframe((Theme("t1", long_name, ("konto",)),))
    joined = combine(Codeframe(), {"de": german})
    assert len(joined.themes[0].name) <= cf.MAX_NAME_LENGTH and joined.themes[0].name.endswith("(German)")


def test_json_carries_the_language_in_version_3_and_stays_version_2_without_one() -> None:
    data = orjson.loads(cf.to_json(MIXED))
    assert data["version"] == cf.FORMAT_VERSION == 3
    assert [t.get("language") for t in data["themes"]] == [None, None, "es", "es", None, "es"]
    assert cf.from_json(cf.to_json(MIXED)) == MIXED
    plain = Codeframe(tuple(t for t in MIXED.themes if t.language is None))
    assert orjson.loads(cf.to_json(plain))["version"] == cf.PLAIN_VERSION == 2
    hand = cf.from_dict({"themes": [{"name": "Konto", "keywords": ["konto"], "language": "DE"},
                                    {"name": "card", "keywords": ["card"], "language": "en"}]})
    assert [t.language for t in hand.themes] == ["de", None]
    with pytest.raises(InputError, match="not a language code"):
        cf.from_dict({"themes": [{"name": "Konto", "keywords": ["konto"], "language": "German!"}]})


def test_merging_and_splitting_keep_a_themes_language() -> None:
    frame = Codeframe((Theme("t1", "tarjeta", ("tarjeta", "pin"), language="es"),
                       Theme("t2", "cuenta", ("cuenta",), language="es"), Theme("t3", "card", ("card",))))
    merged = cf.merge_themes(frame, ["tarjeta", "cuenta"], into="tarjeta y cuenta")
    assert merged.theme("tarjeta y cuenta").language == "es"
    assert cf.merge_themes(frame, ["tarjeta", "card"]).theme("tarjeta").language is None  # mixed: English
    split = cf.split_theme(frame, "tarjeta", {"pin": ["pin"]})
    assert split.theme("pin").language == "es" and split.theme("tarjeta").language == "es"
    added = cf.add_theme(cf.add_theme(frame, "robo", ["robo"], parent="tarjeta"), "apple pay", ["apple pay"])
    assert added.theme("robo").language == "es"  # a sub-theme of a Spanish theme reads Spanish comments
    assert added.theme("apple pay").language is None and added.theme("apple pay").origin == "manual"


def responses() -> pd.DataFrame:
    """Return six responses in English, Spanish, French (x2), Danish and one without a comment."""
    return pd.DataFrame({
        "row_key": [f"k{i}" for i in range(7)],
        "comment": ["The card was declined", "Mi tarjeta está bloqueada", "La carte ne marche pas",
                    "Carte bloquée", "Kortet virker ikke", None, "Nothing to say"],
        "language": pd.Series(["en", "es", "fr", "fr", "da", "fr", None], dtype=object),
    })


def test_not_read_counts_comments_in_languages_without_themes_most_first() -> None:
    found = not_read(responses(), MIXED)
    assert found.languages == {"fr": 2, "da": 1} and found.comments == 3
    assert read_mask(responses(), MIXED).tolist() == [True, True, False, False, False, False, True]
    assert not_read(responses(), Codeframe((*MIXED.themes, Theme("t9", "carte", ("carte",), language="fr")))
                    ).languages == {"da": 1}
    assert not_read(responses().drop(columns="language"), MIXED) == NotRead()
    record = found.to_record()
    assert record == {"comments": 3, "languages": {"fr": 2, "da": 1}, "min_comments": 50,
                      "message": found.message}


def test_the_not_read_message_says_how_many_in_which_languages_and_why() -> None:
    assert NotRead().message == ""
    assert NotRead({"fr": 20}).message == (
        "20 comments in French were not read for themes: too few in that language (themes are found in a "
        "language from 50 comments on).")
    few = NotRead({"da": 30, "sv": 17, "no": 15, "pl": 15, "ca": 13, "hr": 7, "ro": 7})
    assert few.message.startswith("104 comments in 7 other languages were not read for themes: too few in each "
                                  "language (Danish 30, Swedish 17, Norwegian 15, Polish 15, ...;")
    mixed = NotRead({"ru": 56, "da": 30}).message
    assert "30 comments in 1 language with too few each (Danish 30;" in mixed
    assert "56 comments in Russian, which has enough comments but no themes of its own yet" in mixed
    assert NotRead({"ru": 1}).message.startswith("1 comment in Russian was not read")


def test_language_names_are_plain_english() -> None:
    assert [language_name(c) for c in ("de", "ES", "pt-BR", "xx", None)] == [
        "German", "Spanish", "Portuguese", "xx", "unknown language"]


def test_uncategorised_leaves_out_the_comments_not_read() -> None:
    assigned = pd.DataFrame({"row_key": ["k0", "k1"], "theme_key": ["t2", "t4"], "sentiment": [np.nan, np.nan]})
    men = mentions(responses(), assigned, MIXED)
    assert men.names[-1] == "Uncategorised"
    assert [k for k, none in zip(responses()["row_key"], men.matrix[:, -1], strict=True) if none] == ["k6"]
    english_only = responses().assign(language="en")
    men = mentions(english_only, assigned, MIXED)
    assert int(men.matrix[:, -1].sum()) == 4  # every comment is read: the four without a theme


def test_merging_themes_of_two_languages_keeps_every_language_reading_it() -> None:
    from portal.text.codeframe_edits import merge_themes
    from portal.text.theme_languages import for_language

    frame = Codeframe((Theme("t1", "fees", ("fee",)), Theme("t2", "gebühren (German)", ("gebühren",), language="de"),
                       Theme("t3", "konto (German)", ("konto",), language="de")))
    merged = merge_themes(frame, ["fees", "gebühren (German)"], into="fees")
    assert {t.name for t in for_language(merged, "de").themes} == {"fees", "konto (German)"}
    assert "fees" in {t.name for t in for_language(merged, None).themes}


FRAME = Codeframe((
    Theme("t1", "card", ("card",)),
    Theme("t2", "tarjeta (Spanish)", ("tarjeta",), language="es"),
    Theme("t3", "payments", ("payment",), origin="manual"),
))


def _reading(frame: Codeframe, name: str) -> set[str | None]:
    """Return the languages (None: English) among English, Spanish and French whose themes include ``name``."""
    return {lang for lang in (None, "es", "fr") if name in {t.name for t in for_language(frame, lang).themes}}


def test_a_sub_theme_added_by_hand_reads_exactly_the_languages_of_its_theme() -> None:
    frame = cf.add_theme(FRAME, "pin", ["pin"], parent="card")
    frame = cf.add_theme(frame, "robo", ["robo"], parent="tarjeta (Spanish)")
    frame = cf.add_theme(frame, "apple pay", ["apple pay"], parent="payments")
    assert _reading(frame, "pin") == {None}  # under an English discovered theme: English only
    assert _reading(frame, "robo") == {"es"}
    assert _reading(frame, "apple pay") == {None, "es", "fr"}  # under a theme made by hand: every language
    assert _reading(frame, "payments") == {None, "es", "fr"}
    # The file says nothing more than before: where the sub-theme sits decides.
    stored = {t["name"]: t for t in orjson.loads(cf.to_json(frame))["themes"]}
    assert "language" not in stored["pin"] and "language" not in stored["apple pay"]
    assert cf.from_json(cf.to_json(frame)) == frame


def test_assignment_codes_a_hand_made_sub_theme_only_in_its_themes_languages() -> None:
    from portal.services.theme_coding import assign_by_language
    from portal.text.assign import clause_spans

    frame = cf.add_theme(cf.add_theme(FRAME, "pin", ["pin"], parent="card"), "apple pay", ["apple pay"],
                         parent="payments")
    texts = ["My card pin was wrong", "El pin de mi tarjeta no funciona", "Le code pin de ma carte",
             "Apple pay failed", "Apple pay no funciona"]
    languages = np.array([None, "es", "fr", None, "es"], dtype=object)
    found = assign_by_language(texts, languages, frame, clause_spans(texts))
    names = {key: frame.label(t) for key, t in ((t.key, t) for t in frame.themes)}
    coded = {(int(r), names[k]) for r, k in zip(found["row"], found["theme_key"], strict=True)}
    assert {row for row, label in coded if label == "card › pin"} == {0}  # not the Spanish nor the French pin
    assert {row for row, label in coded if label == "payments › apple pay"} == {3, 4}


def test_moving_and_promoting_a_hand_made_sub_theme_keep_the_rule() -> None:
    frame = cf.add_theme(FRAME, "pin", ["pin"], parent="card")
    under_hand_made = cf.move_theme(frame, "pin", "payments")
    assert _reading(under_hand_made, "pin") == {None, "es", "fr"}
    under_spanish = cf.move_theme(under_hand_made, "pin", "tarjeta (Spanish)")
    assert _reading(under_spanish, "pin") == {"es"} and under_spanish.theme("pin").language == "es"
    back = cf.move_theme(under_spanish, "pin", "card")
    assert _reading(back, "pin") == {None} and back.theme("pin").language is None
    assert back == frame  # where it sits, not how it got there, decides
    # A theme made by hand moved under a theme reads that theme's languages, as one added there.
    assert _reading(cf.move_theme(FRAME, "payments", "card"), "payments") == {None}
    # A discovered sub-theme keeps its language wherever it goes (its keywords are words of that language).
    spanish = Codeframe((*FRAME.themes, Theme("t4", "bloqueada", ("bloqueada",), parent="t2", language="es")))
    assert _reading(cf.move_theme(spanish, "bloqueada", "card"), "bloqueada") == {"es"}
    # Of its own, a theme made by hand reads every language, unless it carries a language.
    assert _reading(cf.promote_theme(frame, "pin"), "pin") == {None, "es", "fr"}
    assert _reading(cf.promote_theme(under_spanish, "pin"), "pin") == {"es"}


def test_themes_of_two_languages_merge_into_a_sub_theme_only_where_every_language_is_read() -> None:
    frame = Codeframe((*FRAME.themes, Theme("t4", "declined", ("declined",), parent="t1"),
                       Theme("t5", "rechazada", ("rechazada",), parent="t2", language="es")))
    with pytest.raises(InputError, match="different languages"):
        cf.merge_themes(frame, ["declined", "rechazada"])
    moved = cf.move_theme(cf.move_theme(frame, "declined", "payments"), "rechazada", "payments")
    merged = cf.merge_themes(moved, ["declined", "rechazada"])
    assert merged.theme("declined").parent == "t3" and _reading(merged, "declined") == {None, "es", "fr"}
