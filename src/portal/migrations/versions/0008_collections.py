"""Evidence collections: named sets of a dataset's comments, each with a note, kept in order.

Revision ID: 0008_collections
Revises: 0001_initial
Create Date: 2026-12-07

Items name their comment by its row key, which stays the same across re-imports and codeframe edits. Both
tables go with their dataset (``ON DELETE CASCADE``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_collections"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the ``collections`` and ``collection_items`` tables."""
    op.create_table(
        "collections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dataset_id", sa.Integer,
                  sa.ForeignKey("datasets.id", ondelete="CASCADE", name="fk_collections_dataset"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("dataset_id", "name", name="uq_collections_dataset_name"),
    )
    op.create_table(
        "collection_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("collection_id", sa.Integer,
                  sa.ForeignKey("collections.id", ondelete="CASCADE", name="fk_collection_items_collection"),
                  nullable=False),
        sa.Column("row_key", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("added_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("collection_id", "row_key", name="uq_collection_items_row"),
    )


def downgrade() -> None:
    """Drop the collection tables."""
    op.drop_table("collection_items")
    op.drop_table("collections")
