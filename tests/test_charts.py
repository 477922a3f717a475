"""Chart specs: the heat-map's two colour meanings stay apart.

What a spec does in the browser is tested in tests/e2e/test_browser_charts.py; these pin the spec itself.
"""

from __future__ import annotations

import pandas as pd

from portal.metrics import STATUSES
from portal.ui import kpi


def test_the_heat_map_keeps_the_figure_colours_apart_from_the_text_colours():
    # One shared colour scale for the cells' figures and the text's literal colours (scale: null) makes
    # Vega-Lite fail in the browser: the heat-map drew nothing.
    cells = pd.DataFrame({
        "value": ["Free", "Free", "Pro", "Pro"], "value_2": ["EMEA", "APAC", "EMEA", "APAC"],
        "estimate": [30.0, -3.0, 32.0, 15.0], "low": [20.0, -10.0, 25.0, 5.0], "high": [40.0, 5.0, 40.0, 25.0],
        "n": [150, 120, 200, 20], "status": [STATUSES[2], STATUSES[1], STATUSES[0], STATUSES[3]],
    })
    spec = kpi.heatmap_chart(cells, "nps", 25.0, "Plan", "Region").to_dict()
    assert spec["resolve"] == {"scale": {"color": "independent"}}
    rect, text = spec["layer"]
    assert rect["encoding"]["color"]["field"] == "estimate" and text["encoding"]["color"]["scale"] is None
    assert spec["params"][0]["select"]["fields"] == ["value", "value_2"]
