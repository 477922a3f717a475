"""Where themes live: codeframe versions, each comment's themes, and hand corrections (tables of migration 0003).

* ``codeframes`` keeps every version of a dataset's codeframe (JSON). The current one is the newest that
  was not undone; ``undo`` marks it undone and brings the previous one back.
* ``theme_assignments`` holds one row per comment and theme, with the reason (keyword, where it sits,
  which clauses) as the current codeframe gives it. Every codeframe change rewrites it for the whole
  dataset; an import only adds the rows it brought or changed.
* ``theme_texts`` remembers each comment's clause boundaries, the sentiment of each clause and a fingerprint
  of its text, so re-applying an edited codeframe neither splits nor scores 100,000 comments again, and a
  changed comment is noticed.
* ``theme_corrections`` holds what a person changed by hand on one comment (themes added or removed,
  sentiment set). Corrections are applied on top of the automatic result every time, so they survive any
  re-application, and they refer to themes by key, so they follow renames and merges.
* ``theme_runs`` records, per dataset, which codeframe version and data version the stored themes match.

Every function takes the ``Store`` and a dataset name; ``NotFoundError`` is raised for an unknown dataset.
Deleting a dataset deletes all of this with it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np
import orjson
import pandas as pd
import sqlalchemy as sa

from portal.errors import InputError, NotFoundError
from portal.store.connect import read_transaction, write_transaction
from portal.store.schema import datasets
from portal.text.assign import Spans, assign, clause_spans, compile_codeframe, reason
from portal.text.codeframe import UNCATEGORISED, Codeframe, from_dict
from portal.text.themes import MIN_COMMENTS, default_theme_count, discover

__all__ = [
    "ASSIGNMENT_COLUMNS",
    "SENTIMENT_LABELS",
    "ApplyResult",
    "after_import",
    "apply_codeframe",
    "assignments",
    "clear_correction",
    "codeframe_history",
    "codeframe_version",
    "comments_for_discovery",
    "correct_sentiment",
    "correct_themes",
    "corrections",
    "current_codeframe",
    "current_version",
    "discover_themes",
    "preview",
    "refresh",
    "save_codeframe",
    "themes_per_row",
    "undo",
    "with_corrected_sentiment",
]

Progress = Callable[[float, str], None]
ClauseScorer = Callable[[list[str]], Sequence[float]]

SENTIMENT_LABELS: tuple[str, ...] = ("negative", "neutral", "positive")
#: Polarity given to a comment whose sentiment a person set by label only.
LABEL_POLARITY: dict[str, float] = {"negative": -0.5, "neutral": 0.0, "positive": 0.5}
#: Columns of the frame ``assignments`` returns.
ASSIGNMENT_COLUMNS: tuple[str, ...] = (
    "row_key", "theme_key", "theme", "how", "phrase", "matched", "spans", "clauses", "sentiment", "reason",
)
SOURCES: tuple[str, ...] = ("discovered", "edited", "imported")
_INSERT_CHUNK = 20_000

metadata = sa.MetaData()


def _dataset_fk(name: str) -> sa.ForeignKey:
    """Return a foreign key to ``datasets.id`` that deletes the row with its dataset."""
    return sa.ForeignKey(datasets.c.id, ondelete="CASCADE", name=name)


codeframes = sa.Table(
    "codeframes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset_id", sa.Integer, _dataset_fk("fk_codeframes_dataset"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("undone", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("dataset_id", "version", name="uq_codeframes_dataset_version"),
)

theme_assignments = sa.Table(
    "theme_assignments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset_id", sa.Integer, _dataset_fk("fk_theme_assignments_dataset"), nullable=False),
    sa.Column("row_key", sa.Text, nullable=False),
    sa.Column("theme_key", sa.String(40), nullable=False),
    sa.Column("how", sa.String(10), nullable=False),
    sa.Column("phrase", sa.Text, nullable=False),
    sa.Column("matched", sa.Text, nullable=False),
    sa.Column("spans", sa.Text, nullable=False),
    sa.Column("clauses", sa.Text, nullable=False),
    sa.Column("sentiment", sa.Float, nullable=True),
    sa.Index("ix_theme_assignments_dataset_row", "dataset_id", "row_key"),
)

theme_texts = sa.Table(
    "theme_texts",
    metadata,
    sa.Column("dataset_id", sa.Integer, _dataset_fk("fk_theme_texts_dataset"), primary_key=True),
    sa.Column("row_key", sa.Text, primary_key=True),
    sa.Column("text_hash", sa.String(32), nullable=False),
    sa.Column("clauses", sa.Text, nullable=False),
    sa.Column("polarities", sa.Text, nullable=True),
)

theme_corrections = sa.Table(
    "theme_corrections",
    metadata,
    sa.Column("dataset_id", sa.Integer, _dataset_fk("fk_theme_corrections_dataset"), primary_key=True),
    sa.Column("row_key", sa.Text, primary_key=True),
    sa.Column("added", sa.Text, nullable=False, server_default="[]"),
    sa.Column("removed", sa.Text, nullable=False, server_default="[]"),
    sa.Column("sentiment", sa.Float, nullable=True),
    sa.Column("sentiment_label", sa.String(20), nullable=True),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

theme_runs = sa.Table(
    "theme_runs",
    metadata,
    sa.Column("dataset_id", sa.Integer, _dataset_fk("fk_theme_runs_dataset"), primary_key=True),
    sa.Column("codeframe_version", sa.Integer, nullable=False),
    sa.Column("data_version", sa.Integer, nullable=False),
    sa.Column("applied_at", sa.DateTime, nullable=False),
    sa.Column("comments", sa.Integer, nullable=False),
    sa.Column("with_theme", sa.Integer, nullable=False),
)


@dataclass(frozen=True)
class ApplyResult:
    """What applying a codeframe did: its version, how many comments, how many got a theme, how long it took."""

    dataset: str
    version: int
    themes: int
    comments: int
    with_theme: int
    seconds: float

    @property
    def coverage(self) -> float:
        """Return the share of comments with at least one theme (0..1; 0 without comments)."""
        return self.with_theme / self.comments if self.comments else 0.0

    @property
    def message(self) -> str:
        """Return one plain sentence about the result."""
        if not self.comments:
            return f"Codeframe version {self.version} ({self.themes} themes) is saved; the dataset has no comments yet."
        return (f"Codeframe version {self.version} ({self.themes} themes) applied to {self.comments:,} comments: "
                f"{self.coverage:.0%} have at least one theme, {1 - self.coverage:.0%} are {UNCATEGORISED.lower()}.")


# ----------------------------------------------------------------------------------------------- plumbing


def _now() -> datetime:
    """Return the current UTC time without a time zone (how the store keeps times)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _dataset_id(conn: sa.Connection, name: str) -> int:
    """Return the id of dataset ``name``; raise ``NotFoundError`` when there is none."""
    found = conn.execute(sa.select(datasets.c.id).where(datasets.c.name == name)).scalar()
    if found is None:
        raise NotFoundError(f"No dataset named '{name}'. Run `portal datasets` to see the names of your datasets.")
    return int(found)


