"""The theme tables' SQL: codeframe versions, cached clause texts, assignments, hand corrections, run state.

The tables are described in ``portal.store.schema`` (migration ``0003_themes``). Every function takes the
``Store``; those taking a dataset name raise ``NotFoundError`` for an unknown dataset. Codeframe bodies go
in and come out as plain dicts (JSON in the table); what they mean is the business of ``portal.text``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
import pandas as pd
import sqlalchemy as sa

from portal.store.base import _now
from portal.store.connect import read_transaction, write_transaction
from portal.store.schema import codeframes, theme_assignments, theme_corrections, theme_runs, theme_texts

if TYPE_CHECKING:
    from datetime import datetime

    from portal.store.store import Store

#: Columns of ``theme_assignments`` that ``ThemeSnapshot.assignments`` holds, in order.
ASSIGNMENT_FIELDS: tuple[str, ...] = ("row_key", "theme_key", "how", "phrase", "matched", "spans", "clauses",
                                      "sentiment")
#: Longest note kept with a codeframe version.
NOTE_LENGTH = 2000
_INSERT_CHUNK = 20_000
_DELETE_CHUNK = 900


@dataclass(frozen=True)
class StoredCodeframe:
    """One stored codeframe version: its number and its body (the dict ``Codeframe.to_dict`` gives)."""

    version: int
    body: dict[str, Any]


@dataclass(frozen=True)
class CodeframeVersion:
    """One row of a dataset's codeframe history."""

    version: int
    created_at: datetime
    source: str
    note: str
    body: dict[str, Any]
    undone: bool


@dataclass(frozen=True)
class CachedText:
    """What ``theme_texts`` remembers of one comment (spans and polarities as JSON text)."""

    text_hash: str
    clauses: str
    polarities: str | None


@dataclass(frozen=True)
class ThemeRun:
    """Which codeframe version and data version the stored themes of a dataset match."""

    codeframe_version: int
    data_version: int


@dataclass(frozen=True)
class ThemeSnapshot:
    """What ``read_themes`` read of one dataset in one transaction (parts not asked for stay empty)."""

    dataset_id: int
    codeframe: StoredCodeframe | None = None
    run: ThemeRun | None = None
    texts: dict[str, CachedText] = field(default_factory=dict)
    #: ``ASSIGNMENT_FIELDS`` -> values, one per stored assignment, in the order they were stored.
    assignments: dict[str, list[Any]] = field(default_factory=dict)
    #: (row_key, theme_key) of every stored assignment.
    pairs: list[tuple[str, str]] = field(default_factory=list)
    #: The stored corrections (see ``corrections_frame``); None when not asked for.
    corrections: pd.DataFrame | None = None


@dataclass(frozen=True)
class ThemeWrite:
    """The result of coding a dataset's comments, for ``save_themes`` to store in one transaction.

    ``texts`` holds ``theme_texts`` columns (row_key, text_hash, clauses, polarities) and ``assignments``
    ``ASSIGNMENT_FIELDS`` columns, both without ``dataset_id``. ``incremental`` replaces only the
    assignments of ``recoded`` and ``gone`` row keys (else all); ``replace_texts`` replaces every cached
    text (else those written and those of ``gone`` rows).
    """

    incremental: bool
    recoded: list[str]
    gone: list[str]
    replace_texts: bool
    texts: dict[str, list[Any]]
    assignments: dict[str, list[Any]]
    codeframe_version: int
    data_version: int
    comments: int


# ----------------------------------------------------------------------------------------------- reading


def read_themes(
    store: Store,
    name: str,
    *,
    codeframe: bool = False,
    run: bool = False,
    texts: bool = False,
    assignments: bool = False,
    pairs: bool = False,
    corrections: bool = False,
) -> ThemeSnapshot:
    """Return the parts asked for of the dataset's stored themes, all read in one transaction."""
    with read_transaction(store.engine) as conn:
        dataset_id = store._dataset_id(conn, name)
        return ThemeSnapshot(
            dataset_id=dataset_id,
            codeframe=_current(conn, dataset_id) if codeframe else None,
            run=_run(conn, dataset_id) if run else None,
            texts=_cached_texts(conn, dataset_id) if texts else {},
            assignments=_assignment_columns(conn, dataset_id) if assignments else {},
            pairs=_pairs(conn, dataset_id) if pairs else [],
            corrections=_corrections_frame(conn, dataset_id) if corrections else None,
        )


def codeframe_versions(store: Store, name: str) -> list[CodeframeVersion]:
    """Return every codeframe version of the dataset, newest first."""
    with read_transaction(store.engine) as conn:
        rows = _version_rows(conn, store._dataset_id(conn, name))
    return [CodeframeVersion(version=int(r.version), created_at=r.created_at, source=r.source, note=r.note,
                             body=orjson.loads(r.body), undone=bool(r.undone)) for r in rows]


