"""The store's tables as SQLAlchemy Core objects (the migrations create them; this module only describes them).

Every table of the portal is described here, in one ``MetaData``. Migrations are frozen scripts that never
import this module, so each table here must match what its migration creates. A foreign key to
``datasets.id`` with ``ondelete="CASCADE"`` makes ``Store.delete_dataset`` remove a table's rows too.
"""

from __future__ import annotations

import sqlalchemy as sa

from portal.model import CANONICAL_COLUMNS

metadata = sa.MetaData()

#: Import statuses as written in ``imports.status``.
STATUS_OK = "ok"
STATUS_FAILED = "failed"
STATUS_REVERTED = "reverted"

#: Kinds of ``response_history`` entries.
CHANGE_UPDATED = "updated"
CHANGE_REMOVED = "removed"

datasets = sa.Table(
    "datasets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("config", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("data_version", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("name", name="uq_datasets_name"),
)

imports = sa.Table(
    "imports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE", name="fk_imports_dataset"),
              nullable=True),
    sa.Column("dataset_name", sa.String(200), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("source_kind", sa.String(20), nullable=False),
    sa.Column("checksum", sa.Text, nullable=False, server_default=""),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime, nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("added", sa.Integer, nullable=False, server_default="0"),
    sa.Column("updated", sa.Integer, nullable=False, server_default="0"),
    sa.Column("unchanged", sa.Integer, nullable=False, server_default="0"),
    sa.Column("removed", sa.Integer, nullable=False, server_default="0"),
    sa.Column("rejected", sa.Integer, nullable=False, server_default="0"),
    sa.Column("duplicates", sa.Integer, nullable=False, server_default="0"),
    sa.Column("message", sa.Text, nullable=False, server_default=""),
    sa.Column("mapping", sa.Text, nullable=True),
    sa.Column("columns", sa.Text, nullable=True),
    sa.Index("ix_imports_dataset_id", "dataset_id"),
    sa.Index("ix_imports_dataset_name", "dataset_name"),
)

#: The data columns a response row carries, in table order (``response_history`` keeps a copy of all but
#: ``import_id``, which it calls ``previous_import_id``).
DATA_COLUMNS: tuple[str, ...] = (
    "content_hash",
    "import_id",
    "first_import_id",
    *CANONICAL_COLUMNS[1:],  # every canonical column but row_key, which identifies the row
    "raw",
)


HISTORY_DATA_COLUMNS: tuple[str, ...] = tuple(c for c in DATA_COLUMNS if c != "import_id")


def _data_columns(*, with_import_id: bool) -> list[sa.Column]:
    """Return fresh Column objects for the data columns (shared by ``responses`` and ``response_history``)."""
    first = [sa.Column("import_id", sa.Integer, nullable=True)] if with_import_id else []
    return [
        sa.Column("content_hash", sa.Text, nullable=False),
        *first,
        sa.Column("first_import_id", sa.Integer, nullable=True),
        sa.Column("response_id", sa.Text, nullable=True),
        sa.Column("customer", sa.Text, nullable=True),
        sa.Column("date", sa.DateTime, nullable=True),
        sa.Column("nps", sa.Float, nullable=True),
        sa.Column("csat", sa.Float, nullable=True),
        sa.Column("rating", sa.Float, nullable=True),
        sa.Column("recommend", sa.Float, nullable=True),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("brand", sa.Text, nullable=True),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("sentiment", sa.Float, nullable=True),
        sa.Column("sentiment_label", sa.Text, nullable=True),
        sa.Column("language", sa.Text, nullable=True),
        sa.Column("raw", sa.Text, nullable=True),
    ]


responses = sa.Table(
    "responses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE", name="fk_responses_dataset"),
              nullable=False),
    sa.Column("row_key", sa.Text, nullable=False),
    *_data_columns(with_import_id=True),
    sa.Index("uq_responses_dataset_row_key", "dataset_id", "row_key", unique=True),
    sa.Index("ix_responses_dataset_date", "dataset_id", "date"),
)

