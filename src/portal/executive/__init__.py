"""The executive report: a list of sections (figures, a sentence, the period and filters each covers), drawn
as one self-contained HTML file or a PDF, both rendered offline. Pure: no store, no Streamlit.

``portal.services.report`` gathers the figures and builds the sections; this package holds the model
(``model``), the words and tables of each section (``sections``), the charts (``charts``) and the two
renderers (``html``, ``pdf``).
"""

from __future__ import annotations

from portal.executive.model import Figure, Report, Section, Table, redact_report, redact_text

__all__ = ["Figure", "Report", "Section", "Table", "redact_report", "redact_text"]