def codeframe_body(store: Store, name: str, version: int) -> dict[str, Any] | None:
    """Return the body of one codeframe version of the dataset (None when there is no such version)."""
    with read_transaction(store.engine) as conn:
        dataset_id = store._dataset_id(conn, name)
        body = conn.execute(sa.select(codeframes.c.body).where(
            codeframes.c.dataset_id == dataset_id, codeframes.c.version == int(version))).scalar()
    return None if body is None else orjson.loads(body)


def _version_rows(conn: sa.Connection, dataset_id: int) -> list[sa.Row]:
    """Return the dataset's codeframe versions, newest first."""
    return list(conn.execute(
        sa.select(codeframes.c.version, codeframes.c.created_at, codeframes.c.source, codeframes.c.note,
                  codeframes.c.body, codeframes.c.undone)
        .where(codeframes.c.dataset_id == dataset_id).order_by(codeframes.c.version.desc())
    ).all())


def _current(conn: sa.Connection, dataset_id: int) -> StoredCodeframe | None:
    """Return the current codeframe (the newest version not undone), or None when the dataset has none."""
    row = conn.execute(
        sa.select(codeframes.c.version, codeframes.c.body)
        .where(codeframes.c.dataset_id == dataset_id, codeframes.c.undone.is_(False))
        .order_by(codeframes.c.version.desc()).limit(1)
    ).first()
    return None if row is None else StoredCodeframe(int(row.version), orjson.loads(row.body))


def _run(conn: sa.Connection, dataset_id: int) -> ThemeRun | None:
    """Return the dataset's last theme run, or None when themes were never applied."""
    row = conn.execute(sa.select(theme_runs.c.codeframe_version, theme_runs.c.data_version)
                       .where(theme_runs.c.dataset_id == dataset_id)).first()
    return None if row is None else ThemeRun(int(row.codeframe_version), int(row.data_version))


def _cached_texts(conn: sa.Connection, dataset_id: int) -> dict[str, CachedText]:
    """Return row_key -> cached fingerprint, clause spans and clause polarities of the comments already split."""
    rows = conn.execute(sa.select(theme_texts.c.row_key, theme_texts.c.text_hash, theme_texts.c.clauses,
                                  theme_texts.c.polarities).where(theme_texts.c.dataset_id == dataset_id))
    return {r[0]: CachedText(r[1], r[2], r[3]) for r in rows}


def _assignment_columns(conn: sa.Connection, dataset_id: int) -> dict[str, list[Any]]:
    """Return the stored assignments column by column (``ASSIGNMENT_FIELDS``), in the order they were stored."""
    stored = _fetch(conn, sa.select(*(theme_assignments.c[n] for n in ASSIGNMENT_FIELDS))
                    .where(theme_assignments.c.dataset_id == dataset_id).order_by(theme_assignments.c.id))
    if not stored:
        return {n: [] for n in ASSIGNMENT_FIELDS}
    return dict(zip(ASSIGNMENT_FIELDS, (list(c) for c in zip(*stored, strict=True)), strict=True))


def _pairs(conn: sa.Connection, dataset_id: int) -> list[tuple[str, str]]:
    """Return (row_key, theme_key) of every stored assignment of the dataset."""
    return [(r[0], r[1]) for r in _fetch(conn, sa.select(theme_assignments.c.row_key, theme_assignments.c.theme_key)
                                         .where(theme_assignments.c.dataset_id == dataset_id))]


def _corrections_frame(conn: sa.Connection, dataset_id: int) -> pd.DataFrame:
    """Return the stored corrections: row_key, added and removed (theme key tuples), sentiment, label, time."""
    rows = conn.execute(sa.select(theme_corrections).where(theme_corrections.c.dataset_id == dataset_id)).all()
    return pd.DataFrame({
        "row_key": pd.Series([r.row_key for r in rows], dtype=object),
        "added": pd.Series([tuple(orjson.loads(r.added)) for r in rows], dtype=object),
        "removed": pd.Series([tuple(orjson.loads(r.removed)) for r in rows], dtype=object),
        "sentiment": pd.Series([r.sentiment for r in rows], dtype="float64"),
        "sentiment_label": pd.Series([r.sentiment_label for r in rows], dtype=object),
        "updated_at": pd.Series([r.updated_at for r in rows], dtype="datetime64[ns]"),
    })


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


# ----------------------------------------------------------------------------------------------- codeframes


def add_codeframe(store: Store, name: str, body: dict[str, Any], *, source: str, note: str) -> int:
    """Store ``body`` as the dataset's newest codeframe version and return its number."""
    text = orjson.dumps(body).decode()
    with write_transaction(store.engine) as conn:
        dataset_id = store._dataset_id(conn, name)
        top = conn.execute(sa.select(sa.func.max(codeframes.c.version))
                           .where(codeframes.c.dataset_id == dataset_id)).scalar()
        version = int(top or 0) + 1
        conn.execute(sa.insert(codeframes).values(dataset_id=dataset_id, version=version, created_at=_now(),
                                                  source=source, note=note[:NOTE_LENGTH], body=text, undone=False))
    return version


