"""Coding a dataset's comments with its current codeframe, and previewing what a codeframe change would do.

``apply_codeframe`` splits and scores only what the store does not remember yet (``portal.services.clauses``),
assigns themes with ``portal.text.assign`` and stores the result in one transaction
(``portal.store.themes.save_themes``). Each comment is coded only with the themes of its language
(``portal.text.theme_languages``): English discovered themes never code a Spanish comment.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portal.errors import InputError
from portal.metrics.negative import negative_by_scores
from portal.numbers import plural
from portal.services.clauses import (
    ClauseScorer,
    Prepared,
    Progress,
    dump,
    english,
    part,
    prepare_texts,
    theme_sentiment,
)
from portal.services.sentiment import clause_scorer
from portal.store import Store
from portal.store import themes as stored
from portal.text.assign import Spans, assign, empty_matches
from portal.text.codeframe import UNCATEGORISED, Codeframe, from_dict
from portal.text.language import language_name
from portal.text.sentiment import polarity
from portal.text.theme_languages import MIN_LANGUAGE_COMMENTS, comment_languages, for_language, not_read
from portal.text.theme_levels import theme_counts

#: The canonical columns that say whether a response is negative (``portal.metrics.negative``).
_SCORE_COLUMNS = ("nps", "rating", "recommend", "sentiment_label")


@dataclass(frozen=True)
class ApplyResult:
    """What applying a codeframe did: its version, how many comments, how many got a theme, how long it took."""

    dataset: str
    version: int
    themes: int
    comments: int
    with_theme: int
    seconds: float
    not_read: int = 0
    sub_themes: int = 0

    @property
    def counted(self) -> str:
        """Return the codeframe's size in words: "13 themes and 74 sub-themes" (``themes`` counts both)."""
        top = plural(self.themes - self.sub_themes, "theme")
        return f"{top} and {plural(self.sub_themes, 'sub-theme')}" if self.sub_themes else top

    @property
    def coverage(self) -> float:
        """Return the share of comments with at least one theme (0..1; 0 without comments)."""
        return self.with_theme / self.comments if self.comments else 0.0

    @property
    def message(self) -> str:
        """Return one plain sentence about the result."""
        if not self.comments:
            return f"Codeframe version {self.version} ({self.counted}) is saved; the dataset has no comments yet."
        unread = self.not_read / self.comments
        words = (f"Codeframe version {self.version} ({self.counted}) applied to {self.comments:,} comments: "
                 f"{self.coverage:.0%} have at least one theme, {1 - self.coverage - unread:.0%} are "
                 f"{UNCATEGORISED.lower()}")
        if self.not_read:
            words += f", {unread:.0%} ({self.not_read:,}) were not read (their language has no themes of its own)"
        return words + "."


def dataset_comments(store: Store, name: str) -> pd.DataFrame:
    """Return ``row_key``, ``comment``, ``language`` and ``negative`` of the dataset's rows that have a comment.

    ``negative`` says whether the row's own scores call it negative (``portal.metrics.negative``); it is None on
    every row when the dataset has no score and no sentiment.
    """
    frame = store.load(name, columns=["row_key", "comment", "language", *_SCORE_COLUMNS])
    comment = frame["comment"]
    has = comment.notna().to_numpy() & (comment.astype(object).fillna("").map(str).str.strip() != "").to_numpy()
    out = frame.loc[has].reset_index(drop=True)
    info = store.dataset(name)
    flags = negative_by_scores(out, info.config.rating_scale if info else (1, 5))
    out = out[["row_key", "comment", "language"]].copy()
    out["comment"] = out["comment"].astype(object)
    out["negative"] = pd.Series([None] * len(out) if flags is None else flags.tolist(), dtype=object)
    return out


def _negative(frame: pd.DataFrame) -> np.ndarray | None:
    """Return the ``negative`` flags of ``frame`` (None when it has none)."""
    if "negative" not in frame or frame["negative"].isna().all():
        return None
    return frame["negative"].fillna(False).astype(bool).to_numpy()


def comments_for_discovery(frame: pd.DataFrame) -> list[str]:
    """Return the comments English discovery reads: those in English or of unknown language."""
    return [str(t) for t in frame.loc[english(frame), "comment"].tolist()]


def negative_for_discovery(frame: pd.DataFrame) -> list[bool] | None:
    """Return the ``negative`` flag of each of ``comments_for_discovery`` (None when the dataset has none)."""
    flags = _negative(frame)
    return None if flags is None else flags[english(frame)].tolist()


def _language_rows(frame: pd.DataFrame) -> dict[str, list[int]]:
    """Return the row positions of every other language with at least ``MIN_LANGUAGE_COMMENTS`` comments."""
    groups: dict[str, list[int]] = {}
    for row, lang in enumerate(comment_languages(frame).tolist()):
        if lang is not None:
            groups.setdefault(lang, []).append(row)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return {lang: rows for lang, rows in ordered if len(rows) >= MIN_LANGUAGE_COMMENTS}


