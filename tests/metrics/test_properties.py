"""Properties that hold for any data: NPS stays in [-100, 100] and every interval contains its estimate."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from portal import metrics
from portal.model import DatasetConfig, Mapping

counts = st.tuples(st.integers(0, 5_000), st.integers(0, 5_000), st.integers(0, 5_000))


@given(counts)
def test_nps_and_its_interval(parts):
    promoters, passives, detractors = parts
    n = promoters + passives + detractors
    nps = metrics.nps_score(promoters, detractors, n)
    low, high = metrics.nps_interval(promoters, detractors, n)
    if n == 0:
        assert np.isnan(nps) and np.isnan(low) and np.isnan(high)
        return
    assert -100.0 <= nps <= 100.0
    assert -100.0 <= low <= nps <= high <= 100.0


@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_wilson_interval_contains_the_share(top, other):
    n = top + other
    low, high = metrics.wilson_interval(top, n)
    if n == 0:
        assert np.isnan(low)
        return
    share = 100.0 * top / n
    assert 0.0 <= low <= share <= high <= 100.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 10)), max_size=60),
       st.lists(st.sampled_from(["a", "b", "c"]), min_size=60, max_size=60))
def test_tables_keep_the_bounds_and_add_up(scores, plans):
    nps = np.array([np.nan if s is None else float(s) for s in scores])
    frame = pd.DataFrame({"nps": nps, "Plan": plans[: len(scores)]})
    data = metrics.prepare(frame, DatasetConfig(mapping=Mapping(nps="nps", segments=("Plan",))))
    whole = metrics.kpis(data).iloc[0]
    groups = metrics.kpis_by(data, "Plan", min_n=1)
    assert groups["nps_n"].sum() == whole["nps_n"] == int((~np.isnan(nps)).sum())
    for table in (metrics.kpis(data), groups):
        scored = table[table["nps_n"] > 0]
        assert ((scored["nps"] >= -100) & (scored["nps"] <= 100)).all()
        wide = table[table["nps_n"] >= metrics.MIN_INTERVAL_N]
        assert (wide["nps_ci_low"] <= wide["nps"]).all() and (wide["nps"] <= wide["nps_ci_high"]).all()
        assert table.loc[table["nps_n"] < metrics.MIN_INTERVAL_N, "nps_ci_low"].isna().all()
        assert table.loc[table["nps_n"] == 0, "nps"].isna().all()
    p = groups["p_value"].dropna()
    assert ((p >= 0) & (p <= 1)).all()
    assert (groups["p_adjusted"].dropna() >= p[groups["p_adjusted"].notna()] - 1e-12).all()
