"""How themes look: the ranked chart, the theme table, trend, sentiment split, verbatims and codeframe edits.

Every figure is computed in ``portal.text.figures`` and every change is made by ``portal.services.themes`` and
``portal.text.codeframe``; this module prepares small tables, draws them and caches them. Cached figures are
keyed on plain values (store URL, dataset, data version, a stamp of the codeframe and its corrections, the
filters as strings), never on a DataFrame. Charts get at most one row per theme, group or period, far below
Altair's 5,000-row limit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from portal import metrics, settings
from portal.errors import NotFoundError
from portal.services import themes as storage
from portal.store import DatasetInfo
from portal.text import codeframe as cf
from portal.text import figures
from portal.text.assign import parse_spans
from portal.text.codeframe import UNCATEGORISED, Codeframe
from portal.ui.context import get_store, load_responses
from portal.ui.filters import Filters, apply_filters
from portal.ui.markdown import escape_markdown

#: How the chart can rank the themes: key -> words on the control.
RANKINGS: dict[str, str] = {"volume": "Volume", "negative": "Negative share", "impact": "NPS impact"}
#: The chart's selection name (the clicked theme).
SELECTION = "theme"
#: Comments shown per page of the comment cards.
PAGE_SIZE = 10
PRIMARY = "#2f6fdf"
NEGATIVE_COLOUR = "#c92a2a"
POSITIVE_COLOUR = "#2b8a3e"
NEUTRAL_COLOUR = "#adb5bd"
UNCATEGORISED_COLOUR = "#868e96"
SENTIMENT_COLOURS: dict[str, str] = {"negative": NEGATIVE_COLOUR, "neutral": NEUTRAL_COLOUR,
                                     "positive": POSITIVE_COLOUR}
#: Label of a comment whose sentiment is unknown.
NO_SENTIMENT = "unknown"
#: Edits a person can make to the codeframe, in the order offered.
ACTIONS: tuple[str, ...] = ("Rename", "Merge", "Split", "Add keywords", "Remove keywords", "Add a theme",
                            "Delete")
_GAP = re.compile(r"^[\s\-]*$")


# ---------------------------------------------------------------------------------------------------------
# Words and marks
# ---------------------------------------------------------------------------------------------------------


def _merge(spans: Sequence[tuple[int, int]], text: str) -> list[tuple[int, int]]:
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


def term_spans(text: str, term: str) -> list[tuple[int, int]]:
    """Return where ``term`` occurs in ``text`` (case-insensitive; empty for an empty term)."""
    term = term.strip()
    if not term:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(term), text, flags=re.IGNORECASE)]


def highlight(text: Any, spans: Sequence[tuple[int, int]] = ()) -> str:
    """Return ``text`` as escaped Markdown with the characters in ``spans`` in bold (never raw HTML)."""
    text = "" if text is None else str(text)
    parts: list[str] = []
    at = 0
    for start, end in _merge(spans, text):
        parts.append(escape_markdown(text[at:start], keep_edges=True))
        inner = escape_markdown(text[start:end], keep_edges=True).strip()
        if inner:
            parts.append(f"**{inner}**")
        at = end
    parts.append(escape_markdown(text[at:], keep_edges=True))
    return "".join(parts).strip()


def pct(x: Any, digits: int = 0) -> str:
    """Return a share (0..1) as "12%" (a dash when there is none)."""
    return "–" if not _finite(x) else f"{100 * float(x):.{digits}f}%"


def _finite(x: Any) -> bool:
    """Return True for a real, finite number."""
    try:
        return bool(np.isfinite(float(x)))
    except (TypeError, ValueError):
        return False


def mention_label(polarity: Any, comment_label: Any) -> str:
    """Return negative, neutral or positive for one mention: its clause polarity, else the comment's label."""
    if _finite(polarity):
        value = float(polarity)
        if value < figures.negative_below():
            return "negative"
        return "positive" if value > _positive_above() else "neutral"
    if isinstance(comment_label, str) and comment_label in storage.SENTIMENT_LABELS:
        return comment_label
    return NO_SENTIMENT


