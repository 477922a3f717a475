"""The import pipeline: read -> detect -> (person confirms) -> validate -> enrich -> store -> themes.

``prepare`` does everything that does not touch the store, so the UI can show what was understood and which
rows are rejected before anything is written; ``commit`` writes all valid rows in one transaction, then keeps
the dataset's themes current and passes on what that step said. ``revert_import`` undoes an import and keeps
the themes current too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from collections.abc import Mapping as MappingT
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from portal.demo import DEMO_DATASETS
from portal.errors import InputError, ValidationError
from portal.ingest.detect import Detection, apply_overrides, detect
from portal.ingest.read import Table, file_checksum
from portal.ingest.validate import Validation, validate
from portal.model import DatasetConfig, currency_problem
from portal.services import journey
from portal.services.sentiment import after_import as sentiment_after_import
from portal.services.themes import after_import, refresh
from portal.store import ImportResult, RevertResult, Store
from portal.store.jobs import JobRequest
from portal.store.schema import BY_PORTAL, JOB_DONE
from portal.text.enrich import enrich as enrich_rows

Progress = Callable[[float, str], None]

#: The kind of the background job that follows every import (sentiment adaptation, themes).
FOLLOW_UP = "follow_up"
#: How ``commit`` runs that job: here and now (the CLI, sheet syncs from a page), or later by a job runner.
INLINE = "inline"
QUEUED = "queued"


@dataclass(frozen=True)
class Prepared:
    """A file read, mapped and validated, ready to be committed."""

    table: Table
    detection: Detection
    config: DatasetConfig
    validation: Validation
    checksum: str

    @property
    def summary(self) -> str:
        """Return one plain sentence: how many rows are valid, rejected and duplicated."""
        v = self.validation
        parts = [f"{len(v.canonical):,} of {v.total:,} rows are ready to import"]
        if len(v.rejects):
            parts.append(f"{len(v.rejects):,} rejected")
        if v.duplicates:
            parts.append(f"{v.duplicates:,} exact duplicate rows (kept, as they may be genuine)")
        return ", ".join(parts) + "."

    @property
    def keyed(self) -> bool:
        """Return whether rows are matched to stored ones by an id or identifying columns (else by content)."""
        return bool(self.config.mapping.id or self.config.key_columns)


def propose(
    table: Table,
    *,
    kind: str | None = None,
    overrides: Sequence[tuple[str, str | None]] = (),
    constants: MappingT[str, str] | None = None,
    key_columns: Sequence[str] = (),
    existing: DatasetConfig | None = None,
    csat_scale: tuple[int, int] | None = None,
    rating_scale: tuple[int, int] | None = None,
    currency: str | None = None,
) -> Detection:
    """Return the configuration to propose for ``table``: the dataset's stored one when every column it uses is
    still there (``existing``), else a fresh detection; the person's overrides applied. Validates no row.
    ``currency`` sets the one shown with the dataset's money figures (else the stored one, else PORTAL_CURRENCY).

    Raises ``InputError`` for an override that names an unknown role or column.
    """
    reusable = existing is not None and not [
        c for c in existing.mapping.columns() if c not in table.frame.columns and c not in existing.constants
    ]
    if reusable and existing is not None:
        detection = Detection(config=existing, reasons={}, warnings=())
    else:
        detection = detect(table.frame, kind=kind or (existing.kind if existing else None))
    config = apply_overrides(
        detection.config,
        table.frame,
        overrides=overrides,
        constants=constants,
        kind=kind,
        csat_scale=csat_scale,
        rating_scale=rating_scale,
        key_columns=key_columns,
    )
    if currency is not None:  # given, even empty: checked by ``prepare``
        config = replace(config, currency=currency.strip())
    elif existing is not None:
        config = replace(config, currency=existing.currency)
    return replace(detection, config=config)


def prepare(
    table: Table,
    *,
    config: DatasetConfig | None = None,
    detection: Detection | None = None,
    **proposal: Any,
) -> Prepared:
    """Validate every row of ``table`` under ``config`` (the mapping the person confirmed) or, without it,
    under the proposed configuration (see ``propose``, which takes the keyword arguments in ``proposal``).

    Raises ``InputError`` (or a subclass) when the table cannot be used at all or the currency is not one.
    """
    if config is None:
        detection = propose(table, **proposal)
        config = detection.config
    problem = currency_problem(config.currency)
    if problem:
        raise InputError(problem)
    validation = validate(table.frame, config, row_numbers=table.row_numbers)
    detection = detection or Detection(config=config, reasons={}, warnings=())
    return Prepared(table, detection, validation.config, validation, _checksum(table))


def _checksum(table: Table) -> str:
    """Return a checksum of the table's content (for the import history)."""
    hashed = pd.util.hash_pandas_object(table.frame.fillna(""), index=False)
    return file_checksum(hashed.to_numpy().tobytes() + "\x1f".join(map(str, table.frame.columns)).encode())


