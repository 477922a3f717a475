"""Per-dataset sentiment: the model adapted to each dataset's own comments and scores, with its report.

Revision ID: 0006_sentiment_models
Revises: 0001_initial
Create Date: 2026-12-07

One row per dataset (deleted with it). Existing datasets get no row: they keep the general model until their
next import fits one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_sentiment_models"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the ``sentiment_models`` table."""
    op.create_table(
        "sentiment_models",
        sa.Column("dataset_id", sa.Integer,
                  sa.ForeignKey("datasets.id", ondelete="CASCADE", name="fk_sentiment_models_dataset"),
                  primary_key=True),
        sa.Column("model", sa.LargeBinary, nullable=True),
        sa.Column("report", sa.Text, nullable=False),
        sa.Column("fitted_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    """Drop the ``sentiment_models`` table."""
    op.drop_table("sentiment_models")