def _positive_above() -> float:
    """Return the polarity above which a clause counts as positive (the sentiment model's threshold)."""
    try:
        from portal.text.sentiment import POSITIVE_ABOVE
    except ImportError:  # text analytics without the sentiment model: VADER's usual threshold
        return 0.05
    return float(POSITIVE_ABOVE)


# ---------------------------------------------------------------------------------------------------------
# Pure tables (tested without Streamlit)
# ---------------------------------------------------------------------------------------------------------


def ranking_frame(table: pd.DataFrame, ranking: str, comments: int) -> pd.DataFrame:
    """Return one chart row per theme for ``ranking`` (volume, negative or impact), best first.

    Columns: ``theme``, ``value``, ``low``, ``high`` (95% interval, percent or NPS points), ``n``, ``label``
    (the figure in words), ``uncategorised``. Themes without the figure are left out. Raises ``ValueError``
    for an unknown ranking.
    """
    if ranking not in RANKINGS:
        raise ValueError(f"unknown ranking {ranking!r}")
    n = table["n"].to_numpy(dtype=float)
    if ranking == "volume":
        value = 100.0 * n / comments if comments else np.full(len(n), np.nan)
        low, high = metrics.wilson_interval(n, np.full(len(n), float(comments)))
        label = [f"{int(c):,} ({v:.0f}%)" if _finite(v) else f"{int(c):,}" for c, v in zip(n, value, strict=True)]
    elif ranking == "negative":
        share = table["negative_share"].to_numpy(dtype=float)
        value = 100.0 * share
        low, high = metrics.wilson_interval(np.round(np.nan_to_num(share) * n), n)
        label = [f"{v:.0f}% of {int(c):,}" if _finite(v) else "" for v, c in zip(value, n, strict=True)]
    else:
        value = table["nps_impact"].to_numpy(dtype=float)
        low = table["nps_impact_low"].to_numpy(dtype=float)
        high = table["nps_impact_high"].to_numpy(dtype=float)
        label = [f"{v:+.1f} pts" if _finite(v) else "" for v in value]
    out = pd.DataFrame({
        "theme": table["theme"].astype(object).to_numpy(),
        "value": np.asarray(value, dtype=float),
        "low": np.asarray(low, dtype=float),
        "high": np.asarray(high, dtype=float),
        "n": n.astype("int64"),
        "label": pd.Series(label, dtype=object).to_numpy(),
        "uncategorised": (table["theme"] == UNCATEGORISED).to_numpy(),
    })
    out = out[np.isfinite(out["value"].to_numpy()) & (out["n"] > 0)]
    ascending = ranking == "impact"  # the themes that pull NPS down most come first
    return out.sort_values(["value", "n"], ascending=[ascending, False], kind="stable").reset_index(drop=True)


