"""The comments behind a theme: one row per comment with its themes, why it has one, where its words sit.

Pure functions of the responses, their theme assignments and the codeframe (no store, no Streamlit).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from portal.text import sentiment
from portal.text.assign import parse_spans
from portal.text.codeframe import LEVEL_MARK, Codeframe
from portal.text.requests import frame_requests
from portal.text.theme_languages import read_mask
from portal.text.theme_levels import direct_labels

#: Label of a comment whose sentiment is unknown.
NO_SENTIMENT = "unknown"
#: Every sentiment a comment can be shown with, in the order offered.
SENTIMENTS: tuple[str, ...] = (*sentiment.LABELS, NO_SENTIMENT)
#: Most values of one segment offered as a filter of the comments.
MAX_SEGMENT_VALUES = 200
_GAP = re.compile(r"^[\s\-]*$")


def term_spans(text: str, term: str) -> list[tuple[int, int]]:
    """Return where ``term`` occurs in ``text`` (case-insensitive; empty for an empty term)."""
    term = term.strip()
    if not term:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(term), text, flags=re.IGNORECASE)]


def merge_spans(spans: Sequence[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Return spans sorted and joined where they overlap or only spaces and hyphens separate them."""
    out: list[tuple[int, int]] = []
    for start, end in sorted((max(0, a), min(len(text), b)) for a, b in spans):
        if end <= start:
            continue
        if out and (start <= out[-1][1] or _GAP.match(text[out[-1][1]:start])):
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def mention_label(polarity: Any, comment_label: Any) -> str:
    """Return negative, neutral or positive for one mention: its clause polarity, else the comment's label."""
    return sentiment.mention_label(polarity, comment_label) or NO_SENTIMENT


def comment_frame(frame: pd.DataFrame, assigned: pd.DataFrame, codeframe: Codeframe,
                  segments: Sequence[str]) -> pd.DataFrame:
    """Return one row per response of ``frame`` with a comment: its key, date, text, labels and themes.

    Columns: ``row_key``, ``date``, ``comment``, ``sentiment`` (the comment's label or ``unknown``),
    ``language``, the ``segments`` columns, ``themes`` (labels joined by "; " in display order: "Flight ›
    Delayed" for a sub-theme, "Flight" only for a comment of the parent that no sub-theme of it covers), ``request``
    (the comment asks for something new or changed) and ``read`` (False for a comment in a language the
    codeframe has no themes for: it is not read, so not Uncategorised either).
    """
    text = frame["comment"].astype(object) if "comment" in frame.columns else pd.Series(None, index=frame.index)
    has = (text.notna() & (text.fillna("").map(str).str.strip() != "")).to_numpy()
    rows = frame.loc[has]
    label = rows["sentiment_label"].astype(object) if "sentiment_label" in rows.columns else None
    out = pd.DataFrame({
        "row_key": rows["row_key"].astype(object).to_numpy(),
        "date": pd.to_datetime(rows["date"], errors="coerce").to_numpy() if "date" in rows.columns
        else pd.NaT,
        "comment": rows["comment"].astype(object).map(str).to_numpy(),
        "sentiment": (label.where(label.isin(sentiment.LABELS), NO_SENTIMENT).to_numpy()
                      if label is not None else NO_SENTIMENT),
        "language": rows["language"].astype(object).to_numpy() if "language" in rows.columns else None,
    })
    for column in segments:
        out[column] = rows[column].astype(object).to_numpy() if column in rows.columns else None
    joined = _themes_per_row(assigned, set(rows["row_key"]), codeframe)
    out["themes"] = pd.Series([joined.get(k, "") for k in out["row_key"]], dtype=object)
    out["request"] = frame_requests(rows)
    out["read"] = read_mask(rows, codeframe)
    for column in ("row_key", "comment", "sentiment", "language", "themes"):
        out[column] = out[column].astype(object)
    return out


