"""Per-dataset customer journey: the column holding the journey stage and the stages in order.

Revision ID: 0007_journeys
Revises: 0001_initial
Create Date: 2026-12-07

One row per dataset (deleted with it). Existing datasets get no row: they have no journey until a person sets one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_journeys"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the ``journeys`` table."""
    op.create_table(
        "journeys",
        sa.Column("dataset_id", sa.Integer,
                  sa.ForeignKey("datasets.id", ondelete="CASCADE", name="fk_journeys_dataset"),
                  primary_key=True),
        sa.Column("stage_column", sa.String(200), nullable=False),
        sa.Column("stages", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    """Drop the ``journeys`` table."""
    op.drop_table("journeys")