def commit(
    store: Store,
    name: str,
    prepared: Prepared,
    *,
    strict: bool = False,
    source: str | None = None,
    source_kind: str = "file",
    delete_missing: bool = False,
    enrich: bool = True,
    follow_up: str = INLINE,
    progress: Progress | None = None,
) -> ImportResult:
    """Write the valid rows of ``prepared`` into dataset ``name`` in one transaction.

    With ``strict`` any rejected row rejects the whole file (``ValidationError``). A file with no valid row
    raises ``ValidationError``. Failed imports are recorded in the history; the stored rows stay as they were.
    With ``enrich`` the rows are scored and a job (``FOLLOW_UP``: sentiment model, themes) is queued in the
    import's own transaction, so no crash leaves it undone; ``follow_up=INLINE`` runs it here (its sentences
    in ``themes_message``), ``QUEUED`` leaves it to a job runner (``result.follow_up_job``).
    """
    source = source or prepared.table.source
    v = prepared.validation
    try:
        _check_importable(v, strict=strict)
        canonical = v.canonical
        if enrich:
            canonical = _enrich(canonical, prepared.config, store.content_hashes(name), progress)
        result = store.import_rows(
            name,
            prepared.config,
            canonical,
            v.raw,
            source=source,
            source_kind=source_kind,
            checksum=prepared.checksum,
            rejected=len(v.rejects),
            duplicates=v.duplicates,
            message="; ".join(v.warnings),
            delete_missing=delete_missing,
            progress=progress,
            follow_up=_follow_up_request if enrich else None,
        )
    except InputError as err:
        store.record_failed_import(name, source=source, source_kind=source_kind, message=str(err))
        raise
    if follow_up != INLINE or result.follow_up_job is None:
        return result
    return replace(result, themes_message=_follow_up_now(store, result.follow_up_job, progress))


def _check_importable(v: Validation, *, strict: bool) -> None:
    """Raise ``ValidationError`` when strict mode meets a rejected row, or when no row can be imported."""
    if strict and len(v.rejects):
        first = v.rejects.iloc[0]
        raise ValidationError(
            f"{len(v.rejects):,} of {v.total:,} rows are invalid (first: row {first['row']}: {first['reason']}), "
            "and strict mode rejects the whole file. Fix those rows, or import without --strict to keep the "
            "valid ones."
        )
    if v.canonical.empty:
        reason = v.rejects["reason"].iloc[0] if len(v.rejects) else "the file has no data rows"
        raise ValidationError(
            f"None of the {v.total:,} rows can be imported (for example: {reason}). Check that the columns are "
            "mapped to the right roles and that the scores are on the expected scale."
        )


def _follow_up_request(result: ImportResult) -> JobRequest:
    """Return the job that brings the dataset's sentiment model and themes up to date after ``result``."""
    changed = bool(result.added or result.updated or result.removed)
    return JobRequest(FOLLOW_UP, result.dataset, {"changed": changed}, started_by=BY_PORTAL)


def _follow_up_now(store: Store, job_id: int, progress: Progress | None) -> str | None:
    """Run the follow-up job here; return what it said (a background runner may have taken it first)."""
    from portal.services import jobs

    job = jobs.run_now(store, job_id, progress=progress)
    if job is None:
        return ("Other work on this dataset is running, so the sentiment model and the themes are brought up to date "
                "after it: by the web portal, or by the next `portal jobs run`.")
    if job.state != JOB_DONE:
        return f"The sentiment model and the themes were not brought up to date: {job.error}"
    return (job.result or {}).get("message")