def _themes_per_row(assigned: pd.DataFrame, keys: set[Any], codeframe: Codeframe) -> dict[Any, str]:
    """Return the theme labels of each response in ``keys`` joined by "; ", in display order."""
    keyed = assigned[assigned["row_key"].isin(keys)] if len(assigned) else assigned
    per_row: dict[Any, set[str]] = {}
    for key, theme_key in zip(keyed["row_key"], keyed["theme_key"], strict=True):
        per_row.setdefault(key, set()).add(theme_key)
    joined: dict[frozenset[str], str] = {}
    out: dict[Any, str] = {}
    for key, chosen in per_row.items():
        frozen = frozenset(chosen)
        if frozen not in joined:
            joined[frozen] = "; ".join(direct_labels(frozen, codeframe))
        out[key] = joined[frozen]
    return out


def theme_verbatims(comments: pd.DataFrame, assigned: pd.DataFrame, theme_key: str) -> pd.DataFrame:
    """Return the comments that mention one theme (``""``: Uncategorised) with why and where.

    Adds ``reason`` (why the comment has the theme), ``spans`` (where its keywords sit, as (start, end)
    pairs) and replaces ``sentiment`` by the sentiment of the mention (its clauses, else the comment's).
    Newest first.
    """
    if not theme_key:
        read = comments["read"].to_numpy(dtype=bool) if "read" in comments.columns else True
        out = comments[(comments["themes"] == "").to_numpy() & read].copy()
        out["reason"] = pd.Series("no keyword of any theme", index=out.index, dtype=object)
        out["spans"] = pd.Series([()] * len(out), index=out.index, dtype=object)
    else:
        mine = assigned[assigned["theme_key"] == theme_key].drop_duplicates("row_key")
        mine = mine[["row_key", "reason", "spans", "sentiment"]].rename(columns={"sentiment": "_polarity"})
        out = comments.merge(mine, on="row_key", how="inner")
        out["sentiment"] = pd.Series([mention_label(p, c) for p, c in zip(out["_polarity"], out["sentiment"],
                                                                          strict=True)], dtype=object)
        out["spans"] = pd.Series([parse_spans(s) for s in out["spans"]], index=out.index, dtype=object)
        out = out.drop(columns="_polarity")
    if out["date"].notna().any():
        out = out.sort_values("date", ascending=False, kind="stable", na_position="last")
    return out.reset_index(drop=True)


def unthemed(comments: pd.DataFrame) -> pd.DataFrame:
    """Return every comment as a verbatim with no reason and no spans (for searching every comment)."""
    return comments.assign(reason="", spans=[()] * len(comments))


def filter_verbatims(verbatims: pd.DataFrame, *, search: str = "", sentiments: Sequence[str] = (),
                     where: Sequence[tuple[str, str]] = (), languages: Sequence[str] = ()) -> pd.DataFrame:
    """Return the verbatims that contain ``search`` (case-insensitive) and have the chosen labels and values.

    ``where`` pairs a column with a value: values of one column are alternatives, columns must all match.
    """
    keep = np.ones(len(verbatims), dtype=bool)
    if search.strip():
        keep &= verbatims["comment"].astype(object).map(str).str.contains(
            search.strip(), case=False, regex=False).to_numpy()
    if sentiments:
        keep &= verbatims["sentiment"].isin(list(sentiments)).to_numpy()
    if languages:
        keep &= verbatims["language"].astype(object).fillna("").isin(list(languages)).to_numpy()
    wanted: dict[str, list[str]] = {}
    for column, value in where:
        wanted.setdefault(column, []).append(value)
    for column, values in wanted.items():
        if column in verbatims.columns:
            keep &= verbatims[column].astype(object).map(lambda v: "" if v is None else str(v)).isin(values).to_numpy()
    return verbatims[keep].reset_index(drop=True)


def present_sentiments(verbatims: pd.DataFrame) -> list[str]:
    """Return the sentiments that at least one verbatim has, in the usual order."""
    return [s for s in SENTIMENTS if (verbatims["sentiment"] == s).any()]


def segment_pairs(verbatims: pd.DataFrame, segments: Sequence[str]) -> list[tuple[str, str]]:
    """Return (column, value) for every value the verbatims have in each segment (the first 200 of each)."""
    pairs: list[tuple[str, str]] = []
    for column in segments:
        values = sorted({str(v) for v in verbatims[column].dropna().unique()}) if column in verbatims.columns else []
        pairs += [(column, v) for v in values[:MAX_SEGMENT_VALUES]]
    return pairs


def languages_of(verbatims: pd.DataFrame) -> list[str]:
    """Return the languages the verbatims are in, sorted."""
    return sorted({str(v) for v in verbatims["language"].dropna().unique()}) if "language" in verbatims else []


