"""The steps every import shares, whatever its source: check the columns, check the rows."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import streamlit as st

from portal.errors import InputError
from portal.ingest.detect import Detection
from portal.ingest.read import Table
from portal.model import DatasetConfig, derives_csat
from portal.services.imports import Prepared, reject_summary
from portal.ui.downloads import csv_download
from portal.ui.mapping import mapping_editor
from portal.ui.markdown import escape_markdown

SCALES = {"1-5": (1, 5), "1-7": (1, 7), "1-10": (1, 10), "0-10": (0, 10)}


def _scale_choice(column, label: str, current: tuple[int, int], *, key: str) -> tuple[int, int]:
    """Draw a scale selectbox and return the chosen (low, high)."""
    text = "-".join(map(str, current))
    options = list(SCALES) if text in SCALES else [text, *SCALES]
    chosen = column.selectbox(label, options, index=options.index(text), key=key)
    return SCALES.get(chosen, current)


def configure(table: Table, base: Detection, kind: str, *, key: str) -> DatasetConfig | None:
    """Draw the mapping step (editable roles, preview, scales); return the confirmed config, or None if unusable."""
    st.subheader("1. Check what each column is")
    st.caption("Change a role if the portal guessed wrong. Open the preview to see the first rows of the data.")
    mapping, problems = mapping_editor(table.frame, base.config, base.reasons, key=f"map_{key}")
    with st.expander("Preview of the first rows", expanded=False):
        st.dataframe(table.frame.head(20), hide_index=True)
    config = replace(base.config, mapping=mapping, kind=kind)
    if mapping.rating or mapping.csat:
        left, right = st.columns(2)
        if mapping.rating:
            config = replace(config, rating_scale=_scale_choice(left, "Star rating scale", config.rating_scale,
                                                                key=f"rating_scale_{key}"))
        if mapping.csat:
            config = replace(config, csat_scale=_scale_choice(right, "CSAT scale", config.csat_scale,
                                                              key=f"csat_scale_{key}"))
    config = replace(config, csat_from_rating=derives_csat(mapping, config.rating_scale))
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
        st.caption(f"The first {min(100, len(v.rejects))} of {len(v.rejects):,} rejected rows:")
        st.dataframe(v.rejects.head(100), hide_index=True)
        csv_download(v.rejects, f"Download all {len(v.rejects):,} rejected rows (CSV)",
                     f"{Path(prepared.table.source).stem or 'import'}-rejected.csv", key=f"rejects_{key}")