def follow_up_work(store: Store, name: str, *, changed: bool, progress: Progress | None = None) -> str | None:
    """Refit the dataset's sentiment model and keep its themes current; return what they said (None: nothing)."""
    said = [sentiment_after_import(store, name, changed=changed), after_import(store, name, progress=progress)]
    return " ".join(m for m in said if m) or None


def _enrich(canonical: pd.DataFrame, config: DatasetConfig, stored: MappingT[str, str],
            progress: Progress | None) -> pd.DataFrame:
    """Add sentiment, sentiment label and language to new or changed rows that carry a comment.

    ``stored`` maps the dataset's stored row keys to their content hashes: unchanged rows are not written
    again, so they are not scored again either.
    """
    fresh = canonical["row_key"].map(stored).astype(object).ne(canonical["content_hash"].astype(object))
    todo = canonical[fresh & canonical["comment"].notna()]
    if todo.empty:
        return canonical
    scores = enrich_rows(todo, rating_scale=config.rating_scale, progress=progress)
    scores = scores.set_index("row_key")
    out = canonical.copy()
    keyed = out["row_key"]
    for column in ("sentiment", "sentiment_label", "language"):
        out[column] = keyed.map(scores[column]) if column in scores else None
    return out


def import_frame(
    store: Store,
    name: str,
    frame: pd.DataFrame,
    *,
    source: str,
    source_kind: str = "file",
    kind: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import an in-memory table of text values (demo data, tests) like an uploaded file."""
    values = frame.astype(object).where(frame.notna(), None)
    values = values.map(lambda x: None if x is None or str(x) == "" else str(x))
    table = Table(
        frame=values,
        source=source,
        encoding=None,
        delimiter=None,
        sheet=None,
        sheets=(),
        row_numbers=pd.Series(range(2, len(values) + 2), index=values.index),
    )
    info = store.dataset(name)
    prepared = prepare(table, kind=kind, existing=info.config if info else None)
    return commit(store, name, prepared, source=source, source_kind=source_kind, progress=progress)


def reject_summary(validation: Validation, limit: int = 5) -> list[tuple[str, int]]:
    """Return the most common rejection reasons with their counts (reason text without row specifics)."""
    if validation.rejects.empty:
        return []
    reasons = validation.rejects["reason"].str.split("; ").explode()
    return [(str(r), int(n)) for r, n in reasons.value_counts().head(limit).items()]


def load_demo(store: Store, *, only_if_empty: bool = False, progress: Progress | None = None) -> list[ImportResult]:
    """Import the demo datasets (idempotent: loading twice adds nothing). Returns one result per dataset."""
    if only_if_empty and store.datasets():
        return []
    results = []
    for demo in DEMO_DATASETS:
        results.append(
            import_frame(store, demo.name, demo.frame_factory(), source="demo", source_kind="demo",
                         kind=demo.kind, progress=progress)
        )
        if demo.journey is not None and journey.get_journey(store, demo.name) is None:
            journey.set_journey(store, demo.name, demo.journey[0], demo.journey[1])
    return results


def revert_import(store: Store, import_id: int) -> RevertResult:
    """Undo one import (see ``Store.revert_import``) and bring the dataset's themes up to date with its rows."""
    result = store.revert_import(import_id)
    refresh(store, result.dataset)
    return result


def missing_rows(store: Store, name: str, prepared: Prepared) -> pd.DataFrame:
    """Return the stored rows of dataset ``name`` that ``prepared`` no longer has (as exported), oldest first.

    These are the rows ``commit`` counts as ``missing`` (a stored row whose new version is rejected is one).
    Without an id or key column (``Prepared.keyed``) a row whose content changed is one of these too. Empty
    for a new dataset.
    """
    stored = store.content_hashes(name)
    gone = set(stored) - set(prepared.validation.canonical["row_key"])
    if not gone:
        return pd.DataFrame()
    frame = store.export_frame(name)
    return frame[frame["portal_row_key"].isin(gone)].reset_index(drop=True)
