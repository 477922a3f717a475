"""`portal journey` end to end: a real store, the real CLI entry point; setting, reading and bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from portal import cli
from portal.errors import NotFoundError
from portal.metrics.journey import STAGE_KEYS
from portal.services import journey as journey_service
from portal.store import Store


@pytest.fixture
def dataset(put_dataset, make_frame, make_config):
    # 60 per stage: Sign-up and Renewal 36 promoters and 24 detractors (NPS 20), Billing 12 and 48 (NPS -60).
    stage = ["Sign-up"] * 60 + ["Billing"] * 60 + ["Renewal"] * 60
    nps = np.array([10.0] * 36 + [3.0] * 24 + [10.0] * 12 + [3.0] * 48 + [10.0] * 36 + [3.0] * 24)
    frame = make_frame(nps=nps, Stage=stage, Region=(["North", "South"] * 90),
                       date=["2024-01-15"] * 90 + ["2024-02-15"] * 90)
    put_dataset("survey", frame, make_config("nps", "date", segments=("Stage", "Region")))
    return frame


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_set_then_print_the_json_contract(capsys, db_url, dataset):
    code, _, err = run(capsys, "journey", "--dataset", "survey", "--db", db_url, "--column", "Stage",
                       "--order", "Sign-up, Billing ,Renewal")
    assert code == 0, err
    assert "Sign-up > Billing > Renewal" in err
    code, out, err = run(capsys, "journey", "--dataset", "survey", "--db", db_url, "--format", "json")
    assert code == 0, err
    doc = json.loads(out, parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))
    assert list(doc) == ["column", "stages", "weakest"]
    assert doc["column"] == "Stage"
    assert [s["stage"] for s in doc["stages"]] == ["Sign-up", "Billing", "Renewal"]
    assert all(list(s) == list(STAGE_KEYS) for s in doc["stages"])
    # Sign-up: 36 P, 24 D of 60 -> 20; Billing: 12 P, 48 D -> -60.
    assert [s["nps"] for s in doc["stages"]] == pytest.approx([20.0, -60.0, 20.0])
    assert [s["n"] for s in doc["stages"]] == [60, 60, 60]
    assert doc["weakest"]["stage"] == "Billing" and doc["weakest"]["difference"] == pytest.approx(-80.0)
    code, kpis_out, _ = run(capsys, "kpis", "--dataset", "survey", "--db", db_url, "--by", "Stage", "--format",
                            "json")
    groups = {g["value"]: g for g in json.loads(kpis_out)["groups"]}
    for stage in doc["stages"]:  # the same intervals and adjusted p-values as `portal kpis --by`
        assert stage["nps_ci"] == groups[stage["stage"]]["nps_ci"]
        assert stage["p_adjusted"] == groups[stage["stage"]]["p_adjusted"]


def test_table_format_and_filters(capsys, db_url, dataset):
    store = Store(db_url)
    journey_service.set_journey(store, "survey", "Stage", ["Renewal", "Sign-up", "Billing"])
    store.close()
    code, out, err = run(capsys, "journey", "--dataset", "survey", "--db", db_url)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Journey along Stage, first stage to last:"
    assert [line.split()[0] for line in lines[2:5]] == ["Renewal", "Sign-up", "Billing"]
    assert "The journey loses most at Billing" in out
    code, out, err = run(capsys, "journey", "--dataset", "survey", "--db", db_url, "--where", "Region=North",
                         "--from", "2024-02-01", "--format", "json")
    assert code == 0, err
    assert sum(s["n"] for s in json.loads(out)["stages"]) == 45  # February's 90 rows, half of them North


@pytest.mark.parametrize(("args", "message", "exit_code"), [
    (["--column", "Nope", "--order", "A"], "There is no column 'Nope'", 1),
    (["--column", "Stage", "--order", "Sign-up,Billing"], "leaves out 'Renewal'", 1),
    (["--column", "Stage", "--order", "Sign-up,Billing,Renewal,Churn"], "Stage has no stage 'Churn'", 1),
    (["--column", "Stage", "--order", "Sign-up,Billing,Billing,Renewal"], "'Billing' is listed twice", 1),
    (["--column", "Stage"], "needs both --column COLUMN and --order", 2),
    ([], "has no journey yet", 1),
])
def test_bad_input_gets_one_sentence_and_stores_nothing(capsys, db_url, dataset, args, message, exit_code):
    code, out, err = run(capsys, "journey", "--dataset", "survey", "--db", db_url, *args)
    assert code == exit_code
    assert out == ""
    assert err.startswith("Error: ") and message in err and len(err.strip().splitlines()) == 1
    store = Store(db_url)
    assert journey_service.get_journey(store, "survey") is None
    store.close()


def test_unknown_dataset(capsys, db_url, dataset):
    code, _, err = run(capsys, "journey", "--dataset", "nope", "--db", db_url, "--format", "json")
    assert code == 1 and "No dataset named 'nope'" in err


def test_the_journey_is_stored_and_deleted_with_its_dataset(db_url, dataset):
    store = Store(db_url)
    saved = journey_service.set_journey(store, "survey", "Stage", ["Billing", "Renewal", "Sign-up"])
    assert saved.column == "Stage"
    store.close()
    again = Store(db_url)  # a fresh connection reads what was stored
    assert journey_service.get_journey(again, "survey").stages == ("Billing", "Renewal", "Sign-up")
    journey_service.set_journey(again, "survey", "Region", ["South", "North"])  # replaces the first
    assert journey_service.get_journey(again, "survey").column == "Region"
    again.delete_dataset("survey")
    with pytest.raises(NotFoundError):
        journey_service.get_journey(again, "survey")
    again.close()
