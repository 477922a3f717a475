"""The portal's services: what pages and CLI commands call to get something done (import, sync, themes, events).

Services are the only place where the store, ingest, text and metrics meet: the store keeps tables and runs
SQL, ingest reads and checks files, text and metrics compute, and a service puts those steps together into
one action (apply a codeframe, mark an event) with the checks and messages a person sees.
"""
