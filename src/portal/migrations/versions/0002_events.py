"""Events on a dataset's timeline (a release, a price change, an outage) for before/after comparisons.

Revision ID: 0002_events
Revises: 0001_initial
Create Date: 2025-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_events"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the ``events`` table."""
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE",
                                                          name="fk_events_dataset"), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_events_dataset_date", "events", ["dataset_id", "date"])


def downgrade() -> None:
    """Drop the ``events`` table."""
    op.drop_index("ix_events_dataset_date", table_name="events")
    op.drop_table("events")
