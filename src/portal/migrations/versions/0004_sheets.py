"""Google Sheets as live sources: the sheet linked to each dataset, and leases for one sync at a time.

Revision ID: 0004_sheets
Revises: 0001_initial
Create Date: 2025-01-04

``portal.store.schema`` describes these tables (``sheet_sources`` and ``leases``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_sheets"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``sheet_sources`` and ``leases``."""
    op.create_table(
        "sheet_sources",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "dataset_id",
            sa.Integer,
            sa.ForeignKey("datasets.id", ondelete="CASCADE", name="fk_sheet_sources_dataset"),
            nullable=False,
        ),
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
    op.create_table(
        "leases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("name", name="uq_leases_name"),
    )


def downgrade() -> None:
    """Drop ``leases`` and ``sheet_sources``."""
    op.drop_table("leases")
    op.drop_table("sheet_sources")
