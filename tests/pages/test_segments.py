"""The Segments page: every group's KPI with its interval, real differences, small groups, periods, heat-map,
download and key drivers."""

from __future__ import annotations

import pandas as pd
import pytest
from kpitools import (
    REVIEWS,
    SURVEY,
    by_label,
    charts,
    groups_table,
    import_survey,
    open_app,
    stored,
    survey_frame,
    texts,
)

from portal import metrics
from portal.metrics import STATUSES, drivers, export_groups, group_frame
from portal.store import Store


def test_every_group_is_shown_with_the_library_figures_sorted_by_difference(demo):
    at = open_app("segments", query={"dataset": SURVEY})
    assert not at.exception and not at.error
    assert by_label(at.selectbox, "Break down by").value == "Plan"
    frame, config = stored(demo, SURVEY)
    expected = metrics.kpis_by(metrics.prepare(frame, config), "Plan")
    table = groups_table(at)
    assert sorted(table["Plan"]) == sorted(expected["value"])
    assert list(table["Difference"]) == sorted(table["Difference"], reverse=True)
    by_plan = expected.set_index("value")
    for row in table.to_dict(orient="records"):
        lib = by_plan.loc[row["Plan"]]
        assert row["Responses"] == lib["nps_n"]
        assert row["NPS"] == pytest.approx(lib["nps"])
        assert (row["95% from"], row["95% to"]) == pytest.approx((lib["nps_ci_low"], lib["nps_ci_high"]))
        real = STATUSES[0] if lib["difference"] > 0 else STATUSES[1]
        assert row[metrics.STATUS_LABEL] == (real if lib["significant"] else STATUSES[2])
    assert "Download the table (CSV)" in [b.label for b in at.get("download_button")]


def test_interval_chart_has_a_bar_per_group_and_a_click_selection(demo):
    at = open_app("segments", query={"dataset": SURVEY})
    [chart] = [c for c in charts(at) if "point" in c.marks()][:1]
    rows = chart.rows()
    assert list(rows["value"]) == list(groups_table(at)["Plan"])
    assert (rows["low"] <= rows["estimate"]).all() and (rows["estimate"] <= rows["high"]).all()
    params = chart.spec["params"]
    assert [p["name"] for p in params] == ["group"] and params[0]["select"]["fields"] == ["value"]
    chart_element = at.get("vega_lite_chart")[0]
    assert "group" in chart_element.proto.selection_mode


def test_small_groups_are_greyed_and_never_real(page_db):
    with Store(page_db) as store:
        import_survey(store, "Small", survey_frame(0, plans={"Basic": 400, "Plus": 400, "Tiny": 12}, months=3))
    at = open_app("segments", query={"dataset": "Small"})
    assert not at.exception and not at.error
    table = groups_table(at).set_index("Plan")
    assert table.loc["Tiny", metrics.STATUS_LABEL] == "Too few responses" and table.loc["Tiny", "Responses"] == 12
    assert "1 has fewer than 30 responses and is greyed" in texts(at)
    [chart] = [c for c in charts(at) if "point" in c.marks()]
    statuses = dict(zip(chart.rows()["value"], chart.rows()["status"], strict=True))
    assert statuses["Tiny"] == "Too few responses"


def test_the_period_selector_narrows_to_one_month(demo):
    at = open_app("segments", query={"dataset": SURVEY})
    [grain] = [b for b in at.get("button_group") if b.label == "Period"]
    at = grain.set_value("month").run()
    month = by_label(at.selectbox, "Month")
    assert month.value == pd.Timestamp("2026-10-01")  # the newest month comes first
    at = month.set_value(pd.Timestamp("2026-04-01")).run()
    assert not at.exception and not at.error
    frame, _ = stored(demo, SURVEY)
    in_april = frame[(frame["date"] >= "2026-04-01") & (frame["date"] < "2026-05-01")]
    assert groups_table(at)["Responses"].sum() == in_april["nps"].notna().sum()
    assert "NPS by Plan, April 2026" in texts(at)


