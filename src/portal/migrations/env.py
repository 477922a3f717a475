"""Alembic environment of the portal: migrations run on the connection the store passes in.

The store opens the connection, takes the lock that keeps two processes from migrating at once, and hands
the connection over through ``config.attributes["connection"]``; there is no alembic.ini.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError(
        "The portal's migrations run when a store is opened (portal.store.Store); "
        "they cannot be run from the alembic command line or in offline mode."
    )

context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