response_history = sa.Table(
    "response_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset_id", sa.Integer,
              sa.ForeignKey("datasets.id", ondelete="CASCADE", name="fk_response_history_dataset"), nullable=False),
    sa.Column("row_key", sa.Text, nullable=False),
    sa.Column("change", sa.String(10), nullable=False),
    sa.Column("replaced_by_import_id", sa.Integer, nullable=False),
    sa.Column("previous_import_id", sa.Integer, nullable=True),
    *_data_columns(with_import_id=False),
    sa.Index("ix_response_history_import", "replaced_by_import_id"),
    sa.Index("ix_response_history_dataset_row_key", "dataset_id", "row_key"),
)


# ------------------------------------------------------------------------------------------------------------
# Events and themes (migrations 0002_events and 0003_themes). Every row belongs to a dataset and goes with it.
# ------------------------------------------------------------------------------------------------------------

#: Longest event label the ``events`` table keeps.
EVENT_LABEL_LENGTH = 200


def _dataset_fk(name: str) -> sa.ForeignKey:
    """Return a foreign key to ``datasets.id`` that deletes the row with its dataset."""
    return sa.ForeignKey(datasets.c.id, ondelete="CASCADE", name=name)


events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset_id", sa.Integer, _dataset_fk("fk_events_dataset"), nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("label", sa.String(EVENT_LABEL_LENGTH), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_events_dataset_date", "dataset_id", "date"),
)

#: Every version of a dataset's codeframe (JSON body); the current one is the newest not undone.
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

#: One row per comment and theme under the current codeframe, with the reason it was given.
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

#: Each comment's clause boundaries, clause polarities and text fingerprint (so nothing is split twice).
theme_texts = sa.Table(
    "theme_texts",
    metadata,
    sa.Column("dataset_id", sa.Integer, _dataset_fk("fk_theme_texts_dataset"), primary_key=True),
    sa.Column("row_key", sa.Text, primary_key=True),
    sa.Column("text_hash", sa.String(32), nullable=False),
    sa.Column("clauses", sa.Text, nullable=False),
    sa.Column("polarities", sa.Text, nullable=True),
)

#: What a person changed by hand on one comment (theme keys added or removed, sentiment set).
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

#: Per dataset, which codeframe version and data version the stored themes match.
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

# ---------------------------------------------------------------------------------------------------------
# Google Sheets sources (migration ``0004_sheets``): the sheet linked to each dataset, and named leases.
# ---------------------------------------------------------------------------------------------------------