def test_a_second_column_draws_a_heat_map_of_every_combination(demo):
    at = open_app("segments", query={"dataset": SURVEY})
    at = by_label(at.selectbox, "Heat-map with").set_value("Region").run()
    assert not at.exception and not at.error
    [heat] = [c for c in charts(at) if "rect" in c.marks()]
    cells = heat.rows()
    frame, config = stored(demo, SURVEY)
    expected = group_frame(metrics.kpis_by(metrics.prepare(frame, config), ["Plan", "Region"]), "nps")
    assert len(cells) == len(expected) == 16
    merged = cells.merge(expected, on=["value", "value_2"], suffixes=("", "_lib"))
    assert (merged["estimate"] - merged["estimate_lib"]).abs().max() < 1e-9
    assert (merged["status"] == merged["status_lib"]).all()
    assert heat.spec["params"][0]["select"]["fields"] == ["value", "value_2"]


def test_reviews_can_be_compared_on_the_rating_by_app(demo):
    at = open_app("segments", query={"dataset": REVIEWS})
    assert by_label(at.selectbox, "Break down by").value == "brand"
    at = by_label(at.selectbox, "KPI").set_value("rating").run()
    assert not at.exception and not at.error
    table = groups_table(at).set_index("App")
    frame, config = stored(demo, REVIEWS)
    expected = metrics.kpis_by(metrics.prepare(frame, config), "brand", metric="rating").set_index("value")
    assert table.loc["Globex", "Rating"] == pytest.approx(expected.loc["Globex", "rating_mean"])
    assert table.loc["Globex", metrics.STATUS_LABEL] == "Higher than the rest"


def test_export_has_the_cli_keys_unrounded(demo):
    frame, config = stored(demo, SURVEY)
    table = metrics.kpis_by(metrics.prepare(frame, config), "Plan")
    out = export_groups(table, ["Plan"])
    records = metrics.to_records(table)
    assert list(out["Plan"]) == [r["value"] for r in records]
    assert list(out["nps"]) == [r["nps"] for r in records]
    assert list(out["nps_ci_low"]) == [r["nps_ci"][0] for r in records]
    assert {"p_adjusted", "significant", "low_sample", "revenue_at_risk"} <= set(out.columns)
    two = export_groups(metrics.kpis_by(metrics.prepare(frame, config), ["Plan", "Region"]), ["Plan", "Region"])
    assert len(two) == 16 and set(two["Region"]) == {"APAC", "EMEA", "LATAM", "North America"}


def test_key_drivers_rank_columns_with_names_people_know(demo):
    at = open_app("segments", query={"dataset": SURVEY})
    assert not at.exception and not at.error
    chosen = by_label(at.multiselect, "Columns that might drive it")
    assert chosen.value == ["value", "Plan", "Region", "Channel", "Touchpoint"]  # sentiment only on request
    assert "sentiment" in chosen.options or "Sentiment" in chosen.options
    frame, _ = stored(demo, SURVEY)
    renamed = frame.rename(columns={"value": "MRR"})
    expected = drivers.key_drivers(renamed, "nps", ["MRR", "Plan", "Region", "Channel", "Touchpoint"])
    words = texts(at)
    assert expected.sentence in words
    for sentence in expected.table["sentence"]:
        assert sentence in words
    [ranked] = [c for c in charts(at) if c.marks() == ["bar", "rule"]]
    assert list(ranked.rows()["driver"]) == list(expected.table["driver"])
    assert "value explains" not in words  # the revenue column goes by its own name


def test_key_drivers_of_ratings_leave_out_the_csat_derived_from_them(demo):
    at = open_app("segments", query={"dataset": REVIEWS})
    chosen = by_label(at.multiselect, "Columns that might drive it")
    assert "csat" not in chosen.value and "brand" in chosen.value
    assert by_label(at.selectbox, "Score to explain").options == ["Star rating"]


