"""Chart and table downloads: every kind of chart the pages draw renders offline as PNG and SVG; tables as Excel.

The images come from ``portal.ui.charts`` (vl-convert, no browser); the workbook from ``portal.ui.downloads``.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Callable

import altair as alt
import openpyxl
import pandas as pd
import pytest

from portal import metrics
from portal.metrics import STATUSES
from portal.safe_csv import csv_safe
from portal.ui import compare_views, kpi, theme_charts
from portal.ui.charts import EXPORT_WIDTH, PNG_SCALE, chart_png, chart_svg, export_spec, file_stem
from portal.ui.downloads import csv_bytes, excel_bytes

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}svg"
MONTHS = list(pd.date_range("2026-01-01", periods=6, freq="MS"))


def groups(n: int = 4) -> pd.DataFrame:
    """Return a ``group_frame``-like table with every status once."""
    est = [30.0, -3.0, 12.0, 20.0][:n]
    return pd.DataFrame({"value": ["Free", "Pro", "Team", "Edu"][:n], "value_2": ["EMEA", "EMEA", "APAC", "APAC"][:n],
                         "estimate": est, "low": [e - 8 for e in est], "high": [e + 8 for e in est],
                         "n": [150, 120, 200, 12][:n], "rest": [10.0] * n, "difference": [e - 10 for e in est],
                         "p_adjusted": [0.01, 0.02, 0.5, None][:n], "status": list(STATUSES)[:n]})


def kpi_trend() -> pd.DataFrame:
    """Return a monthly NPS trend as ``metrics`` gives it, one real change."""
    return pd.DataFrame({"period": MONTHS, metrics.estimate_column("nps"): [20.0, 22, 25, 24, 30, 31],
                         "nps_ci_low": [10.0, 12, 15, 14, 20, 21], "nps_ci_high": [30.0, 32, 35, 34, 40, 41],
                         metrics.count_column("nps"): [100] * 6, "nps_significant": [False, False, True, False, True,
                                                                                      False]})


def ranking(kind: str) -> pd.DataFrame:
    """Return a ``ranking_frame``-like table of three themes and Uncategorised."""
    value = [-4.0, 2.5, -1.0, 0.5] if kind == "impact" else [40.0, 25.0, 10.0, 5.0]
    return pd.DataFrame({"theme": ["Billing", "Speed", "Support", "Uncategorised"], "value": value,
                         "low": [v - 2 for v in value], "high": [v + 2 for v in value], "n": [400, 250, 100, 50],
                         "label": [f"{v:.0f}%" for v in value], "uncategorised": [False, False, False, True]})


def problem_cells() -> pd.DataFrame:
    """Return competitor heat-map cells, one with no value."""
    cells = pd.DataFrame({"theme": ["Fees", "Fees", "App", "App"], "group": ["Ours", "Rival", "Ours", "Rival"],
                          "problem_rate": [0.12, 0.3, None, 0.05], "share": [0.2, 0.4, 0.1, 0.1],
                          "problems": [12, 30, 0, 5], "read": [100, 100, 0, 100]})
    return cells.assign(text=["12.0%", "30.0%", "–", "5.0%"])


#: Every chart builder the pages draw with, on small data of the shape the pages pass.
CHARTS: dict[str, Callable[[], alt.TopLevelMixin]] = {
    "KPI trend with events": lambda: kpi.trend_chart(kpi_trend(), "nps", "month", pd.DataFrame(
        {"date": [pd.Timestamp("2026-03-10")], "label": ["Price change"], "kind": ["pricing"]})),
    "group intervals (selection)": lambda: kpi.interval_chart(groups(), "nps", 12.0, "Plan"),
    "segment heat-map (selection)": lambda: kpi.heatmap_chart(groups(), "nps", 12.0, "Plan", "Region"),
    "key drivers": lambda: kpi.drivers_chart(pd.DataFrame({
        "driver": ["Plan", "Region"], "importance": [0.6, 0.4], "low": [0.5, 0.3], "high": [0.7, 0.5],
        "direction": ["Pro higher", "EMEA lower"]})),
    "theme ranking by volume (selection)": lambda: theme_charts.ranking_chart(ranking("volume"), "volume", "Speed"),
    "theme ranking by impact": lambda: theme_charts.ranking_chart(ranking("impact"), "impact", None),
    "theme trend": lambda: theme_charts.trend_chart(pd.DataFrame(
        {"period": MONTHS, "share": [0.1, 0.12, 0.2, 0.15, 0.1, 0.11], "n": [5] * 6, "comments": [50] * 6}), "month"),
    "mention sentiment": lambda: theme_charts.sentiment_chart(pd.DataFrame(
        {"sentiment": ["negative", "neutral", "positive"], "n": [5, 3, 12], "share": [0.25, 0.15, 0.6]})),
    "competitor heat-map (selection)": lambda: compare_views.heatmap_chart(problem_cells(), ["Ours", "Rival"]),
    "competitor rating trends": lambda: compare_views.rating_trend_chart(pd.DataFrame(
        {"group": ["Ours"] * 3 + ["Rival"] * 3, "period": MONTHS[:3] * 2, "rating_mean": [4.1, 4.0, 4.2, 3.5, 3.9, 3.6],
         "n": [40] * 6})),
}


@pytest.mark.parametrize("kind", list(CHARTS))
def test_every_kind_of_chart_downloads_as_png_and_svg(kind):
    chart = CHARTS[kind]()
    png = chart_png(chart, title=kind)
    assert png.startswith(PNG_MAGIC)
    width = int.from_bytes(png[16:20], "big")  # the IHDR chunk: the image is at least the export width
    assert width >= EXPORT_WIDTH * PNG_SCALE * 0.9
    root = ET.fromstring(chart_svg(chart, title=kind))
    assert root.tag == SVG
    words = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert kind in words  # the title is written on the image, so a downloaded chart says what it shows


def test_the_exported_chart_is_on_white_at_a_fixed_width_and_keeps_an_own_width():
    spec = export_spec(kpi.drivers_chart(pd.DataFrame({"driver": ["Plan"], "importance": [1.0], "low": [0.9],
                                                       "high": [1.0], "direction": [""]})))
    assert '"background": "white"' in spec and f'"width": {EXPORT_WIDTH}' in spec
    assert '"width": 300' in export_spec(alt.Chart(pd.DataFrame({"a": [1]})).mark_bar().encode(x="a:Q")
                                         .properties(width=300))


@pytest.mark.parametrize(("name", "stem"), [("NPS by plan/region", "NPS-by-plan-region"), ("../../etc", "etc"),
                                             ("", "chart")])
def test_file_names_hold_no_path(name, stem):
    assert file_stem(name) == stem


RISKY = ["=HYPERLINK(\"http://x\")", "+1+cmd", "-2+3", "@SUM(1)", " =1", "\u3000=1", "\uff1dSUM(A1)", "\t=1"]


def test_excel_round_trips_figures_dates_and_missing_values():
    frame = pd.DataFrame({"Group": ["Free", "Pro", None], "Responses": [150, 120, 30],
                          "NPS": [30.5, -3.25, float("nan")], "Since": pd.to_datetime(["2026-01-01"] * 3),
                          "Real": [True, False, True]})
    sheet = openpyxl.load_workbook(io.BytesIO(excel_bytes(frame, sheet="NPS by plan"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "NPS by plan"
    assert rows[0] == tuple(frame.columns)
    assert rows[1] == ("Free", 150, 30.5, pd.Timestamp("2026-01-01").to_pydatetime(), True)
    assert rows[2][2] == -3.25 and rows[3][0] is None and rows[3][2] is None
    assert len(rows) == 4


def test_excel_never_holds_a_formula_and_quotes_like_the_csv():
    frame = pd.DataFrame({"=name": RISKY, "n": range(len(RISKY)), "number": ["-5", "+3.2", "-1,234", "12%",
                                                                              "ok", "a=b", "", "x"]})
    sheet = openpyxl.load_workbook(io.BytesIO(excel_bytes(frame))).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)  # no cell is stored as a formula
    values = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    expected = csv_safe(frame)
    assert values[0][0] == "'=name"
    assert [r[0] for r in values[1:]] == ["'" + v for v in RISKY] == list(expected["'=name"])
    assert [r[2] for r in values[1:]] == ["-5", "+3.2", "-1,234", "12%", "ok", "a=b", None, "x"]


def test_csv_and_excel_quote_the_same_cells():
    frame = pd.DataFrame({"text": RISKY})
    csv_cells = pd.read_csv(io.BytesIO(csv_bytes(frame)), encoding="utf-8-sig", keep_default_na=False)["text"]
    sheet = openpyxl.load_workbook(io.BytesIO(excel_bytes(frame))).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == list(csv_cells)


def test_excel_takes_text_with_control_characters_a_workbook_cannot_hold():
    frame = pd.DataFrame({"comment": ["Billing broke\x0bagain", "bell\x07", "fine"]})
    sheet = openpyxl.load_workbook(io.BytesIO(excel_bytes(frame))).active
    assert [c.value for c in sheet["A"]] == ["comment", "Billing broke\ufffdagain", "bell\ufffd", "fine"]