def sentiment_split(verbatims: pd.DataFrame) -> pd.DataFrame:
    """Return how many verbatims are negative, neutral, positive (and unknown, when any), with their share."""
    counts = verbatims["sentiment"].value_counts()
    labels = [*sentiment.LABELS] + ([NO_SENTIMENT] if counts.get(NO_SENTIMENT, 0) else [])
    n = np.array([int(counts.get(k, 0)) for k in labels])
    total = n.sum()
    return pd.DataFrame({"sentiment": pd.Series(labels, dtype=object), "n": n.astype("int64"),
                         "share": n / total if total else np.zeros(len(n))})


def export_verbatims(verbatims: pd.DataFrame, segments: Sequence[str]) -> pd.DataFrame:
    """Return verbatims for a CSV file: date, comment, sentiment, language, segments, themes, reason."""
    columns = {"date": "Date", "comment": "Comment", "sentiment": "Sentiment", "language": "Language"}
    out = pd.DataFrame({label: verbatims[column] for column, label in columns.items() if column in verbatims})
    for column in segments:
        if column in verbatims.columns:
            out[column] = verbatims[column]
    out["Themes"] = verbatims["themes"]
    if "request" in verbatims.columns:
        out["Request"] = verbatims["request"].astype(bool)
    if "reason" in verbatims.columns:
        out["Why this theme"] = verbatims["reason"]
    out["Response key"] = verbatims["row_key"]
    return out


#: The download's name for each column of ``export_verbatims`` that the portal adds (the export's rule:
#: ``portal_`` + its name, as in ``portal export``).
FILE_NAMES: dict[str, str] = {
    "Date": "portal_date", "Sentiment": "portal_sentiment_label", "Language": "portal_language",
    "Themes": "portal_themes", "Request": "portal_request", "Why this theme": "portal_theme_reason",
    "Response key": "portal_row_key",
}


def verbatims_file(verbatims: pd.DataFrame, segments: Sequence[str]) -> pd.DataFrame:
    """Return ``export_verbatims`` for the CSV download: the portal's columns named as ``portal export`` names them.

    ``portal_request`` is ``true`` or ``false``, as in the export; a segment or the comment keeps its name.
    """
    out = export_verbatims(verbatims, segments)
    if "Request" in out.columns:
        out["Request"] = out["Request"].map({True: "true", False: "false"}).astype(object)
    taken = set(out.columns) - set(FILE_NAMES)
    names = {}
    for column in out.columns:
        name = FILE_NAMES.get(column, column)
        while column in FILE_NAMES and name in taken:
            name += "_"
        names[column] = name
    return out.rename(columns=names)


def page_count(rows: int, page_size: int) -> int:
    """Return how many pages of ``page_size`` hold ``rows`` (at least one)."""
    return max(rows - 1, 0) // page_size + 1


def card_facts(row: dict[str, Any], segments: Sequence[str], label: Callable[[str], str]) -> list[str]:
    """Return the facts shown under one comment: date, sentiment, segment values, themes and why.

    ``label`` turns a segment column into its name for people.
    """
    facts = []
    if pd.notna(row["date"]):
        facts.append(f"{pd.Timestamp(row['date']):%d %b %Y}")
    facts.append(str(row["sentiment"]))
    for column in segments:
        value = row.get(column)
        if value is not None and not (isinstance(value, float) and pd.isna(value)):
            facts.append(f"{label(column)}: {value}")
    if row["themes"]:
        facts.append(f"themes: {row['themes']}")
    if row.get("reason"):
        facts.append(str(row["reason"]))
    return facts


def themes_of(verbatim: pd.Series, labels: Sequence[str]) -> list[str]:
    """Return the themes a verbatim shows now that are still in the codeframe (``labels``, in their order).

    A sub-theme ("Flight › Delayed") brings its parent ("Flight"), which the comment has through it.
    """
    shown: set[str] = set()
    for label in str(verbatim["themes"]).split("; "):
        if label:
            shown.add(label)
            shown.add(label.split(LEVEL_MARK)[0])
    return [t for t in labels if t in shown]


def short_text(text: Any, width: int = 90) -> str:
    """Return a comment cut to one short line."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
