"""Events on the timeline: the migration, storing, listing, deleting, and before/after comparisons."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from portal import metrics
from portal.errors import InputError, NotFoundError
from portal.metrics.events import compare_event
from portal.services import events as event_service
from portal.store.schema import events as events_table


@pytest.fixture
def survey(make_frame):
    rng = np.random.default_rng(8)
    days = pd.date_range("2024-03-01", "2024-04-30", freq="D")
    dates = rng.choice(days.to_numpy(), 1500)
    after = dates >= np.datetime64("2024-04-01")
    nps = np.where(after, rng.choice([0.0, 3.0, 8.0, 10.0], 1500), rng.choice([8.0, 9.0, 10.0], 1500))
    csat = rng.integers(1, 6, 1500).astype(float)
    return make_frame(nps=nps, csat=csat, date=dates, Plan=rng.choice(["a", "b"], 1500).tolist())


def test_migration_creates_the_events_table(store):
    inspector = sa.inspect(store.engine)
    assert "events" in inspector.get_table_names()
    columns = {c["name"] for c in inspector.get_columns("events")}
    assert columns == {"id", "dataset_id", "date", "label", "kind", "created_at"}
    (fk,) = inspector.get_foreign_keys("events")
    assert fk["referred_table"] == "datasets" and fk["options"].get("ondelete") == "CASCADE"


def test_add_list_and_delete_events(store, put_dataset, make_frame, make_config):
    put_dataset("s", make_frame(nps=[1.0, 9.0]), make_config("nps"))
    late = event_service.add_event(store, "s", "2024-05-02", "Price change", "price change")
    early = event_service.add_event(store, "s", date(2024, 4, 1), "  App release 4.2 ", "release")
    assert early.label == "App release 4.2" and early.date == date(2024, 4, 1)
    assert [e.label for e in event_service.list_events(store, "s")] == ["App release 4.2", "Price change"]
    frame = event_service.events_frame(store, "s")
    assert frame["date"].tolist() == [pd.Timestamp("2024-04-01"), pd.Timestamp("2024-05-02")]
    assert frame["kind"].tolist() == ["release", "price change"]
    event_service.delete_event(store, late.id)
    assert [e.id for e in event_service.list_events(store, "s")] == [early.id]
    with pytest.raises(NotFoundError, match=f"no event number {late.id}"):
        event_service.delete_event(store, late.id)


def test_events_are_checked(store, put_dataset, make_frame, make_config):
    put_dataset("s", make_frame(nps=[1.0]), make_config("nps"))
    with pytest.raises(InputError, match="short label"):
        event_service.add_event(store, "s", "2024-05-02", "   ")
    with pytest.raises(InputError, match="release, price change"):
        event_service.add_event(store, "s", "2024-05-02", "Launch", "party")
    with pytest.raises(InputError, match="2024-01-31"):
        event_service.add_event(store, "s", "02/05/2024", "Launch")
    with pytest.raises(NotFoundError, match="No dataset named 'other'"):
        event_service.add_event(store, "other", "2024-05-02", "Launch")
    with pytest.raises(NotFoundError):
        event_service.list_events(store, "other")


def test_deleting_a_dataset_deletes_its_events(store, put_dataset, make_frame, make_config):
    put_dataset("s", make_frame(nps=[1.0]), make_config("nps"))
    put_dataset("t", make_frame(nps=[2.0]), make_config("nps"))
    event_service.add_event(store, "s", "2024-05-02", "Outage", "outage")
    event_service.add_event(store, "t", "2024-05-03", "Kept")
    store.delete_dataset("s")
    with store.engine.connect() as conn:
        labels = conn.execute(sa.select(events_table.c.label)).scalars().all()
    assert labels == ["Kept"]


def test_compare_before_and_after_an_event(survey, make_config):
    result = compare_event(survey, make_config("nps", "csat", "date"), "2024-04-01", days=30)
    table = result.table.set_index("metric")
    dates = survey["date"]
    before = ((dates >= "2024-03-02") & (dates < "2024-04-01")).sum()
    after = ((dates >= "2024-04-01") & (dates < "2024-05-01")).sum()
    assert table.loc["nps", "first_n"] == before and table.loc["nps", "second_n"] == after
    assert table.loc["nps", "significant"] and table.loc["nps", "difference"] < -50
    assert not table.loc["csat", "significant"]
    # two KPIs compared at once: Benjamini-Hochberg across them
    assert table["p_adjusted"].tolist() == pytest.approx(list(metrics.bh_adjust(table["p_value"])))
    assert table.loc["nps", "p_adjusted"] == pytest.approx(2 * table.loc["nps", "p_value"])
    assert "NPS went down" in result.sentence
    assert table.loc["nps", "sentence"].startswith("NPS ") and "a real change" in table.loc["nps", "sentence"]


def test_compare_with_nothing_before(survey, make_config):
    result = compare_event(survey, make_config("nps", "date"), "2024-03-01", days=7)
    assert result.table.loc[0, "first_n"] == 0
    assert not result.table.loc[0, "significant"]
    assert "nothing to compare" in result.sentence
    with pytest.raises(InputError, match="at least 1 day"):
        compare_event(survey, make_config("nps", "date"), "2024-03-01", days=0)