def _hash(text: str) -> str:
    """Return a short fingerprint of a comment's text."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def _default_scorer() -> ClauseScorer | None:
    """Return the sentiment scorer for clauses when text analytics provide one (else None)."""
    try:
        from portal.text import sentiment  # noqa: PLC0415
    except ImportError:
        return None
    scorer = getattr(sentiment, "polarity", None)
    return scorer if callable(scorer) else None


def _comments(store: Any, name: str) -> pd.DataFrame:
    """Return ``row_key``, ``comment`` and ``language`` of the dataset's rows that have a comment."""
    frame = store.load(name, columns=["row_key", "comment", "language"])
    comment = frame["comment"]
    has = comment.notna().to_numpy() & (comment.astype(object).fillna("").map(str).str.strip() != "").to_numpy()
    out = frame.loc[has, ["row_key", "comment", "language"]].reset_index(drop=True)
    out["comment"] = out["comment"].astype(object)
    return out


def comments_for_discovery(frame: pd.DataFrame) -> list[str]:
    """Return the comments discovery reads: those in English or of unknown language (themes are in English)."""
    language = frame["language"] if "language" in frame.columns else pd.Series(None, index=frame.index)
    lang = language.astype(object).fillna("").map(str).str.lower()
    keep = (lang == "") | lang.str.startswith("en")
    return [str(t) for t in frame.loc[keep.to_numpy(), "comment"].tolist()]


def _version_rows(conn: sa.Connection, dataset_id: int) -> list[sa.Row]:
    """Return the dataset's codeframe versions, newest first."""
    return conn.execute(
        sa.select(codeframes.c.version, codeframes.c.created_at, codeframes.c.source, codeframes.c.note,
                  codeframes.c.body, codeframes.c.undone)
        .where(codeframes.c.dataset_id == dataset_id).order_by(codeframes.c.version.desc())
    ).all()