sheet_sources = sa.Table(
    "sheet_sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset_id", sa.Integer,
              _dataset_fk("fk_sheet_sources_dataset"), nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("spreadsheet_key", sa.String(200), nullable=False),
    sa.Column("worksheet_title", sa.Text, nullable=True),
    sa.Column("worksheet_gid", sa.BigInteger, nullable=True),
    sa.Column("auth_mode", sa.String(20), nullable=False),
    sa.Column("key_columns", sa.Text, nullable=False, server_default="[]"),
    sa.Column("columns", sa.Text, nullable=False, server_default="[]"),
    sa.Column("interval_minutes", sa.Integer, nullable=True),
    sa.Column("delete_missing", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_attempt_at", sa.DateTime, nullable=True),
    sa.Column("last_sync_at", sa.DateTime, nullable=True),
    sa.Column("last_status", sa.String(20), nullable=True),
    sa.Column("last_message", sa.Text, nullable=False, server_default=""),
    sa.UniqueConstraint("dataset_id", name="uq_sheet_sources_dataset"),
)
"""The Google Sheet linked to each dataset, with its schedule and the outcome of its last sync."""

leases = sa.Table(
    "leases",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("holder", sa.String(200), nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("name", name="uq_leases_name"),
)
"""Named leases with an expiry: who may run a sync right now."""

# ---------------------------------------------------------------------------------------------------------
# Per-dataset sentiment (migration ``0006_sentiment_models``): the model adapted to each dataset.
# ---------------------------------------------------------------------------------------------------------

sentiment_models = sa.Table(
    "sentiment_models",
    metadata,
    sa.Column("dataset_id", sa.Integer, _dataset_fk("fk_sentiment_models_dataset"), primary_key=True),
    sa.Column("model", sa.LargeBinary, nullable=True),
    sa.Column("report", sa.Text, nullable=False),
    sa.Column("fitted_at", sa.DateTime, nullable=False),
)
"""Each dataset's adapted sentiment model (None when it kept the general one) and the JSON report saying why."""

# ---------------------------------------------------------------------------------------------------------
# Customer journey (migration ``0007_journeys``): the stage column of each dataset and its stages in order.
# ---------------------------------------------------------------------------------------------------------

journeys = sa.Table(
    "journeys",
    metadata,
    sa.Column("dataset_id", sa.Integer, _dataset_fk("fk_journeys_dataset"), primary_key=True),
    sa.Column("stage_column", sa.String(200), nullable=False),
    sa.Column("stages", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)
"""Each dataset's journey: the column naming the stage (as people know it) and the stages in order (a JSON list)."""

# ---------------------------------------------------------------------------------------------------------
# Background jobs (migration ``0009_jobs``): long work (imports, follow-up work, syncs, reports) and its state.
# ---------------------------------------------------------------------------------------------------------

#: States of ``jobs.state``.
JOB_QUEUED = "queued"
JOB_RUNNING = "running"
JOB_DONE = "done"
JOB_FAILED = "failed"
JOB_INTERRUPTED = "interrupted"
#: Who started a job (``jobs.started_by``): a person (from a page or the CLI) or the portal itself.
BY_PERSON = "person"
BY_PORTAL = "portal"

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("dataset", sa.String(200), nullable=True),
    sa.Column("params", sa.Text, nullable=False, server_default="{}"),
    sa.Column("payload", sa.LargeBinary, nullable=True),
    sa.Column("started_by", sa.String(20), nullable=False),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("progress", sa.Integer, nullable=False, server_default="0"),
    sa.Column("stage", sa.Text, nullable=False, server_default=""),
    sa.Column("error", sa.Text, nullable=False, server_default=""),
    sa.Column("result", sa.Text, nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("started_at", sa.DateTime, nullable=True),
    sa.Column("finished_at", sa.DateTime, nullable=True),
    sa.Column("heartbeat_at", sa.DateTime, nullable=True),
    sa.Column("owner", sa.String(200), nullable=True),
    sa.Column("notified", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_jobs_state", "state", "id"),
)
"""Background jobs: what to do (kind, dataset, JSON parameters, an uploaded file's bytes until done), who
started it, where it stands (state, percentage, stage, a sentence when it failed) and who runs it (owner and
heartbeat, so a job whose process died is found)."""

# ---------------------------------------------------------------------------------------------------------
# Evidence collections (migration ``0008_collections``): named sets of comments kept as evidence.
# ---------------------------------------------------------------------------------------------------------

#: Longest collection name the store keeps.
COLLECTION_NAME_LENGTH = 200

collections = sa.Table(
    "collections",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset_id", sa.Integer, _dataset_fk("fk_collections_dataset"), nullable=False),
    sa.Column("name", sa.String(COLLECTION_NAME_LENGTH), nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("dataset_id", "name", name="uq_collections_dataset_name"),
)
"""Named collections of a dataset's comments, with a note saying what they show."""

collection_items = sa.Table(
    "collection_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("collection_id", sa.Integer,
              sa.ForeignKey(collections.c.id, ondelete="CASCADE", name="fk_collection_items_collection"),
              nullable=False),
    sa.Column("row_key", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("added_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("collection_id", "row_key", name="uq_collection_items_row"),
)
"""The comments of each collection, by their stable row key (so they survive re-imports), in order."""
