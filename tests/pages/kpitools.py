"""Tools for the Overview and Segments page tests: stores with data, the portal run through app.py."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from portal import metrics
from portal.services.imports import import_frame, load_demo
from portal.store import Store

REPO = Path(__file__).resolve().parents[2]
SURVEY = "Acme NPS survey"
REVIEWS = "App store reviews"


def make_demo_store(folder: Path) -> str:
    """Return the URL of a new store in ``folder`` holding the two demo datasets."""
    url = f"sqlite:///{folder / 'portal.db'}"
    with Store(url) as store:
        load_demo(store)
    return url


def copy_store(url: str, folder: Path) -> str:
    """Return the URL of a copy of the SQLite store at ``url`` (so a test may change it freely)."""
    source = Path(url.removeprefix("sqlite:///"))
    target = folder / "copy.db"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


@contextmanager
def portal_at(url: str) -> Iterator[str]:
    """Point the portal at the store ``url`` for the duration of the block."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PORTAL_DATABASE_URL", url)
        yield url


def open_app(page: str = "overview", *, query: dict[str, Any] | None = None) -> AppTest:
    """Return an AppTest of the whole portal (app.py) showing ``page``, started from a link with ``query``."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=180)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
    return at.run()


def go_to(at: AppTest, page: str, *, keep_query: bool = False) -> AppTest:
    """Switch ``at`` to another page as the browser does (which clears the query string) and run it."""
    if not keep_query:
        at.query_params.clear()
    return at.switch_page(f"pages/{page}.py").run()


def import_survey(store: Store, name: str, frame: pd.DataFrame) -> None:
    """Import a frame of text values as a survey dataset, like an uploaded file."""
    import_frame(store, name, frame, source=f"{name}.csv", kind="survey")


def survey_frame(rows: int, *, seed: int = 7, plans: dict[str, int] | None = None, months: int = 6,
                 last_month_shift: float = 0.0, dated: bool = True) -> pd.DataFrame:
    """Return a generated survey export: id, date, plan and a 0-10 score (fixed seed).

    ``plans`` gives each plan's number of responses (default: two plans splitting ``rows``);
    ``last_month_shift`` adds to every score in the last month (clipped to 0-10).
    """
    rng = np.random.default_rng(seed)
    plans = plans or {"Basic": rows // 2, "Plus": rows - rows // 2}
    plan = np.repeat(list(plans), list(plans.values()))
    n = len(plan)
    score = np.clip(np.round(rng.normal(7.5, 2.2, n)), 0, 10)
    days = rng.integers(0, months * 30, n)
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D")
    if last_month_shift:
        last = dates >= pd.Timestamp("2024-01-01") + pd.DateOffset(months=months - 1)
        score = np.where(last, np.clip(score + last_month_shift, 0, 10), score)
    frame = pd.DataFrame({
        "Response ID": [f"r{i}" for i in range(n)],
        "Date": dates.strftime("%Y-%m-%d"),
        "Plan": plan,
        "How likely are you to recommend us?": score.astype(int).astype(str),
    })
    return frame if dated else frame.drop(columns="Date")


@dataclass(frozen=True)
class Chart:
    """A chart on the page: its Vega-Lite spec and its data tables by name."""

    spec: dict[str, Any]
    datasets: dict[str, pd.DataFrame]

    def marks(self) -> list[str]:
        """Return the mark type of each layer."""
        out = []
        for layer in self.spec.get("layer", [self.spec]):
            mark = layer.get("mark")
            out.append(mark if isinstance(mark, str) else (mark or {}).get("type"))
        return out

    def rows(self, layer: int = 0) -> pd.DataFrame:
        """Return the data of one layer."""
        layers = self.spec.get("layer", [self.spec])
        data = layers[layer].get("data") or self.spec.get("data") or {}
        return self.datasets[data["name"]]


def charts(at: AppTest) -> list[Chart]:
    """Return every Altair chart on the page with its data (sent beside the spec as Arrow tables)."""
    out = []
    for element in at.get("vega_lite_chart"):
        tables = {d.name: pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in element.proto.datasets}
        out.append(Chart(spec=json.loads(element.proto.spec), datasets=tables))
    return out


def texts(at: AppTest) -> str:
    """Return every caption, markdown, info, warning and error text of the page, joined."""
    parts = [c.value for c in at.caption] + [m.value for m in at.markdown] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [e.value for e in at.error]
    return "\n".join(str(p).replace("\\", "") for p in parts)


def stored(url: str, name: str) -> tuple[pd.DataFrame, Any]:
    """Return a stored dataset's frame and configuration."""
    with Store(url) as store:
        return store.load(name), store.dataset(name).config


def groups_table(at: AppTest) -> pd.DataFrame:
    """Return the Segments page's table of groups."""
    found = [d.value for d in at.dataframe if metrics.STATUS_LABEL in d.value.columns]
    assert found, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def by_label(widgets: Any, label: str) -> Any:
    """Return the widget whose label is ``label``."""
    found = [w for w in widgets if w.label == label]
    assert found, [w.label for w in widgets]
    return found[0]
