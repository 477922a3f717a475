"""The mapping step: an editable table of columns and the role each plays, with examples and reasons."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from portal.model import ROLE_LABELS, SINGLE_ROLES, DatasetConfig, Mapping

_LABEL_TO_ROLE = {label: role for role, label in ROLE_LABELS.items()}


def mapping_table(frame: pd.DataFrame, config: DatasetConfig, reasons: dict[str, str]) -> pd.DataFrame:
    """Return one row per source column: its role label, example values and why it was mapped so."""
    rows = []
    for column in frame.columns:
        values = frame[column].dropna().astype(str)
        examples = " · ".join(v[:40] for v in values.drop_duplicates().head(3))
        rows.append({
            "Column": str(column),
            "Role": ROLE_LABELS[config.mapping.role_of(column)],
            "Examples": examples,
            "Why": reasons.get(column, ""),
        })
    return pd.DataFrame(rows)


def mapping_from_table(edited: pd.DataFrame) -> tuple[Mapping, list[str]]:
    """Build a Mapping from the edited table; return it with a list of problems (a role used twice)."""
    mapping = Mapping()
    problems: list[str] = []
    seen: dict[str, str] = {}
    for column, label in zip(edited["Column"], edited["Role"], strict=True):
        role = _LABEL_TO_ROLE.get(str(label), "ignore")
        if role == "ignore":
            continue
        if role in SINGLE_ROLES:
            if role in seen:
                problems.append(
                    f"Both '{seen[role]}' and '{column}' are set to {ROLE_LABELS[role]}; choose one of them."
                )
                continue
            seen[role] = column
        mapping = mapping.with_role(role, column)
    return mapping, problems


def mapping_editor(frame: pd.DataFrame, config: DatasetConfig, reasons: dict[str, str], *, key: str) -> tuple[
    Mapping, list[str]
]:
    """Draw the editable mapping table and return the mapping the person chose and any problems."""
    table = mapping_table(frame, config, reasons)
    edited = st.data_editor(
        table,
        key=key,
        hide_index=True,
        width="stretch",
        disabled=["Column", "Examples", "Why"],
        column_config={
            "Role": st.column_config.SelectboxColumn(
                "Role",
                options=list(ROLE_LABELS.values()),
                required=True,
                help="What this column holds. Every column that is not a score, date, id or text is a segment.",
            ),
            "Why": st.column_config.TextColumn("Why the portal thinks so", width="large"),
        },
    )
    return mapping_from_table(edited)
