"""Builders of canonical frames and configurations for the KPI engine's tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from portal.model import DatasetConfig, Mapping


def _frame(n: int | None = None, **columns: Any) -> pd.DataFrame:
    """Return a canonical frame with the given columns; scores default to NaN, text to None."""
    if n is None:
        n = max((len(v) for v in columns.values() if not np.isscalar(v) and v is not None), default=0)
    base: dict[str, Any] = {
        "row_key": [f"id:{i}" for i in range(n)],
        "response_id": [str(i) for i in range(n)],
        "customer": [None] * n,
        "date": pd.Series([pd.NaT] * n, dtype="datetime64[ns]"),
        "nps": np.full(n, np.nan),
        "csat": np.full(n, np.nan),
        "rating": np.full(n, np.nan),
        "value": np.full(n, np.nan),
        "brand": [None] * n,
        "comment": [None] * n,
    }
    for key, values in columns.items():
        if key == "date":
            parsed = pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601")
            base[key] = pd.Series(parsed, dtype="datetime64[ns]")
        else:
            base[key] = values
    return pd.DataFrame(base)


@pytest.fixture
def make_frame() -> Callable[..., pd.DataFrame]:
    """Return a builder of canonical frames: ``make_frame(nps=[...], date=[...], Region=[...])``."""
    return _frame


@pytest.fixture
def make_config() -> Callable[..., DatasetConfig]:
    """Return a builder of dataset configurations mapping the named roles to columns of the same name."""

    def build(*roles: str, segments: tuple[str, ...] = (), **options: Any) -> DatasetConfig:
        mapping = Mapping(**{role: role for role in roles}, segments=segments)
        return DatasetConfig(mapping=mapping, **options)

    return build


def read_telecom(folder: Path) -> pd.DataFrame:
    """Return the telecom NPS survey as a canonical frame (day-first dates, journey stage as a segment)."""
    raw = pd.read_csv(folder / "nps_telecom_verbatims.csv", dtype=str, keep_default_na=False)
    return _frame(
        nps=pd.to_numeric(raw["NPS_SCORE"].replace("", None), errors="coerce").to_numpy(float),
        date=pd.to_datetime(raw["CUSTOMER_RESPONSE_DATE"], format="%d/%m/%Y %H:%M"),
        SURVEY_SUB_TYPE=raw["SURVEY_SUB_TYPE"].tolist(),
    )


@pytest.fixture(scope="module")
def telecom(shared_data: Path) -> pd.DataFrame:
    """The telecom NPS survey from the shared data sets as a canonical frame."""
    return read_telecom(shared_data)


@pytest.fixture
def put_dataset(store) -> Callable[..., None]:
    """Return a function that writes a canonical frame (segments as extra columns) into the test store."""

    def put(name: str, frame: pd.DataFrame, config: DatasetConfig) -> None:
        canonical = frame.copy()
        canonical["content_hash"] = [f"h{i}" for i in range(len(frame))]
        raw = pd.DataFrame({s: frame[s].astype(object) for s in config.mapping.segments}, index=frame.index)
        store.import_rows(name, config, canonical, raw, source="test", source_kind="cli")

    return put
