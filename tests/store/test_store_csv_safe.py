"""csv_safe: text a spreadsheet would run as a formula is quoted; everything else is left alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.safe_csv import csv_safe


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=SUM(A1:A3)", "'=SUM(A1:A3)"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("- bullet point", "'- bullet point"),
        ("-5", "-5"),
        ("+3.25", "+3.25"),
        ("-1,234.5", "-1,234.5"),
        ("-1e5", "-1e5"),
        ("-12%", "-12%"),
        ("plain text", "plain text"),
        ("a=b", "a=b"),
        ("", ""),
        (" =1", "' =1"),
        ("  @SUM(1)", "'  @SUM(1)"),
        ("\u00a0+cmd", "'\u00a0+cmd"),
        ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"),  # full-width equals sign
        ("\u3000\uff0b1+cmd", "'\u3000\uff0b1+cmd"),  # ideographic space, full-width plus
        (" -5", " -5"),
        ("\uff0d5", "\uff0d5"),  # a full-width minus five is a number
        ("  plain", "  plain"),
    ],
)
def test_cells(cell: str, expected: str) -> None:
    out = csv_safe(pd.DataFrame({"c": pd.Series([cell], dtype=object)}))
    assert out["c"].iloc[0] == expected


def test_frame_is_not_modified_and_other_types_untouched() -> None:
    frame = pd.DataFrame({
        "text": pd.Series(["=1+1", None, "ok"], dtype=object),
        "number": [-1.5, np.nan, 3.0],
        "integer": [-1, 2, 3],
        "when": pd.to_datetime(["2024-01-01", None, "2024-01-03"]),
        "mixed": pd.Series([-7, "=cmd", None], dtype=object),
        "string": pd.Series(["@x", None, "y"], dtype="string"),
        "category": pd.Series(["=a", "b", "=a"], dtype="category"),
    })
    before = frame.copy()
    out = csv_safe(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert out["text"].tolist() == ["'=1+1", None, "ok"]
    pd.testing.assert_series_equal(out["number"], frame["number"])
    pd.testing.assert_series_equal(out["integer"], frame["integer"])
    pd.testing.assert_series_equal(out["when"], frame["when"])
    assert out["mixed"].tolist() == [-7, "'=cmd", None]
    assert out["string"].dtype == frame["string"].dtype
    assert out["string"].tolist()[0] == "'@x" and pd.isna(out["string"].iloc[1])
    assert out["category"].tolist() == ["'=a", "b", "'=a"]


def test_column_names_are_quoted_too() -> None:
    out = csv_safe(pd.DataFrame({"=HYPERLINK(\"http://x\")": ["a"], "fine": ["b"], 3: ["c"]}))
    assert out.columns.tolist() == ["'=HYPERLINK(\"http://x\")", "fine", 3]


def test_default_str_dtype_columns() -> None:
    out = csv_safe(pd.DataFrame({"c": ["=1", "2", None]}))
    assert out["c"].tolist()[:2] == ["'=1", "2"]


@settings(deadline=None)  # timing is not what this test checks
@given(st.lists(st.text(max_size=12), min_size=1, max_size=8))
def test_no_risky_cell_survives(cells: list[str]) -> None:
    out = csv_safe(pd.DataFrame({"c": pd.Series(cells, dtype=object)}))
    for original, safe in zip(cells, out["c"], strict=True):
        assert safe in (original, "'" + original)
        if safe == original and original[:1] in ("=", "+", "-", "@", "\t", "\r"):
            float(original.replace(",", "").rstrip("%"))  # only numbers keep a sign in front
