"""Text analytics: sentences and clauses, language, sentiment, enrichment at import, and themes.

Modules are imported directly (``from portal.text.sentiment import polarity``); importing this package
loads no model.
"""