def comments_by_language(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Return the comments of every other language with at least ``MIN_LANGUAGE_COMMENTS`` (most comments first).

    These get themes discovered in their own language; English and unknown comments are
    ``comments_for_discovery``.
    """
    texts = frame["comment"].tolist()
    return {lang: [str(texts[i]) for i in rows] for lang, rows in _language_rows(frame).items()}


def negative_by_language(frame: pd.DataFrame) -> dict[str, list[bool] | None]:
    """Return the ``negative`` flags of ``comments_by_language``, language by language."""
    flags = _negative(frame)
    return {lang: None if flags is None else flags[rows].tolist() for lang, rows in _language_rows(frame).items()}


def discovery_summary(frame: pd.DataFrame) -> str:
    """Return which comments discovery reads, in words ("812 in English, 759 in Spanish")."""
    parts = [f"{len(comments_for_discovery(frame)):,} in English"]
    parts += [f"{len(texts):,} in {language_name(lang)}" for lang, texts in comments_by_language(frame).items()]
    return ", ".join(parts)


def assign_by_language(texts: list[str], languages: np.ndarray, codeframe: Codeframe, spans: list[Spans],
                       progress: Progress | None = None) -> pd.DataFrame:
    """Return ``portal.text.assign.assign`` of ``texts``, each coded only with the themes of its language.

    ``languages`` holds per text its code, None for English or unknown (``comment_languages``). A text in a
    language without themes gets only hand-made themes for every language (usually none).
    """
    groups: dict[str | None, list[int]] = {}
    for i, lang in enumerate(languages.tolist()):
        groups.setdefault(lang, []).append(i)
    parts = []
    for lang, positions in groups.items():
        subset = for_language(codeframe, lang)
        if not subset.themes:
            continue
        found = assign([texts[i] for i in positions], subset, clauses=[spans[i] for i in positions],
                       progress=progress if lang is None else None)
        found["row"] = np.asarray(positions, dtype=np.int64)[found["row"].to_numpy(dtype=np.int64)]
        parts.append(found)
    if not parts:
        return empty_matches()
    if len(parts) == 1:
        return parts[0]
    return pd.concat(parts, ignore_index=True).sort_values("row", kind="stable").reset_index(drop=True)


def apply_codeframe(
    store: Store,
    name: str,
    *,
    only_changed: bool = False,
    progress: Progress | None = None,
    scorer: ClauseScorer | None = None,
    clauses: pd.DataFrame | None = None,
) -> ApplyResult:
    """Apply the current codeframe to the dataset's comments and store each comment's themes.

    By default every comment is re-coded (after a codeframe change). ``only_changed`` codes only comments that
    are new or whose text changed since the last run, and forgets rows that are gone (after an import).
    ``scorer`` gives clause polarities (default: the dataset's adapted sentiment model, else the general one); each clause is scored
    once and remembered. ``clauses`` (``portal.text.enrich.enrich_with_clauses`` rows) saves splitting and
    scoring comments that enrichment already did. Raises ``InputError`` when the dataset has no codeframe yet.
    """
    started = time.perf_counter()
    scorer = scorer if scorer is not None else clause_scorer(store, name) or polarity
    snapshot = stored.read_themes(store, name, codeframe=True, run=True, texts=True)
    if snapshot.codeframe is None:
        raise InputError(f"The dataset '{name}' has no codeframe yet. Run `portal discover --dataset {name}`, or "
                         "import a codeframe.")
    version, codeframe = snapshot.codeframe.version, from_dict(snapshot.codeframe.body)
    data_version = store.data_version(name)
    frame = dataset_comments(store, name)
    if progress:
        progress(0.02, f"Preparing {len(frame):,} comments")
    prepared = prepare_texts(frame, snapshot.texts, scorer, part(progress, 0.02, 0.6), clauses)
    keys = frame["row_key"].tolist()
    incremental = only_changed and snapshot.run is not None and snapshot.run.codeframe_version == version
    # Comments whose clauses were scored again (the dataset's sentiment model changed) are coded again too.
    todo = np.flatnonzero(prepared.changed | prepared.rewrite) if incremental else np.arange(len(frame))
    assigned = _code(frame, todo, codeframe, prepared, progress)
    rewrite = np.flatnonzero(prepared.rewrite).tolist()
    replace_texts = len(rewrite) > len(keys) // 2
    if progress:
        progress(0.85, f"Saving the themes of {len(todo):,} comments")
    with_theme = stored.save_themes(store, snapshot.dataset_id, stored.ThemeWrite(
        incremental=incremental, recoded=[keys[i] for i in todo], gone=sorted(set(snapshot.texts) - set(keys)),
        replace_texts=replace_texts, texts=_text_columns(keys, prepared, range(len(keys)) if replace_texts else rewrite),
        assignments=assigned, codeframe_version=version, data_version=data_version, comments=len(frame)))
    if progress:
        progress(1.0, "Themes saved")
    return ApplyResult(dataset=name, version=version, themes=len(codeframe.themes), comments=len(frame),
                       with_theme=with_theme, seconds=time.perf_counter() - started,
                       not_read=_not_read(store, name, frame, codeframe),
                       sub_themes=sum(t.parent is not None for t in codeframe.themes))


def _not_read(store: Store, name: str, frame: pd.DataFrame, codeframe: Codeframe) -> int:
    """Return how many comments are in a language without themes and got no theme (read back after saving)."""
    if not not_read(frame, codeframe).comments:
        return 0
    coded = {key for key, _ in stored.read_themes(store, name, pairs=True).pairs}
    return not_read(frame, codeframe, coded).comments


def _code(frame: pd.DataFrame, todo: np.ndarray, codeframe: Codeframe, prepared: Prepared,
          progress: Progress | None) -> dict[str, list[object]]:
    """Return the ``theme_assignments`` columns of comments ``todo`` (positions in ``frame``) under ``codeframe``."""
    keys = frame["row_key"].tolist()
    texts = frame["comment"].tolist()
    matches = assign_by_language([texts[i] for i in todo], comment_languages(frame)[todo], codeframe,
                                 [prepared.spans[i] for i in todo], part(progress, 0.6, 0.8))
    rows = todo[matches["row"].to_numpy()]
    return {
        "row_key": [keys[i] for i in rows.tolist()],
        "theme_key": matches["theme_key"].tolist(),
        "how": matches["how"].tolist(),
        "phrase": matches["phrase"].tolist(),
        "matched": matches["matched"].tolist(),
        "spans": matches["spans"].tolist(),
        "clauses": matches["clauses"].tolist(),
        "sentiment": theme_sentiment(rows, matches["clauses"].tolist(), prepared.polarities),
    }


def _text_columns(keys: list[str], prepared: Prepared, positions: range | list[int]) -> dict[str, list[object]]:
    """Return the ``theme_texts`` columns (fingerprint, spans, polarities) of the comments at ``positions``."""
    chosen = list(positions)
    return {
        "row_key": [keys[i] for i in chosen],
        "text_hash": [prepared.hashes[i] for i in chosen],
        "clauses": [dump(prepared.spans[i]) for i in chosen],
        "polarities": [None if prepared.polarities[i] is None else dump(prepared.polarities[i]) for i in chosen],
    }


def preview(store: Store, name: str, codeframe: Codeframe) -> pd.DataFrame:
    """Return how many comments each theme would have under ``codeframe`` compared with now (nothing is saved).

    Columns: ``theme``, ``before``, ``after``, ``change``; the last row is ``Uncategorised``. Themes are
    matched by key, so a renamed theme shows its new name, a sub-theme its label ("Flight › Delayed"), and a
    parent counts its comments and its sub-themes' once each, under the old and the new codeframe. Hand
    corrections are not included.
    """
    snapshot = stored.read_themes(store, name, codeframe=True, texts=True, pairs=True)
    frame = dataset_comments(store, name)
    prepared = prepare_texts(frame, snapshot.texts, None, None)
    matches = assign_by_language(frame["comment"].tolist(), comment_languages(frame), codeframe, prepared.spans)
    old = from_dict(snapshot.codeframe.body) if snapshot.codeframe else Codeframe()
    before_counts = theme_counts(snapshot.pairs, old)
    after_counts = theme_counts(zip(matches["row"], matches["theme_key"], strict=True), codeframe)
    names: dict[str, str] = {t.key: old.label(t) for t in old.themes}
    names.update({t.key: codeframe.label(t) for t in codeframe.themes})
    order = [t.key for t in codeframe.ordered()] + [t.key for t in old.ordered() if t.key not in
                                                    {x.key for x in codeframe.themes}]
    rows = []
    for key in order:
        before = int(before_counts.get(key, 0))
        after = int(after_counts.get(key, 0))
        rows.append((names[key], before, after, after - before))
    n = len(frame)
    before_none = n - len({k for k, _ in snapshot.pairs} & set(frame["row_key"]))
    after_none = n - matches["row"].nunique()
    rows.append((UNCATEGORISED, before_none, after_none, after_none - before_none))
    return pd.DataFrame(rows, columns=["theme", "before", "after", "change"]).astype(
        {"theme": object, "before": "int64", "after": "int64", "change": "int64"})
