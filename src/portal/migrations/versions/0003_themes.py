"""Themes: codeframe versions, each comment's themes, clause boundaries, hand corrections and run state.

Revision ID: 0003_themes
Revises: 0001_initial
Create Date: 2025-01-03

The tables are described in ``portal.store.schema`` (their SQL is ``portal.store.themes``); every row belongs
to a dataset and goes when the dataset is deleted.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_themes"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def _dataset_fk(name: str) -> sa.ForeignKey:
    """Return a foreign key to ``datasets.id`` that deletes the row with its dataset."""
    return sa.ForeignKey("datasets.id", ondelete="CASCADE", name=name)


def upgrade() -> None:
    """Create the five theme tables."""
    op.create_table(
        "codeframes",
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
    op.create_table(
        "theme_assignments",
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
    )
    op.create_index("ix_theme_assignments_dataset_row", "theme_assignments", ["dataset_id", "row_key"])
    op.create_table(
        "theme_texts",
        sa.Column("dataset_id", sa.Integer, _dataset_fk("fk_theme_texts_dataset"), primary_key=True),
        sa.Column("row_key", sa.Text, primary_key=True),
        sa.Column("text_hash", sa.String(32), nullable=False),
        sa.Column("clauses", sa.Text, nullable=False),
        sa.Column("polarities", sa.Text, nullable=True),
    )
    op.create_table(
        "theme_corrections",
        sa.Column("dataset_id", sa.Integer, _dataset_fk("fk_theme_corrections_dataset"), primary_key=True),
        sa.Column("row_key", sa.Text, primary_key=True),
        sa.Column("added", sa.Text, nullable=False, server_default="[]"),
        sa.Column("removed", sa.Text, nullable=False, server_default="[]"),
        sa.Column("sentiment", sa.Float, nullable=True),
        sa.Column("sentiment_label", sa.String(20), nullable=True),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "theme_runs",
        sa.Column("dataset_id", sa.Integer, _dataset_fk("fk_theme_runs_dataset"), primary_key=True),
        sa.Column("codeframe_version", sa.Integer, nullable=False),
        sa.Column("data_version", sa.Integer, nullable=False),
        sa.Column("applied_at", sa.DateTime, nullable=False),
        sa.Column("comments", sa.Integer, nullable=False),
        sa.Column("with_theme", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    """Drop the five theme tables."""
    op.drop_table("theme_runs")
    op.drop_table("theme_corrections")
    op.drop_table("theme_texts")
    op.drop_index("ix_theme_assignments_dataset_row", table_name="theme_assignments")
    op.drop_table("theme_assignments")
    op.drop_table("codeframes")
