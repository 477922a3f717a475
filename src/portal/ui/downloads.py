"""Download buttons for tables: CSV with spreadsheet formulas neutralised."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from portal.safe_csv import write_csv


def csv_download(frame: pd.DataFrame, label: str, file_name: str, *, key: str) -> None:
    """Draw a button that downloads ``frame`` as CSV (UTF-8 with BOM so Excel reads accents)."""
    data = (write_csv(frame) or "").encode("utf-8-sig")
    st.download_button(label, data=data, file_name=file_name, mime="text/csv", key=key,
                       icon=":material/download:")