def theme_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Return the theme table as people read it (one row per theme, Uncategorised last), unrounded."""
    return pd.DataFrame({
        "Theme": table["theme"].astype(object),
        "Comments": table["n"].astype("int64"),
        "Share": 100.0 * table["share"].astype(float),
        "Sentiment": table["sentiment"].astype(float),
        "Negative": 100.0 * table["negative_share"].astype(float),
        "NPS": table["nps"].astype(float),
        "NPS impact": table["nps_impact"].astype(float),
        "Impact from": table["nps_impact_low"].astype(float),
        "Impact to": table["nps_impact_high"].astype(float),
        "Revenue": pd.to_numeric(table["value"], errors="coerce").astype(float),
        "Emerging": table["emerging"].astype(bool),
        "Keywords": [", ".join(k) for k in table["keywords"]],
    })


def comment_frame(frame: pd.DataFrame, assigned: pd.DataFrame, codeframe: Codeframe,
                  segments: Sequence[str]) -> pd.DataFrame:
    """Return one row per response of ``frame`` with a comment: its key, date, text, labels and themes.

    Columns: ``row_key``, ``date``, ``comment``, ``sentiment`` (the comment's label or ``unknown``),
    ``language``, the ``segments`` columns, ``themes`` (names joined by "; ", codeframe order).
    """
    text = frame["comment"].astype(object) if "comment" in frame.columns else pd.Series(None, index=frame.index)
    has = (text.notna() & (text.fillna("").map(str).str.strip() != "")).to_numpy()
    rows = frame.loc[has]
    order = {t.key: i for i, t in enumerate(codeframe.themes)}
    names = {t.key: t.name for t in codeframe.themes}
    keyed = assigned[assigned["row_key"].isin(set(rows["row_key"]))] if len(assigned) else assigned
    per_row: dict[str, list[str]] = {}
    for key, theme_key in zip(keyed["row_key"], keyed["theme_key"], strict=True):
        per_row.setdefault(key, []).append(theme_key)
    joined = {k: "; ".join(names[t] for t in sorted(set(v), key=order.get) if t in names) for k, v in per_row.items()}
    label = rows["sentiment_label"].astype(object) if "sentiment_label" in rows.columns else None
    out = pd.DataFrame({
        "row_key": rows["row_key"].astype(object).to_numpy(),
        "date": pd.to_datetime(rows["date"], errors="coerce").to_numpy() if "date" in rows.columns
        else pd.NaT,
        "comment": rows["comment"].astype(object).map(str).to_numpy(),
        "sentiment": (label.where(label.isin(storage.SENTIMENT_LABELS), NO_SENTIMENT).to_numpy()
                      if label is not None else NO_SENTIMENT),
        "language": rows["language"].astype(object).to_numpy() if "language" in rows.columns else None,
    })
    for column in segments:
        out[column] = rows[column].astype(object).to_numpy() if column in rows.columns else None
    out["themes"] = pd.Series([joined.get(k, "") for k in out["row_key"]], dtype=object)
    for column in ("row_key", "comment", "sentiment", "language", "themes"):
        out[column] = out[column].astype(object)
    return out


def theme_verbatims(comments: pd.DataFrame, assigned: pd.DataFrame, theme_key: str) -> pd.DataFrame:
    """Return the comments that mention one theme (``""``: Uncategorised) with why and where.

    Adds ``reason`` (why the comment has the theme), ``spans`` (where its keywords sit, as (start, end)
    pairs) and replaces ``sentiment`` by the sentiment of the mention (its clauses, else the comment's).
    Newest first.
    """
    if not theme_key:
        out = comments[comments["themes"] == ""].copy()
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


def sentiment_split(verbatims: pd.DataFrame) -> pd.DataFrame:
    """Return how many verbatims are negative, neutral, positive (and unknown, when any), with their share."""
    counts = verbatims["sentiment"].value_counts()
    labels = [*storage.SENTIMENT_LABELS] + ([NO_SENTIMENT] if counts.get(NO_SENTIMENT, 0) else [])
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
    if "reason" in verbatims.columns:
        out["Why this theme"] = verbatims["reason"]
    out["Response key"] = verbatims["row_key"]
    return out


def proposed_change(codeframe: Codeframe, action: str, values: dict[str, Any]) -> tuple[Codeframe, str] | None:
    """Return the codeframe after one edit and a note saying what changed; None while the form is incomplete.

    ``values`` holds the form's fields: ``theme``, ``themes`` (merge), ``name``, ``keywords`` (text or
    list). Raises ``InputError`` (from the codeframe functions) for an edit that cannot be made.
    """
    theme, name = values.get("theme"), str(values.get("name") or "").strip()
    keywords = values.get("keywords") or ()
    words = ", ".join(keywords) if not isinstance(keywords, str) else keywords.strip()
    if action == "Rename":
        if not theme or not name:
            return None
        return cf.rename_theme(codeframe, theme, name), f"renamed '{theme}' to '{name}'"
    if action == "Merge":
        themes = list(values.get("themes") or ())
        if len(themes) < 2:
            return None
        into = name or None
        merged = cf.merge_themes(codeframe, themes, into)
        return merged, f"merged {', '.join(repr(t) for t in themes)} into '{into or themes[0]}'"
    if action == "Split":
        if not theme or not name or not words:
            return None
        return cf.split_theme(codeframe, theme, {name: keywords}), f"split '{name}' ({words}) out of '{theme}'"
    if action == "Add keywords":
        if not theme or not words:
            return None
        return cf.add_keywords(codeframe, theme, keywords), f"added {words} to '{theme}'"
    if action == "Remove keywords":
        if not theme or not words:
            return None
        return cf.remove_keywords(codeframe, theme, keywords), f"removed {words} from '{theme}'"
    if action == "Add a theme":
        if not name or not words:
            return None
        return cf.add_theme(codeframe, name, keywords), f"added the theme '{name}' ({words})"
    if action == "Delete":
        if not theme:
            return None
        return cf.delete_theme(codeframe, theme), f"deleted '{theme}'"
    raise ValueError(f"unknown action {action!r}")


def moved_comments(preview: pd.DataFrame) -> int:
    """Return how many theme mentions a change moves (the sum of the increases shown by ``storage.preview``)."""
    return int(preview["change"].clip(lower=0).sum()) if len(preview) else 0


# ---------------------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------------------


_AXES = {
    "volume": ("Share of comments (%) with 95% interval", ".0f"),
    "negative": ("Negative mentions (%) with 95% interval", ".0f"),
    "impact": ("NPS impact (points) with 95% interval", "+.1f"),
}


def ranking_chart(data: pd.DataFrame, ranking: str, selected: str | None) -> alt.LayerChart:
    """Return the ranked theme chart: a bar per theme, its 95% interval, the figure; click to pick a theme."""
    title, fmt = _AXES[ranking]
    rows = data.assign(picked=data["theme"] == (selected or ""))
    order = list(rows["theme"])
    y = alt.Y("theme:N", sort=order, title=None, axis=alt.Axis(labelLimit=200, labelFontSize=12))
    pick = alt.selection_point(name=SELECTION, fields=["theme"], on="click", clear=False)
    tooltip = [
        alt.Tooltip("theme:N", title="Theme"),
        alt.Tooltip("label:N", title=RANKINGS[ranking]),
        alt.Tooltip("low:Q", title="95% interval from", format=fmt),
        alt.Tooltip("high:Q", title="95% interval to", format=fmt),
        alt.Tooltip("n:Q", title="Comments", format=","),
    ]
    tone = np.where(rows["uncategorised"], "none",
                    np.where(rows["value"] < 0, "down", "up") if ranking == "impact" else ranking)
    rows = rows.assign(tone=tone)
    tones = {"none": UNCATEGORISED_COLOUR, "down": NEGATIVE_COLOUR, "up": POSITIVE_COLOUR,
             "negative": NEGATIVE_COLOUR, "volume": PRIMARY}
    colour = alt.Color("tone:N", scale=alt.Scale(domain=list(tones), range=list(tones.values())), legend=None)
    base = alt.Chart(rows)
    lo = float(np.nanmin(rows[["low", "value"]].to_numpy())) if len(rows) else 0.0
    hi = float(np.nanmax(rows[["high", "value"]].to_numpy())) if len(rows) else 1.0
    domain = [min(lo, 0.0), max(hi, 0.0)]
    pad = (domain[1] - domain[0]) * 0.04 or 1.0
    scale = alt.Scale(domain=[domain[0] - (pad if domain[0] < 0 else 0), domain[1] + pad], nice=False)
    bars = base.mark_bar(height={"band": 0.7}, cornerRadiusEnd=2).encode(
        y=y, x=alt.X("value:Q", title=title, scale=scale), color=colour,
        opacity=alt.condition(alt.datum.picked, alt.value(1.0), alt.value(0.72)),
        stroke=alt.condition(alt.datum.picked, alt.value("#212529"), alt.value(None)),
        strokeWidth=alt.condition(alt.datum.picked, alt.value(1.5), alt.value(0)),
        tooltip=tooltip).add_params(pick)
    whiskers = base.mark_rule(color="#343a40", strokeWidth=1.2).encode(
        y=y, x=alt.X("low:Q", scale=scale), x2="high:Q", tooltip=tooltip)
    labels = base.mark_text(align="left", dx=4, fontSize=11, color="#495057").encode(
        y=y, x=alt.X("high:Q", scale=scale), text="label:N", tooltip=tooltip)
    layers: list[Any] = [bars, whiskers]
    if ranking != "impact":
        layers.append(labels)
    else:
        zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#495057").encode(x="x:Q")
        layers.append(zero)
    return alt.layer(*layers).properties(height=alt.Step(22))


def trend_chart(trend: pd.DataFrame, period: str) -> alt.LayerChart:
    """Return the theme's share of comments per period as a line, mentions in the tooltip."""
    data = trend.assign(share_pct=100.0 * trend["share"], label=[metrics.period_label(p, period)
                                                                  for p in trend["period"]])
    base = alt.Chart(data).encode(
        x=alt.X("period:T", title=None, axis=alt.Axis(format="%b %Y" if period != "week" else "%d %b",
                                                      labelAngle=0)),
        y=alt.Y("share_pct:Q", title="Share of comments (%)", scale=alt.Scale(zero=True)),
        tooltip=[alt.Tooltip("label:N", title=period.capitalize()),
                 alt.Tooltip("share_pct:Q", title="Share of comments (%)", format=".1f"),
                 alt.Tooltip("n:Q", title="Mentions", format=","),
                 alt.Tooltip("comments:Q", title="Comments", format=",")])
    return alt.layer(base.mark_line(color=PRIMARY, strokeWidth=2),
                     base.mark_point(color=PRIMARY, filled=True, size=28)).properties(height=200)


def sentiment_chart(split: pd.DataFrame) -> alt.Chart:
    """Return one stacked bar of the negative, neutral and positive mentions."""
    domain = list(split["sentiment"])
    colours = [SENTIMENT_COLOURS.get(s, "#dee2e6") for s in domain]
    data = split.assign(share_pct=100.0 * split["share"], order=range(len(split)))
    return alt.Chart(data).mark_bar(height=26).encode(
        x=alt.X("share_pct:Q", title=None, stack="zero", scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(format=".0f", labelExpr="datum.label + '%'")),
        color=alt.Color("sentiment:N", scale=alt.Scale(domain=domain, range=colours),
                        legend=alt.Legend(orient="bottom", title=None)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("sentiment:N", title="Sentiment"), alt.Tooltip("n:Q", title="Comments", format=","),
                 alt.Tooltip("share_pct:Q", title="Share (%)", format=".0f")],
    ).properties(height=70)


# ---------------------------------------------------------------------------------------------------------
# Cached figures
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ThemeView:
    """Figures of every theme in one selection: the table, the codeframe, comments and coverage."""

    table: pd.DataFrame
    codeframe: Codeframe
    comments: int
    coverage: float
    has_nps: bool
    segments: tuple[str, ...]


def theme_stamp(info: DatasetInfo) -> tuple[Any, ...]:
    """Return a plain-value stamp that changes with every codeframe change, undo and hand correction."""
    store = get_store()
    history = storage.codeframe_history(store, info.name)
    fixes = storage.corrections(store, info.name)
    current = history.loc[history["status"] == "current", "version"]
    last_fix = fixes["updated_at"].max() if len(fixes) else None
    return (int(current.iloc[0]) if len(current) else 0, len(history), len(fixes),
            str(last_fix) if last_fix is not None else "")


def _selection(name: str, filters_key: tuple[Any, ...]) -> tuple[pd.DataFrame, Any, pd.DataFrame, Codeframe]:
    """Return the filtered responses (hand-set sentiment in place), configuration, assignments and codeframe."""
    store = get_store()
    info = store.dataset(name)
    if info is None:
        raise NotFoundError(f"No dataset named '{name}'. Choose another dataset in the sidebar.")
    frame = storage.with_corrected_sentiment(store, name, load_responses(info))
    frame = apply_filters(frame, info.config, Filters.from_key(filters_key))
    codeframe = storage.current_codeframe(store, name) or Codeframe()
    return frame, info.config, storage.assignments(store, name), codeframe


@st.cache_data(show_spinner="Counting the themes ...", max_entries=32)
def _view(url: str, name: str, version: int, stamp: tuple[Any, ...], filters_key: tuple[Any, ...]) -> ThemeView:
    """Return the theme figures of one selection (cached per store, dataset, data, codeframe and filters)."""
    frame, config, assigned, codeframe = _selection(name, filters_key)
    table = figures.theme_table(frame, assigned, codeframe, config)
    comments = int(figures.mentions(frame, assigned.iloc[:0], codeframe).commented.sum())
    uncategorised = table.loc[table["theme"] == UNCATEGORISED, "n"]
    without = int(uncategorised.iloc[0]) if len(uncategorised) else comments
    coverage = (comments - without) / comments if comments else 0.0
    has_nps = ("nps" in metrics.mapped_roles(config) and "nps" in frame.columns
               and bool(pd.to_numeric(frame["nps"], errors="coerce").notna().any()))
    return ThemeView(table=table, codeframe=codeframe, comments=comments, coverage=coverage, has_nps=has_nps,
                     segments=tuple(metrics.segment_columns(frame, config)))


def theme_view(info: DatasetInfo, stamp: tuple[Any, ...], filters: Filters) -> ThemeView:
    """Return the figures of every theme in the filtered responses (cached)."""
    return _view(settings.database_url(), info.name, info.data_version, stamp, filters.key())


@st.cache_data(show_spinner=False, max_entries=32)
def _comments(url: str, name: str, version: int, stamp: tuple[Any, ...], filters_key: tuple[Any, ...]
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the comments of one selection and the assignments of those comments."""
    frame, config, assigned, codeframe = _selection(name, filters_key)
    comments = comment_frame(frame, assigned, codeframe, metrics.segment_columns(frame, config))
    return comments, assigned[assigned["row_key"].isin(set(comments["row_key"]))].reset_index(drop=True)


def comments_of(info: DatasetInfo, stamp: tuple[Any, ...], filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return every comment in the filtered responses with its themes, and their assignments (cached)."""
    return _comments(settings.database_url(), info.name, info.data_version, stamp, filters.key())


@st.cache_data(show_spinner="Drawing the trend ...", max_entries=32)
def _trend(url: str, name: str, version: int, stamp: tuple[Any, ...], filters_key: tuple[Any, ...],
           theme: str, period: str) -> pd.DataFrame:
    """Return one theme's mentions and share per period."""
    frame, _, assigned, codeframe = _selection(name, filters_key)
    trend = figures.theme_trend(frame, assigned, codeframe, period=period)
    return trend[trend["theme"] == theme].reset_index(drop=True)


def trend_of(info: DatasetInfo, stamp: tuple[Any, ...], filters: Filters, theme: str, period: str) -> pd.DataFrame:
    """Return the share of comments that mention ``theme`` per period (cached)."""
    return _trend(settings.database_url(), info.name, info.data_version, stamp, filters.key(), theme, period)


@st.cache_data(show_spinner="Comparing the groups ...", max_entries=32)
def _breakdown(url: str, name: str, version: int, stamp: tuple[Any, ...], filters_key: tuple[Any, ...],
               theme: str, by: str, min_n: int) -> pd.DataFrame:
    """Return one theme's mention rate per group of ``by`` against the other groups."""
    frame, config, assigned, codeframe = _selection(name, filters_key)
    table = figures.theme_breakdown(frame, assigned, codeframe, config, by, min_n=min_n)
    return table[table["theme"] == theme].reset_index(drop=True)


def breakdown_of(info: DatasetInfo, stamp: tuple[Any, ...], filters: Filters, theme: str, by: str) -> pd.DataFrame:
    """Return how often each group of ``by`` mentions ``theme`` compared with the rest, with tests (cached)."""
    return _breakdown(settings.database_url(), info.name, info.data_version, stamp, filters.key(), theme, by,
                      settings.min_group_size())


@st.cache_data(show_spinner="Working out what the change does ...", max_entries=16)
def _preview(url: str, name: str, version: int, stamp: tuple[Any, ...], body: str) -> pd.DataFrame:
    """Return ``storage.preview`` of a proposed codeframe given as JSON."""
    return storage.preview(get_store(), name, cf.from_json(body))


def preview_of(info: DatasetInfo, stamp: tuple[Any, ...], proposed: Codeframe) -> pd.DataFrame:
    """Return how many comments each theme would have under ``proposed``, before and after (cached)."""
    return _preview(settings.database_url(), info.name, info.data_version, stamp, cf.to_json(proposed).decode())