def test_breaking_down_by_a_filtered_column_explains_the_single_group(demo):
    at = open_app("segments", query={"dataset": SURVEY, "where": "Plan=Pro"})
    assert not at.exception and not at.error
    assert list(groups_table(at)["Plan"]) == ["Pro"]
    assert "The portal is filtered to Plan: Pro" in texts(at)


def test_empty_store_points_to_the_data_sources_page(page_db):
    at = open_app("segments")
    assert not at.exception and not at.error
    assert "There is no data yet" in texts(at)
    assert at.get("page_link")


def test_headers_written_like_identifiers_read_as_words_on_the_page(page_db):
    # The BA reviews' segments are named "seat_type", "traveller_type": the page, the sidebar and the
    # Overview call them "Seat type" and "Traveller type"; the link's where= keeps the header as stored.
    frame = survey_frame(0, plans={"Basic": 300, "Plus": 300}).rename(columns={"Plan": "seat_type"})
    frame["traveller_type"] = ["Solo Leisure", "Business"] * 300
    with Store(page_db) as store:
        import_survey(store, "Flights", frame)
    at = open_app("segments", query={"dataset": "Flights", "segments_by": "Traveller type",
                                     "where": "seat_type=Plus"})
    assert not at.exception and not at.error
    assert by_label(at.selectbox, "Break down by").value == "traveller_type"
    assert "Traveller type" in groups_table(at).columns
    words = texts(at)
    assert "NPS by Traveller type, all dates" in words and "traveller_type" not in words
    assert [m.label for m in at.sidebar.multiselect][:2] == ["Seat type", "Traveller type"]
    assert at.sidebar.multiselect[0].value == ["Plus"]


def _x_axis(columns: list[str]) -> dict:
    """Return the heat-map's column axis for one row of cells over ``columns``."""
    from portal.ui import kpi

    cells = pd.DataFrame({"value": "United Kingdom", "value_2": columns, "estimate": 4.0, "low": 3.0, "high": 5.0,
                          "n": range(100, 100 + len(columns)), "status": STATUSES[2]})
    spec = kpi.heatmap_chart(cells, "rating", 4.2, "Place", "Aircraft", rating_scale=(1, 10)).to_dict()
    axes = [layer["encoding"]["x"]["axis"] for layer in spec["layer"]]
    assert axes[0] == axes[1]
    return axes[0]


def test_a_heat_map_with_many_columns_slants_their_names_so_none_is_hidden():
    # 25 aircraft types side by side: level labels overlapped and Vega hid every other one, leaving columns unnamed.
    aircraft = [f"Boeing 7{n:02d}-200ER" for n in range(25)]
    axis = _x_axis(aircraft)
    assert axis["labelAngle"] != 0 and axis["labelOverlap"] is False


def test_a_heat_map_with_a_few_short_columns_keeps_level_names():
    axis = _x_axis(["North America", "EMEA", "APAC", "LATAM"])
    assert axis["labelAngle"] == 0


def test_the_value_axes_ask_for_about_ten_ticks_not_one_every_forty_pixels(demo):
    # Vega's default put 31 labels (0.0, 0.2, ... 6.0) under the key-driver bars: read as a smear.
    at = open_app("segments", query={"dataset": SURVEY})
    assert not at.exception
    axes = []
    for chart in charts(at):
        for layer in chart.spec.get("layer", [chart.spec]):
            x = layer.get("encoding", {}).get("x", {})
            if x.get("type") == "quantitative" and "axis" in x:
                axes.append((x.get("title"), x["axis"].get("tickCount")))
    titles = {t for t, _ in axes}
    assert any("with 95% interval" in str(t) for t in titles)  # the groups' dots
    assert any("explains" in str(t) for t in titles)  # the key drivers
    assert all(count == 10 for _, count in axes), axes