def undo_codeframe(store: Store, name: str) -> bool:
    """Mark the current codeframe version undone, so the previous one is current again.

    Returns False (and changes nothing) when there is no earlier version to go back to.
    """
    with write_transaction(store.engine) as conn:
        dataset_id = store._dataset_id(conn, name)
        live = [r for r in _version_rows(conn, dataset_id) if not r.undone]
        if len(live) < 2:
            return False
        conn.execute(sa.update(codeframes).where(codeframes.c.dataset_id == dataset_id,
                                                 codeframes.c.version == live[0].version).values(undone=True))
    return True


def forget_clause_polarities(store: Store, name: str) -> int:
    """Forget the remembered clause polarities of the dataset's comments (kept: their clause boundaries).

    Called when the dataset's sentiment model changes, so the next theme coding scores every clause again with
    the model now in force. Returns how many comments it touched.
    """
    with write_transaction(store.engine) as conn:
        dataset_id = store._dataset_id(conn, name)
        done = conn.execute(sa.update(theme_texts).where(theme_texts.c.dataset_id == dataset_id)
                            .values(polarities=None))
    return int(done.rowcount or 0)


# ----------------------------------------------------------------------------------------------- assignments


def save_themes(store: Store, dataset_id: int, write: ThemeWrite) -> int:
    """Store coded themes, cached texts and the run record in one transaction; return how many rows have a theme."""
    texts = {"dataset_id": [dataset_id] * len(write.texts["row_key"]), **write.texts}
    assigned = {"dataset_id": [dataset_id] * len(write.assignments["row_key"]), **write.assignments}
    with write_transaction(store.engine) as conn:
        if write.incremental:
            _delete_keys(conn, theme_assignments, dataset_id, [*write.recoded, *write.gone])
        else:
            conn.execute(sa.delete(theme_assignments).where(theme_assignments.c.dataset_id == dataset_id))
        if write.replace_texts:
            conn.execute(sa.delete(theme_texts).where(theme_texts.c.dataset_id == dataset_id))
        else:
            _delete_keys(conn, theme_texts, dataset_id, [*write.texts["row_key"], *write.gone])
        _insert(conn, theme_texts, texts)
        _insert(conn, theme_assignments, assigned)
        with_theme = conn.execute(
            sa.select(sa.func.count(sa.distinct(theme_assignments.c.row_key)))
            .where(theme_assignments.c.dataset_id == dataset_id)).scalar() or 0
        conn.execute(sa.delete(theme_runs).where(theme_runs.c.dataset_id == dataset_id))
        conn.execute(sa.insert(theme_runs).values(dataset_id=dataset_id, codeframe_version=write.codeframe_version,
                                                  data_version=write.data_version, applied_at=_now(),
                                                  comments=write.comments, with_theme=int(with_theme)))
    return int(with_theme)


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
    for i in range(0, len(keys), _DELETE_CHUNK):
        conn.execute(sa.delete(table).where(table.c.dataset_id == dataset_id,
                                            table.c.row_key.in_(keys[i:i + _DELETE_CHUNK])))


# ----------------------------------------------------------------------------------------------- corrections


def set_correction_themes(store: Store, name: str, row_key: str, added: Sequence[str],
                          removed: Sequence[str]) -> None:
    """Store the theme keys a person added to and removed from one comment (its sentiment correction is kept)."""
    with write_transaction(store.engine) as conn:
        dataset_id = store._dataset_id(conn, name)
        old = _existing_fix(conn, dataset_id, row_key)
        _write_fix(conn, dataset_id, row_key, {
            "added": orjson.dumps(list(added)).decode(),
            "removed": orjson.dumps(list(removed)).decode(),
            "sentiment": old.sentiment if old is not None else None,
            "sentiment_label": old.sentiment_label if old is not None else None,
        })


def set_correction_sentiment(store: Store, name: str, row_key: str, sentiment: float | None,
                             label: str | None) -> None:
    """Store the sentiment a person set on one comment (None for both removes it; theme corrections are kept)."""
    with write_transaction(store.engine) as conn:
        dataset_id = store._dataset_id(conn, name)
        old = _existing_fix(conn, dataset_id, row_key)
        _write_fix(conn, dataset_id, row_key, {
            "added": old.added if old is not None else "[]",
            "removed": old.removed if old is not None else "[]",
            "sentiment": sentiment,
            "sentiment_label": label,
        })


def delete_correction(store: Store, name: str, row_key: str) -> bool:
    """Delete every hand correction of one comment; return whether there was one."""
    with write_transaction(store.engine) as conn:
        dataset_id = store._dataset_id(conn, name)
        gone = conn.execute(sa.delete(theme_corrections).where(theme_corrections.c.dataset_id == dataset_id,
                                                                theme_corrections.c.row_key == row_key)).rowcount
    return bool(gone)


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