def _current(conn: sa.Connection, dataset_id: int) -> tuple[int, Codeframe] | None:
    """Return (version, codeframe) of the current codeframe, or None when the dataset has none."""
    row = conn.execute(
        sa.select(codeframes.c.version, codeframes.c.body)
        .where(codeframes.c.dataset_id == dataset_id, codeframes.c.undone.is_(False))
        .order_by(codeframes.c.version.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return int(row.version), from_dict(orjson.loads(row.body))


# ----------------------------------------------------------------------------------------------- codeframes


def current_codeframe(store: Any, name: str) -> Codeframe | None:
    """Return the dataset's current codeframe, or None when it has none yet."""
    with read_transaction(store.engine) as conn:
        found = _current(conn, _dataset_id(conn, name))
    return found[1] if found else None


def current_version(store: Any, name: str) -> int | None:
    """Return the number of the dataset's current codeframe version (None when it has none)."""
    with read_transaction(store.engine) as conn:
        found = _current(conn, _dataset_id(conn, name))
    return found[0] if found else None


def codeframe_history(store: Any, name: str) -> pd.DataFrame:
    """Return every codeframe version of the dataset, newest first.

    Columns: ``version``, ``created_at``, ``source`` (discovered, edited, imported), ``note`` (what changed),
    ``themes`` (how many) and ``status`` (current, earlier, undone).
    """
    with read_transaction(store.engine) as conn:
        rows = _version_rows(conn, _dataset_id(conn, name))
    current = next((r.version for r in rows if not r.undone), None)
    return pd.DataFrame({
        "version": pd.Series([int(r.version) for r in rows], dtype="int64"),
        "created_at": pd.Series([r.created_at for r in rows], dtype="datetime64[ns]"),
        "source": pd.Series([r.source for r in rows], dtype=object),
        "note": pd.Series([r.note for r in rows], dtype=object),
        "themes": pd.Series([len(orjson.loads(r.body).get("themes", [])) for r in rows], dtype="int64"),
        "status": pd.Series(["undone" if r.undone else "current" if r.version == current else "earlier"
                             for r in rows], dtype=object),
    })


def codeframe_version(store: Any, name: str, version: int) -> Codeframe:
    """Return one stored version of the dataset's codeframe; raise ``NotFoundError`` when there is no such version."""
    with read_transaction(store.engine) as conn:
        dataset_id = _dataset_id(conn, name)
        body = conn.execute(sa.select(codeframes.c.body).where(
            codeframes.c.dataset_id == dataset_id, codeframes.c.version == int(version))).scalar()
    if body is None:
        raise NotFoundError(f"The dataset '{name}' has no codeframe version {version}.")
    return from_dict(orjson.loads(body))


def save_codeframe(
    store: Any,
    name: str,
    codeframe: Codeframe,
    *,
    note: str = "",
    source: str = "edited",
    progress: Progress | None = None,
    scorer: ClauseScorer | None = None,
    clauses: pd.DataFrame | None = None,
) -> ApplyResult:
    """Store ``codeframe`` as the dataset's new current version and re-apply it to every stored comment.

    ``note`` says what changed ("renamed 'app' to 'mobile app'"); ``source`` is discovered, edited or
    imported; ``scorer`` and ``clauses`` are passed to ``apply_codeframe``. Raises ``InputError`` for an empty codeframe or unknown source.
    """
    if source not in SOURCES:
        raise InputError(f"'{source}' is not a codeframe source; use one of {', '.join(SOURCES)}.")
    if not codeframe.themes:
        raise InputError("The codeframe has no themes. Keep at least one theme, or add one by hand.")
    body = orjson.dumps(codeframe.to_dict()).decode()
    with write_transaction(store.engine) as conn:
        dataset_id = _dataset_id(conn, name)
        top = conn.execute(sa.select(sa.func.max(codeframes.c.version))
                           .where(codeframes.c.dataset_id == dataset_id)).scalar()
        version = int(top or 0) + 1
        conn.execute(sa.insert(codeframes).values(dataset_id=dataset_id, version=version, created_at=_now(),
                                                  source=source, note=note[:2000], body=body, undone=False))
    return apply_codeframe(store, name, progress=progress, scorer=scorer, clauses=clauses)


def undo(store: Any, name: str, *, progress: Progress | None = None, scorer: ClauseScorer | None = None) -> ApplyResult:
    """Undo the last codeframe change: the previous version becomes current again and is re-applied.

    Raises ``InputError`` when there is no earlier version to go back to.
    """
    with write_transaction(store.engine) as conn:
        dataset_id = _dataset_id(conn, name)
        live = [r for r in _version_rows(conn, dataset_id) if not r.undone]
        if len(live) < 2:
            raise InputError("There is no earlier version of the codeframe to go back to.")
        conn.execute(sa.update(codeframes).where(codeframes.c.dataset_id == dataset_id,
                                                 codeframes.c.version == live[0].version).values(undone=True))
    return apply_codeframe(store, name, progress=progress, scorer=scorer)


def discover_themes(
    store: Any,
    name: str,
    *,
    n_themes: int | None = None,
    progress: Progress | None = None,
    scorer: ClauseScorer | None = None,
    clauses: pd.DataFrame | None = None,
) -> ApplyResult:
    """Run discovery on the dataset's comments, store the result as a new codeframe version and apply it.

    Raises ``InputError`` when the dataset has fewer than ``MIN_COMMENTS`` English comments.
    """
    frame = _comments(store, name)
    texts = comments_for_discovery(frame)
    codeframe = discover(texts, n_themes=n_themes, progress=_part(progress, 0.0, 0.6))
    k = len(codeframe.themes)
    note = f"found {k} themes in {len(texts):,} comments"
    return save_codeframe(store, name, codeframe, note=note, source="discovered",
                          progress=_part(progress, 0.6, 1.0), scorer=scorer, clauses=clauses)


def _part(progress: Progress | None, low: float, high: float) -> Progress | None:
    """Return a progress callback for one stretch (``low``..``high``) of the caller's bar."""
    if progress is None:
        return None
    return lambda f, m: progress(low + (high - low) * max(0.0, min(1.0, f)), m)


# ----------------------------------------------------------------------------------------------- applying


@dataclass(frozen=True)
class _Cached:
    """What ``theme_texts`` remembers of one comment."""

    text_hash: str
    clauses: str
    polarities: str | None


def _cached_texts(conn: sa.Connection, dataset_id: int) -> dict[str, _Cached]:
    """Return row_key -> cached fingerprint, clause spans and clause polarities of the comments already split."""
    rows = conn.execute(sa.select(theme_texts.c.row_key, theme_texts.c.text_hash, theme_texts.c.clauses,
                                  theme_texts.c.polarities).where(theme_texts.c.dataset_id == dataset_id))
    return {r[0]: _Cached(r[1], r[2], r[3]) for r in rows}


def _dump(values: Any) -> str:
    """Return spans or polarities as compact JSON (NaN written as null)."""
    return orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY).decode()


def _load_spans(text: str) -> Spans:
    """Return clause spans stored by ``_dump``."""
    return tuple((int(a), int(b)) for a, b in orjson.loads(text))


def _load_polarities(text: str | None) -> list[float] | None:
    """Return clause polarities stored by ``_dump`` (None when none were stored; null read as NaN)."""
    if text is None:
        return None
    return [float("nan") if v is None else float(v) for v in orjson.loads(text)]


@dataclass
class _Prepared:
    """Each comment's clause spans, fingerprint and clause polarities, and which cache rows must be rewritten."""

    spans: list[Spans]
    hashes: list[str]
    polarities: list[list[float] | None]
    rewrite: np.ndarray
    changed: np.ndarray


def _score(texts: list[str], scorer: ClauseScorer | None) -> list[float] | None:
    """Return the scorer's polarities of ``texts``, or None when there is no working scorer."""
    if scorer is None:
        return None
    if not texts:
        return []
    try:
        values = np.asarray(list(scorer(texts)), dtype=float)
    except Exception:  # noqa: BLE001 - a broken optional sentiment model must not stop theme coding
        return None
    return [round(v, 4) for v in values.tolist()] if len(values) == len(texts) else None


def _english(frame: pd.DataFrame) -> np.ndarray:
    """Return which comments are English or of unknown language (the others are not scored by words)."""
    if "language" not in frame.columns:
        return np.ones(len(frame), dtype=bool)
    lang = frame["language"].astype(object).fillna("").map(str).str.lower()
    return ((lang == "") | lang.str.startswith("en")).to_numpy()


def _prepare_texts(frame: pd.DataFrame, cache: dict[str, _Cached], scorer: ClauseScorer | None,
                   progress: Progress | None, given: pd.DataFrame | None = None) -> _Prepared:
    """Return clause spans (split only for new or changed comments) and clause polarities (scored once).

    ``given`` (``portal.text.enrich`` clause rows: row_key, start, end, sentiment) supplies clauses already
    split and scored at import. Comments not in English get no clause polarity (their themes then use the
    comment's own sentiment, which comes from the star rating).
    """
    texts = frame["comment"].tolist()
    keys = frame["row_key"].tolist()
    hashes = [_hash(t) for t in texts]
    spans: list[Spans | None] = []
    polarities: list[list[float] | None] = []
    changed = np.zeros(len(texts), dtype=bool)
    for i, (key, digest) in enumerate(zip(keys, hashes, strict=True)):
        cached = cache.get(key)
        if cached is not None and cached.text_hash == digest:
            spans.append(_load_spans(cached.clauses))
            polarities.append(_load_polarities(cached.polarities))
        else:
            spans.append(None)
            polarities.append(None)
            changed[i] = True
    todo = np.flatnonzero(changed)
    if len(todo) and given is not None and not given.empty:
        supplied = _given_clauses(given)
        for i in todo.tolist():
            found = supplied.get(keys[i])
            if found is not None and (not found[0] or found[0][-1][1] <= len(texts[i])):
                spans[i], polarities[i] = found
        todo = np.array([i for i in todo.tolist() if spans[i] is None], dtype=np.int64)
    if len(todo):
        computed = clause_spans([texts[i] for i in todo], progress=_part(progress, 0.0, 0.8))
        for i, value in zip(todo.tolist(), computed, strict=True):
            spans[i] = value
    rewrite = changed.copy()
    english = _english(frame)
    for i in np.flatnonzero(~english & np.array([p is None for p in polarities], dtype=bool)).tolist():
        polarities[i] = [float("nan")] * len(spans[i] or ())
        rewrite[i] = True
    unscored = [i for i, p in enumerate(polarities) if p is None]
    if unscored and scorer is not None:
        if progress:
            progress(0.85, f"Scoring the sentiment of the clauses of {len(unscored):,} comments")
        pieces = [texts[i][a:b] for i in unscored for a, b in spans[i] or ()]
        scores = _score(pieces, scorer)
        if scores is not None:
            at = 0
            for i in unscored:
                width = len(spans[i] or ())
                polarities[i] = scores[at:at + width]
                at += width
                rewrite[i] = True
    return _Prepared(spans=[s if s is not None else () for s in spans], hashes=hashes, polarities=polarities,
                     rewrite=rewrite, changed=changed)


def _given_clauses(given: pd.DataFrame) -> dict[str, tuple[Spans, list[float]]]:
    """Return row_key -> (clause spans, clause polarities) from enrichment's clause rows."""
    ordered = given.sort_values(["row_key", "start"], kind="stable")
    out: dict[str, tuple[list[tuple[int, int]], list[float]]] = {}
    sentiment = (pd.to_numeric(ordered["sentiment"], errors="coerce").to_numpy(dtype=float)
                 if "sentiment" in ordered.columns else np.full(len(ordered), np.nan))
    for key, start, end, value in zip(ordered["row_key"].tolist(), ordered["start"].tolist(),
                                      ordered["end"].tolist(), sentiment.tolist(), strict=True):
        entry = out.setdefault(key, ([], []))
        entry[0].append((int(start), int(end)))
        entry[1].append(float(value))
    return {k: (tuple(v[0]), v[1]) for k, v in out.items()}


def _theme_sentiment(rows: np.ndarray, clauses: Sequence[str], polarities: list[list[float] | None]) -> list[Any]:
    """Return per match the mean polarity of the clauses that mention the theme (None when not scored)."""
    sizes = np.fromiter((len(p) if p else 0 for p in polarities), dtype=np.int64, count=len(polarities))
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    flat = np.fromiter((v for p in polarities if p for v in p), dtype=float, count=int(sizes.sum()))
    texts = list(clauses)
    single = np.fromiter(("," not in t and t != "" for t in texts), dtype=bool, count=len(texts))
    number = np.zeros(len(texts), dtype=np.int64)
    number[single] = np.fromiter((int(t) for t, ok in zip(texts, single.tolist(), strict=True) if ok),
                                 dtype=np.int64, count=int(single.sum()))
    values = np.full(len(texts), np.nan)
    ok = single & (number < sizes[rows])
    values[ok] = flat[offsets[rows[ok]] + number[ok]]
    for i in np.flatnonzero(~single).tolist():
        row = int(rows[i])
        picked = [polarities[row][int(c)] for c in texts[i].split(",")
                  if c != "" and polarities[row] and int(c) < len(polarities[row])]
        picked = [v for v in picked if np.isfinite(v)]
        values[i] = sum(picked) / len(picked) if picked else np.nan
    return [None if not np.isfinite(v) else float(v) for v in values.tolist()]


def _fetch(conn: sa.Connection, stmt: sa.Select) -> list[tuple[Any, ...]]:
    """Return the rows of ``stmt`` as plain tuples (on SQLite straight from the driver, which is much faster)."""
    if conn.dialect.name != "sqlite":
        return [tuple(r) for r in conn.execute(stmt)]
    compiled = stmt.compile(dialect=conn.dialect)
    params = compiled.construct_params()
    values = [params[name] for name in (compiled.positiontup or [])]
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        return cursor.execute(str(compiled), values).fetchall()
    finally:
        cursor.close()


def _insert(conn: sa.Connection, table: sa.Table, columns: dict[str, list[Any]]) -> None:
    """Insert rows given column by column (equal lengths), fast on SQLite (values go straight to the driver)."""
    names = list(columns)
    count = len(columns[names[0]]) if names else 0
    if not count:
        return
    if conn.dialect.name == "sqlite":
        stmt = sa.insert(table).values({n: sa.bindparam(f"p_{n}") for n in names}).compile(dialect=conn.dialect)
        order = [name[2:] for name in (stmt.positiontup or [])]
        rows = list(zip(*(columns[n] for n in order), strict=True))
        for i in range(0, count, _INSERT_CHUNK):
            conn.exec_driver_sql(str(stmt), rows[i:i + _INSERT_CHUNK])
        return
    for i in range(0, count, _INSERT_CHUNK):
        conn.execute(sa.insert(table), [dict(zip(names, row, strict=True)) for row in
                                        zip(*(columns[n][i:i + _INSERT_CHUNK] for n in names), strict=True)])


def _delete_keys(conn: sa.Connection, table: sa.Table, dataset_id: int, keys: Sequence[str]) -> None:
    """Delete the rows of ``table`` for the given row keys of a dataset."""
    keys = list(keys)
    for i in range(0, len(keys), 900):
        conn.execute(sa.delete(table).where(table.c.dataset_id == dataset_id,
                                            table.c.row_key.in_(keys[i:i + 900])))


def apply_codeframe(
    store: Any,
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
    ``scorer`` gives clause polarities (default: ``portal.text.sentiment.polarity`` when installed); each
    clause is scored once and remembered. ``clauses`` (``portal.text.enrich.enrich_with_clauses`` rows) saves
    splitting and scoring comments that enrichment already did. Raises ``InputError`` when the dataset has no
    codeframe yet.
    """
    started = time.perf_counter()
    scorer = scorer if scorer is not None else _default_scorer()
    with read_transaction(store.engine) as conn:
        dataset_id = _dataset_id(conn, name)
        found = _current(conn, dataset_id)
        cache = _cached_texts(conn, dataset_id)
        run = conn.execute(sa.select(theme_runs.c.codeframe_version).where(
            theme_runs.c.dataset_id == dataset_id)).scalar()
    if found is None:
        raise InputError(f"The dataset '{name}' has no codeframe yet. Run `portal discover --dataset {name}`, or "
                         "import a codeframe.")
    version, codeframe = found
    data_version = store.data_version(name)
    frame = _comments(store, name)
    if progress:
        progress(0.02, f"Preparing {len(frame):,} comments")
    prepared = _prepare_texts(frame, cache, scorer, _part(progress, 0.02, 0.6), clauses)
    keys = frame["row_key"].tolist()
    texts = frame["comment"].tolist()
    incremental = only_changed and run == version
    todo = np.flatnonzero(prepared.changed) if incremental else np.arange(len(frame))
    matches = assign([texts[i] for i in todo], compile_codeframe(codeframe),
                     clauses=[prepared.spans[i] for i in todo], progress=_part(progress, 0.6, 0.8))
    rows = todo[matches["row"].to_numpy()]
    sub_keys = [keys[i] for i in todo]
    assigned = {
        "dataset_id": [dataset_id] * len(matches),
        "row_key": [keys[i] for i in rows.tolist()],
        "theme_key": matches["theme_key"].tolist(),
        "how": matches["how"].tolist(),
        "phrase": matches["phrase"].tolist(),
        "matched": matches["matched"].tolist(),
        "spans": matches["spans"].tolist(),
        "clauses": matches["clauses"].tolist(),
        "sentiment": _theme_sentiment(rows, matches["clauses"].tolist(), prepared.polarities),
    }
    rewrite = np.flatnonzero(prepared.rewrite).tolist()
    replace_all = len(rewrite) > len(keys) // 2
    if replace_all:
        rewrite = list(range(len(keys)))
    cached_rows = {
        "dataset_id": [dataset_id] * len(rewrite),
        "row_key": [keys[i] for i in rewrite],
        "text_hash": [prepared.hashes[i] for i in rewrite],
        "clauses": [_dump(prepared.spans[i]) for i in rewrite],
        "polarities": [None if prepared.polarities[i] is None else _dump(prepared.polarities[i])
                       for i in rewrite],
    }
    gone = sorted(set(cache) - set(keys))
    if progress:
        progress(0.85, f"Saving the themes of {len(todo):,} comments")
    with write_transaction(store.engine) as conn:
        if incremental:
            _delete_keys(conn, theme_assignments, dataset_id, [*sub_keys, *gone])
        else:
            conn.execute(sa.delete(theme_assignments).where(theme_assignments.c.dataset_id == dataset_id))
        if replace_all:
            conn.execute(sa.delete(theme_texts).where(theme_texts.c.dataset_id == dataset_id))
        else:
            _delete_keys(conn, theme_texts, dataset_id, [*cached_rows["row_key"], *gone])
        _insert(conn, theme_texts, cached_rows)
        _insert(conn, theme_assignments, assigned)
        with_theme = conn.execute(
            sa.select(sa.func.count(sa.distinct(theme_assignments.c.row_key)))
            .where(theme_assignments.c.dataset_id == dataset_id)).scalar() or 0
        conn.execute(sa.delete(theme_runs).where(theme_runs.c.dataset_id == dataset_id))
        conn.execute(sa.insert(theme_runs).values(dataset_id=dataset_id, codeframe_version=version,
                                                  data_version=data_version, applied_at=_now(),
                                                  comments=len(frame), with_theme=int(with_theme)))
    if progress:
        progress(1.0, "Themes saved")
    return ApplyResult(dataset=name, version=version, themes=len(codeframe.themes), comments=len(frame),
                       with_theme=int(with_theme), seconds=time.perf_counter() - started)


def refresh(store: Any, name: str, *, progress: Progress | None = None,
            clauses: pd.DataFrame | None = None) -> ApplyResult | None:
    """Bring the stored themes up to date with the dataset's rows (after an import or a revert).

    Does nothing (and returns None) when the dataset has no codeframe or nothing changed since the last run.
    """
    with read_transaction(store.engine) as conn:
        dataset_id = _dataset_id(conn, name)
        found = _current(conn, dataset_id)
        run = conn.execute(sa.select(theme_runs.c.codeframe_version, theme_runs.c.data_version)
                           .where(theme_runs.c.dataset_id == dataset_id)).first()
    if found is None:
        return None
    if run is not None and run.codeframe_version == found[0] and run.data_version == store.data_version(name):
        return None
    return apply_codeframe(store, name, only_changed=True, progress=progress, clauses=clauses)


def after_import(store: Any, name: str, *, progress: Progress | None = None,
                 clauses: pd.DataFrame | None = None) -> str | None:
    """Keep themes current after an import; return a sentence for the person (None when nothing to say).

    The first import of a dataset with enough comments runs discovery and applies the new codeframe; a
    later import codes the new and changed comments with the current codeframe. With fewer than
    ``MIN_COMMENTS`` comments discovery is skipped with a message; the import itself is never undone.
    ``clauses`` (``portal.text.enrich.enrich_with_clauses`` rows of the imported comments) spares splitting
    and scoring them again.
    """
    if current_codeframe(store, name) is None:
        frame = _comments(store, name)
        if frame.empty:
            return None
        texts = comments_for_discovery(frame)
        if len(texts) < MIN_COMMENTS:
            return (f"Themes were not looked for: the dataset has {len(texts):,} comments in English and themes are "
                    f"found from {MIN_COMMENTS} on. Import more comments, or add themes by hand on the Themes page.")
        if progress:
            progress(0.0, f"Looking for themes in {len(texts):,} comments")
        try:
            result = discover_themes(store, name, n_themes=default_theme_count(len(texts)), progress=progress,
                                     clauses=clauses)
        except InputError as err:
            return f"Themes were not looked for: {err}"
        return f"Found {result.themes} themes. " + result.message
    result = refresh(store, name, progress=progress, clauses=clauses)
    if result is None:
        return None
    return f"New comments were coded with codeframe version {result.version}: {result.coverage:.0%} of all comments " \
           f"have at least one theme."


def preview(store: Any, name: str, codeframe: Codeframe) -> pd.DataFrame:
    """Return how many comments each theme would have under ``codeframe`` compared with now (nothing is saved).

    Columns: ``theme``, ``before``, ``after``, ``change``; the last row is ``Uncategorised``. Themes are
    matched by key, so a renamed theme shows its new name. Hand corrections are not included.
    """
    with read_transaction(store.engine) as conn:
        dataset_id = _dataset_id(conn, name)
        cache = _cached_texts(conn, dataset_id)
        found = _current(conn, dataset_id)
        stored = conn.execute(sa.select(theme_assignments.c.row_key, theme_assignments.c.theme_key)
                              .where(theme_assignments.c.dataset_id == dataset_id)).all()
    frame = _comments(store, name)
    prepared = _prepare_texts(frame, cache, None, None)
    matches = assign(frame["comment"].tolist(), codeframe, clauses=prepared.spans)
    before_counts = pd.Series([k for _, k in stored], dtype=object).value_counts()
    after_counts = matches["theme_key"].value_counts()
    old = found[1] if found else Codeframe()
    names: dict[str, str] = {t.key: t.name for t in old.themes}
    names.update({t.key: t.name for t in codeframe.themes})
    order = [t.key for t in codeframe.themes] + [t.key for t in old.themes if t.key not in
                                                 {x.key for x in codeframe.themes}]
    rows = []
    for key in order:
        before = int(before_counts.get(key, 0))
        after = int(after_counts.get(key, 0))
        rows.append((names[key], before, after, after - before))
    n = len(frame)
    before_none = n - len({k for k, _ in stored} & set(frame["row_key"]))
    after_none = n - matches["row"].nunique()
    rows.append((UNCATEGORISED, before_none, after_none, after_none - before_none))
    return pd.DataFrame(rows, columns=["theme", "before", "after", "change"]).astype(
        {"theme": object, "before": "int64", "after": "int64", "change": "int64"})


# ----------------------------------------------------------------------------------------------- reading


def _corrections_frame(conn: sa.Connection, dataset_id: int) -> pd.DataFrame:
    """Return the stored corrections of a dataset."""
    rows = conn.execute(sa.select(theme_corrections).where(theme_corrections.c.dataset_id == dataset_id)).all()
    return pd.DataFrame({
        "row_key": pd.Series([r.row_key for r in rows], dtype=object),
        "added": pd.Series([tuple(orjson.loads(r.added)) for r in rows], dtype=object),
        "removed": pd.Series([tuple(orjson.loads(r.removed)) for r in rows], dtype=object),
        "sentiment": pd.Series([r.sentiment for r in rows], dtype="float64"),
        "sentiment_label": pd.Series([r.sentiment_label for r in rows], dtype=object),
        "updated_at": pd.Series([r.updated_at for r in rows], dtype="datetime64[ns]"),
    })


def assignments(store: Any, name: str, *, corrected: bool = True) -> pd.DataFrame:
    """Return each comment's themes under the current codeframe, hand corrections applied (``corrected``).

    One row per (comment, theme); comments without a theme have no row. Columns: ``ASSIGNMENT_COLUMNS``
    (``how`` is phrase, near or manual; ``reason`` is the sentence to show). Empty when the dataset has no
    codeframe.
    """
    with read_transaction(store.engine) as conn:
        dataset_id = _dataset_id(conn, name)
        found = _current(conn, dataset_id)
        stored = _fetch(conn, sa.select(
            theme_assignments.c.row_key, theme_assignments.c.theme_key, theme_assignments.c.how,
            theme_assignments.c.phrase, theme_assignments.c.matched, theme_assignments.c.spans,
            theme_assignments.c.clauses, theme_assignments.c.sentiment,
        ).where(theme_assignments.c.dataset_id == dataset_id).order_by(theme_assignments.c.id))
        fixes = _corrections_frame(conn, dataset_id) if corrected else None
    names = ["row_key", "theme_key", "how", "phrase", "matched", "spans", "clauses", "sentiment"]
    columns: dict[str, list[Any]] = dict(zip(names, (list(c) for c in zip(*stored, strict=True)), strict=True)) \
        if stored else {n: [] for n in names}
    codeframe = found[1] if found is not None else Codeframe()
    by_key = codeframe.by_key()
    # Keys of merged themes point to the theme they went into; keys of deleted themes are dropped.
    mapped = [by_key[k].key if k in by_key else None for k in columns["theme_key"]]
    keep = [i for i, k in enumerate(mapped) if k is not None]
    if len(keep) < len(mapped):
        columns = {n: [v[i] for i in keep] for n, v in columns.items()}
        mapped = [mapped[i] for i in keep]
    columns["theme_key"] = mapped
    if fixes is not None and not fixes.empty:
        columns = _apply_theme_fixes(columns, fixes, by_key)
    return _finish(columns, codeframe)


def _apply_theme_fixes(columns: dict[str, list[Any]], fixes: pd.DataFrame,
                       by_key: dict[str, Any]) -> dict[str, list[Any]]:
    """Return the assignment columns with the corrections' removed themes dropped and added themes put in.

    A comment whose sentiment a person set loses its clause sentiment, so all its themes use the set one.
    """
    drop: set[tuple[str, str]] = set()
    add: list[tuple[str, str]] = []
    for row_key, added, removed in zip(fixes["row_key"], fixes["added"], fixes["removed"], strict=True):
        for key in removed:
            if key in by_key:
                drop.add((row_key, by_key[key].key))
        for key in added:
            if key in by_key:
                add.append((row_key, by_key[key].key))
    pairs = list(zip(columns["row_key"], columns["theme_key"], strict=True))
    if drop:
        keep = [i for i, p in enumerate(pairs) if p not in drop]
        columns = {n: [v[i] for i in keep] for n, v in columns.items()}
        pairs = [pairs[i] for i in keep]
    present = set(pairs)
    for row_key, theme_key in dict.fromkeys(add):
        if (row_key, theme_key) in present:
            continue
        for name, value in (("row_key", row_key), ("theme_key", theme_key), ("how", "manual"), ("phrase", ""),
                            ("matched", ""), ("spans", ""), ("clauses", ""), ("sentiment", None)):
            columns[name].append(value)
    fixed = set(fixes.loc[fixes["sentiment_label"].notna(), "row_key"])
    if fixed:
        columns["sentiment"] = [None if k in fixed else v for k, v in zip(columns["row_key"], columns["sentiment"],
                                                                          strict=True)]
    return columns


def _finish(columns: dict[str, list[Any]], codeframe: Codeframe) -> pd.DataFrame:
    """Return the assignment frame (object columns, float sentiment) with theme names and reasons."""
    names = {t.key: t.name for t in codeframe.themes}
    out = {name: pd.Series(columns[name], dtype=object) for name in
           ("row_key", "theme_key", "how", "phrase", "matched", "spans", "clauses")}
    out["theme"] = pd.Series([names[k] for k in columns["theme_key"]], dtype=object)
    out["sentiment"] = pd.Series([np.nan if v is None else v for v in columns["sentiment"]], dtype="float64")
    out["reason"] = pd.Series([reason(h, p, m) for h, p, m in zip(columns["how"], columns["phrase"],
                                                                  columns["matched"], strict=True)], dtype=object)
    return pd.DataFrame({name: out[name] for name in ASSIGNMENT_COLUMNS})


def themes_per_row(store: Any, name: str) -> pd.Series:
    """Return row_key -> theme names joined by "; " (codeframe order), for comments with at least one theme.

    Hand corrections are applied. Empty when the dataset has no codeframe; the export fills the other rows
    with "".
    """
    with read_transaction(store.engine) as conn:
        dataset_id = _dataset_id(conn, name)
        found = _current(conn, dataset_id)
        stored = _fetch(conn, sa.select(theme_assignments.c.row_key, theme_assignments.c.theme_key)
                        .where(theme_assignments.c.dataset_id == dataset_id))
        fixes = _corrections_frame(conn, dataset_id)
    if found is None:
        return pd.Series(dtype=object, name="themes")
    codeframe = found[1]
    by_key = codeframe.by_key()
    position = {t.key: i for i, t in enumerate(codeframe.themes)}
    index = {key: position[theme.key] for key, theme in by_key.items()}
    per_row: dict[str, set[int]] = {}
    for row_key, theme_key in stored:
        i = index.get(theme_key)
        if i is not None:
            per_row.setdefault(row_key, set()).add(i)
    for row_key, added, removed in zip(fixes["row_key"], fixes["added"], fixes["removed"], strict=True):
        chosen = per_row.setdefault(row_key, set())
        chosen -= {index[k] for k in removed if k in index}
        chosen |= {index[k] for k in added if k in index}
    names = codeframe.names
    joined = {key: "; ".join(names[i] for i in sorted(chosen)) for key, chosen in per_row.items() if chosen}
    return pd.Series(joined, dtype=object, name="themes")


# ----------------------------------------------------------------------------------------------- corrections


def _check_row(store: Any, name: str, row_key: str) -> None:
    """Raise ``NotFoundError`` when the dataset has no row ``row_key``."""
    if row_key not in store.row_keys(name):
        raise NotFoundError(f"The dataset '{name}' has no response with the key '{row_key}'.")


def _existing_fix(conn: sa.Connection, dataset_id: int, row_key: str) -> sa.Row | None:
    """Return the stored correction of one row, or None."""
    return conn.execute(sa.select(theme_corrections).where(theme_corrections.c.dataset_id == dataset_id,
                                                           theme_corrections.c.row_key == row_key)).first()


def _write_fix(conn: sa.Connection, dataset_id: int, row_key: str, values: dict[str, Any]) -> None:
    """Insert or replace the correction of one row (deleted when it no longer changes anything)."""
    conn.execute(sa.delete(theme_corrections).where(theme_corrections.c.dataset_id == dataset_id,
                                                    theme_corrections.c.row_key == row_key))
    empty = (values["added"] == "[]" and values["removed"] == "[]" and values["sentiment"] is None
             and values["sentiment_label"] is None)
    if not empty:
        conn.execute(sa.insert(theme_corrections).values(dataset_id=dataset_id, row_key=row_key,
                                                         updated_at=_now(), **values))


def correct_themes(store: Any, name: str, row_key: str, themes: Sequence[str]) -> list[str]:
    """Set one comment's themes by hand to exactly ``themes`` (names); return them in codeframe order.

    The correction is stored as the difference from the automatic result, so it survives every later
    re-application (a theme added to the codeframe later can still reach the comment). Raises
    ``InputError`` for an unknown theme or a dataset without codeframe, ``NotFoundError`` for an unknown row.
    """
    _check_row(store, name, row_key)
    codeframe = current_codeframe(store, name)
    if codeframe is None:
        raise InputError(f"The dataset '{name}' has no codeframe yet, so there are no themes to choose from.")
    wanted = {codeframe.theme(t).key for t in themes}
    automatic = assignments(store, name, corrected=False)
    auto = set(automatic.loc[automatic["row_key"] == row_key, "theme_key"])
    with write_transaction(store.engine) as conn:
        dataset_id = _dataset_id(conn, name)
        old = _existing_fix(conn, dataset_id, row_key)
        _write_fix(conn, dataset_id, row_key, {
            "added": orjson.dumps(sorted(wanted - auto)).decode(),
            "removed": orjson.dumps(sorted(auto - wanted)).decode(),
            "sentiment": old.sentiment if old is not None else None,
            "sentiment_label": old.sentiment_label if old is not None else None,
        })
    return [t.name for t in codeframe.themes if t.key in wanted]


def correct_sentiment(store: Any, name: str, row_key: str, label: str | None,
                      polarity: float | None = None) -> None:
    """Set one comment's sentiment by hand (``label`` negative, neutral or positive; None removes the correction).

    ``polarity`` defaults to -0.5, 0 or 0.5 for the label. Raises ``InputError`` for an unknown label or a
    polarity outside -1..1, ``NotFoundError`` for an unknown row.
    """
    if label is not None and label not in SENTIMENT_LABELS:
        raise InputError(f"'{label}' is not a sentiment. Choose negative, neutral or positive.")
    if polarity is not None and not (-1.0 <= float(polarity) <= 1.0):
        raise InputError("A sentiment score runs from -1 (most negative) to 1 (most positive).")
    _check_row(store, name, row_key)
    value = None if label is None else float(polarity) if polarity is not None else LABEL_POLARITY[label]
    with write_transaction(store.engine) as conn:
        dataset_id = _dataset_id(conn, name)
        old = _existing_fix(conn, dataset_id, row_key)
        _write_fix(conn, dataset_id, row_key, {
            "added": old.added if old is not None else "[]",
            "removed": old.removed if old is not None else "[]",
            "sentiment": value,
            "sentiment_label": label,
        })


def clear_correction(store: Any, name: str, row_key: str) -> bool:
    """Remove every hand correction of one comment; return whether there was one."""
    with write_transaction(store.engine) as conn:
        dataset_id = _dataset_id(conn, name)
        gone = conn.execute(sa.delete(theme_corrections).where(theme_corrections.c.dataset_id == dataset_id,
                                                                theme_corrections.c.row_key == row_key)).rowcount
    return bool(gone)


def corrections(store: Any, name: str) -> pd.DataFrame:
    """Return the dataset's hand corrections, one row per comment.

    Columns: ``row_key``, ``added`` and ``removed`` (theme names under the current codeframe, as tuples),
    ``sentiment``, ``sentiment_label``, ``updated_at``.
    """
    with read_transaction(store.engine) as conn:
        dataset_id = _dataset_id(conn, name)
        fixes = _corrections_frame(conn, dataset_id)
        found = _current(conn, dataset_id)
    by_key = found[1].by_key() if found else {}
    for column in ("added", "removed"):
        fixes[column] = pd.Series([tuple(by_key[k].name for k in keys if k in by_key) for keys in fixes[column]],
                                  dtype=object, index=fixes.index)
    return fixes


def with_corrected_sentiment(store: Any, name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` (a loaded canonical frame) with hand-set sentiment put in place of the computed one."""
    with read_transaction(store.engine) as conn:
        fixes = _corrections_frame(conn, _dataset_id(conn, name))
    fixes = fixes[fixes["sentiment_label"].notna()]
    if fixes.empty or "row_key" not in frame.columns:
        return frame
    out = frame.copy()
    keyed = out["row_key"]
    label = keyed.map(dict(zip(fixes["row_key"], fixes["sentiment_label"], strict=True)))
    value = keyed.map(dict(zip(fixes["row_key"], fixes["sentiment"], strict=True)))
    hit = label.notna().to_numpy()
    if "sentiment_label" in out.columns:
        labels = out["sentiment_label"].astype(object).to_numpy(copy=True)
        labels[hit] = label.to_numpy(dtype=object)[hit]
        out["sentiment_label"] = pd.Series(labels, index=out.index, dtype=object)
    if "sentiment" in out.columns:
        values = out["sentiment"].to_numpy(dtype=float, copy=True)
        values[hit] = value.to_numpy(dtype=float)[hit]
        out["sentiment"] = values
    return out
