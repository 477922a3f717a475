"""The "would recommend" answer (1 yes, 0 no) on every response and every kept earlier version of one.

Revision ID: 0005_recommend
Revises: 0001_initial
Create Date: 2026-12-01

Existing rows get NULL (no answer), which is what they held: no dataset could map the role before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_recommend"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

_TABLES = ("responses", "response_history")


def upgrade() -> None:
    """Add the nullable ``recommend`` column to ``responses`` and ``response_history``."""
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("recommend", sa.Float, nullable=True))


def downgrade() -> None:
    """Drop the ``recommend`` column again."""
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("recommend")
