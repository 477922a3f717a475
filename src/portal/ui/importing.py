"""The steps every import shares, whatever its source: check the columns, check the rows."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from portal import settings
from portal.errors import InputError
from portal.ingest.detect import Detection
from portal.ingest.read import Table
from portal.model import DatasetConfig, DatasetInfo, currency_problem, derives_csat
from portal.services.imports import Prepared, missing_rows, reject_summary
from portal.ui.downloads import csv_download
from portal.ui.mapping import mapping_editor
from portal.ui.markdown import escape_markdown

if TYPE_CHECKING:
    from portal.store import Store

#: How many rejected or missing rows the page shows (all of them are in the download).
SAMPLE_ROWS = 100
SCALES = {"1-5": (1, 5), "1-7": (1, 7), "1-10": (1, 10), "0-10": (0, 10)}


def _scale_choice(column, label: str, current: tuple[int, int], *, key: str) -> tuple[int, int]:
    """Draw a scale selectbox and return the chosen (low, high)."""
    text = "-".join(map(str, current))
    options = list(SCALES) if text in SCALES else [text, *SCALES]
    chosen = column.selectbox(label, options, index=options.index(text), key=key)
    return SCALES.get(chosen, current)


def _scales_and_currency(config: DatasetConfig, *, key: str) -> DatasetConfig:
    """Draw the scales of the mapped rating and CSAT columns and the currency; return the config with them."""
    mapping = config.mapping
    rating, csat, money = st.columns(3)
    if mapping.rating:
        config = replace(config, rating_scale=_scale_choice(rating, "Star rating scale", config.rating_scale,
                                                            key=f"rating_scale_{key}"))
    if mapping.csat:
        config = replace(config, csat_scale=_scale_choice(csat, "CSAT scale", config.csat_scale,
                                                          key=f"csat_scale_{key}"))
    currency = money.text_input(
        "Currency of revenue figures", value=config.currency, key=f"currency_{key}",
        help="Shown with every money figure of this dataset, such as revenue at risk: a sign such as £, $ or € "
             "goes before the figure, a code such as USD or CHF after it.",
    )
    return replace(config, currency=currency.strip(), csat_from_rating=derives_csat(mapping, config.rating_scale))


def configure(table: Table, base: Detection, kind: str, *, key: str) -> DatasetConfig | None:
    """Draw the mapping step (editable roles, preview, scales); return the confirmed config, or None if unusable."""
    st.subheader("1. Check what each column is")
    st.caption("Change a role if the portal guessed wrong. Open the preview to see the first rows of the data.")
    mapping, problems = mapping_editor(table.frame, base.config, base.reasons, key=f"map_{key}")
    with st.expander("Preview of the first rows", expanded=False):
        st.dataframe(table.frame.head(20), hide_index=True)
    config = _scales_and_currency(replace(base.config, mapping=mapping, kind=kind), key=key)
    currency = currency_problem(config.currency)
    problems = [*problems, *([currency] if currency else [])]
    for warning in (*table.warnings, *base.warnings, *problems):
        st.warning(escape_markdown(warning))
    if problems:
        return None
    if not (mapping.nps or mapping.csat or mapping.rating or mapping.comment):
        raise InputError(
            "No column is set as a score or a comment, so there would be nothing to analyse. Set at least one "
            "column to NPS score, CSAT score, Star rating or Comment."
        )
    return config


def show_validation(prepared: Prepared, *, key: str) -> None:
    """Draw the validation summary: counts, warnings, reasons and the rejected rows (first 100, all as CSV)."""
    st.subheader("2. Check the rows")
    v = prepared.validation
    cols = st.columns(3)
    cols[0].metric("Ready to import", f"{len(v.canonical):,}")
    cols[1].metric("Rejected", f"{len(v.rejects):,}")
    cols[2].metric("Exact duplicates (kept)", f"{v.duplicates:,}")
    if prepared.config.csat_from_rating:
        st.info("There is no CSAT column: CSAT will be derived from the 1-5 star rating (4 and 5 stars count as "
                "satisfied).", icon=":material/info:")
    for warning in v.warnings:
        st.warning(escape_markdown(warning))
    if len(v.rejects):
        st.markdown("**Why rows were rejected**")
        st.dataframe([{"reason": r, "rows": n} for r, n in reject_summary(v)], hide_index=True, width="content")
        _rows_sample(v.rejects, "rejected rows", f"{Path(prepared.table.source).stem or 'import'}-rejected.csv",
                     key=f"rejects_{key}")


def _rows_sample(rows: pd.DataFrame, what: str, file_name: str, *, key: str) -> None:
    """Draw the first 100 of ``rows`` (shown as data, never as Markdown) and a download of all of them."""
    st.caption(f"The first {min(SAMPLE_ROWS, len(rows))} of {len(rows):,} {what}:")
    st.dataframe(rows.head(SAMPLE_ROWS), hide_index=True)
    csv_download(rows, f"Download all {len(rows):,} {what} (CSV)", file_name, key=key)


def missing_preview(store: Store, name: str, existing: DatasetInfo | None, prepared: Prepared) -> pd.DataFrame:
    """Return the stored rows of ``existing`` that ``prepared`` no longer has (empty for a new dataset).

    Kept for the session while the dataset, its version and the file's row keys stay the same, so the many
    reruns of one preview read the store once.
    """
    if existing is None:
        return pd.DataFrame()
    keys = hashlib.sha256("\x1f".join(prepared.validation.canonical["row_key"]).encode()).hexdigest()
    token = (settings.database_url(), name, existing.data_version, keys)
    memo = st.session_state.get("missing_memo")
    if memo is None or memo[0] != token:
        memo = (token, missing_rows(store, name, prepared))
        st.session_state["missing_memo"] = memo
    return memo[1]


def show_missing(missing: pd.DataFrame, sentence: str, dataset: str, *, key: str) -> None:
    """Draw the stored rows a file no longer has: what happens to them, the first 100 and all as CSV."""
    if missing.empty:
        return
    st.markdown("**Stored rows that are not in this file**")
    st.info(escape_markdown(sentence), icon=":material/info:")
    stem = re.sub(r"[^\w.-]+", "_", dataset)[:80] or "dataset"
    _rows_sample(missing, "stored rows not in the file", f"{stem}-missing.csv", key=f"missing_{key}")
