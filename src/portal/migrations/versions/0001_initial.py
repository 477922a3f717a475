"""The store's first schema: datasets, imports, responses and the history of replaced rows.

Revision ID: 0001_initial
Revises:
Create Date: 2025-01-01

Other parts of the portal branch from this revision (``down_revision = "0001_initial"``); the store
upgrades to all heads.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def _data_columns(*, with_import_id: bool) -> list[sa.Column]:
    """Return the data columns shared by ``responses`` and ``response_history``."""
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
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("brand", sa.Text, nullable=True),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("sentiment", sa.Float, nullable=True),
        sa.Column("sentiment_label", sa.Text, nullable=True),
        sa.Column("language", sa.Text, nullable=True),
        sa.Column("raw", sa.Text, nullable=True),
    ]


def upgrade() -> None:
    """Create the four tables of the store."""
    op.create_table(
        "datasets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("config", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("data_version", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("name", name="uq_datasets_name"),
    )
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE",
                                                          name="fk_imports_dataset"), nullable=True),
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
    )
    op.create_index("ix_imports_dataset_id", "imports", ["dataset_id"])
    op.create_index("ix_imports_dataset_name", "imports", ["dataset_name"])
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE",
                                                          name="fk_responses_dataset"), nullable=False),
        sa.Column("row_key", sa.Text, nullable=False),
        *_data_columns(with_import_id=True),
    )
    # A unique index rather than a table constraint, so a large import into SQLite can rebuild it in one pass.
    op.create_index("uq_responses_dataset_row_key", "responses", ["dataset_id", "row_key"], unique=True)
    op.create_index("ix_responses_dataset_date", "responses", ["dataset_id", "date"])
    op.create_table(
        "response_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE",
                                                          name="fk_response_history_dataset"), nullable=False),
        sa.Column("row_key", sa.Text, nullable=False),
        sa.Column("change", sa.String(10), nullable=False),
        sa.Column("replaced_by_import_id", sa.Integer, nullable=False),
        sa.Column("previous_import_id", sa.Integer, nullable=True),
        *_data_columns(with_import_id=False),
    )
    op.create_index("ix_response_history_import", "response_history", ["replaced_by_import_id"])
    op.create_index("ix_response_history_dataset_row_key", "response_history", ["dataset_id", "row_key"])


def downgrade() -> None:
    """Drop the four tables of the store."""
    op.drop_table("response_history")
    op.drop_table("responses")
    op.drop_table("imports")
    op.drop_table("datasets")
