"""Services: the only place where the store, ingest, text and metrics meet; pages and the CLI call these."""
