"""The schema module and the migrations agree: every table ``portal.store.schema`` describes is what they create."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from portal.store import Store
from portal.store.schema import metadata


def _described(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Compare every table of the schema module (tables only the database has, such as alembic's, are skipped)."""
    return not (type_ == "table" and reflected and compare_to is None)


def test_the_schema_module_matches_the_migrated_database(db_url: str) -> None:
    store = Store(db_url)
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _described})
        differences = compare_metadata(context, metadata)
    store.close()
    assert differences == []


def test_the_schema_module_holds_the_theme_and_event_tables() -> None:
    assert {"events", "codeframes", "theme_assignments", "theme_texts", "theme_corrections",
            "theme_runs"} <= set(metadata.tables)
