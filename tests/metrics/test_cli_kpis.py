"""The `portal kpis` command end to end: a real store, the real CLI entry point, every output format."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from portal import cli, metrics


@pytest.fixture
def dataset(put_dataset, make_frame, make_config):
    rng = np.random.default_rng(12)
    n = 400
    region = rng.choice(["North", "South", "=cmd"], n)
    nps = rng.integers(0, 11, n).astype(float)
    nps[region == "North"] = rng.choice([9.0, 10.0], (region == "North").sum())
    frame = make_frame(
        nps=nps, rating=rng.integers(1, 6, n).astype(float),
        date=rng.choice(np.array(["2024-01-15", "2024-02-15", "2024-03-15"], dtype="datetime64[ns]"), n),
        Region=region.tolist(),
    )
    config = make_config("nps", "rating", "date", segments=("Region",))
    put_dataset("survey", frame, config)
    return frame, config


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_follows_the_contract(capsys, db_url, dataset):
    frame, config = dataset
    code, out, err = run(capsys, "kpis", "--dataset", "survey", "--db", db_url, "--by", "Region",
                         "--period", "month", "--format", "json")
    assert code == 0, err
    doc = json.loads(out, parse_constant=lambda c: pytest.fail(f"not strict JSON: {c}"))
    assert list(doc) == ["overall", "groups", "periods"]
    assert list(doc["overall"]) == list(metrics.KPI_KEYS)
    expected = metrics.kpi_report(frame, config, by="Region", period="month").to_dict()
    assert doc["overall"]["nps"] == pytest.approx(expected["overall"]["nps"])
    assert doc["overall"]["n"] == 400 and doc["overall"]["csat"] is None and doc["overall"]["customers"] is None
    groups = {g["value"]: g for g in doc["groups"]}
    assert set(groups) == {"North", "South", "=cmd"}
    assert groups["North"]["significant"] is True and groups["North"]["nps"] > doc["overall"]["nps"]
    assert list(groups["North"]) == ["value", *metrics.KPI_KEYS, *metrics.COMPARISON_KEYS]
    assert [p["period"] for p in doc["periods"]] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert doc["periods"][0]["p_value"] is None


def test_filters_by_value_and_dates(capsys, db_url, dataset):
    frame, _ = dataset
    code, out, err = run(capsys, "kpis", "--dataset", "survey", "--db", db_url, "--where", "Region=North",
                         "--where", "Region=South", "--from", "2024-02-01", "--to", "2024-02-29", "--format", "json")
    assert code == 0, err
    wanted = frame["Region"].isin(["North", "South"]) & (frame["date"] == "2024-02-15")
    assert json.loads(out)["overall"]["n"] == int(wanted.sum())
    assert "groups" not in json.loads(out)


def test_empty_selection_prints_nulls(capsys, db_url, dataset):
    code, out, err = run(capsys, "kpis", "--dataset", "survey", "--db", db_url, "--from", "2030-01-01",
                         "--format", "json")
    assert code == 0
    doc = json.loads(out)["overall"]
    assert doc["n"] == 0 and doc["nps"] is None and doc["nps_ci"] is None
    assert "No responses match" in err


def test_unknown_column_lists_the_columns(capsys, db_url, dataset):
    code, out, err = run(capsys, "kpis", "--dataset", "survey", "--db", db_url, "--by", "Plan")
    assert code == 1 and out == ""
    assert "There is no column 'Plan'" in err and "Columns you can use: Region" in err
    code, _, err = run(capsys, "kpis", "--dataset", "survey", "--db", db_url, "--where", "Plan=Pro")
    assert code == 1 and "Columns you can use: Region" in err
    code, _, err = run(capsys, "kpis", "--dataset", "survey", "--db", db_url, "--where", "Region")
    assert code == 1 and "COLUMN=VALUE" in err


def test_bad_dates_and_unknown_dataset(capsys, db_url, dataset):
    code, _, err = run(capsys, "kpis", "--dataset", "survey", "--db", db_url, "--from", "15/01/2024")
    assert code == 1 and "--from takes a date written like 2024-01-31" in err
    code, _, err = run(capsys, "kpis", "--dataset", "survey", "--db", db_url, "--from", "2024-03-01",
                       "--to", "2024-01-01")
    assert code == 1 and "after the end date" in err
    code, _, err = run(capsys, "kpis", "--dataset", "nope", "--db", db_url)
    assert code == 1 and "No dataset named 'nope'" in err


def test_min_n_and_metric(capsys, db_url, dataset):
    code, out, _ = run(capsys, "kpis", "--dataset", "survey", "--db", db_url, "--by", "Region", "--min-n", "1000",
                       "--format", "json")
    groups = json.loads(out)["groups"]
    assert all(g["low_sample"] and not g["significant"] for g in groups)
    code, out, _ = run(capsys, "kpis", "--dataset", "survey", "--db", db_url, "--by", "Region", "--metric",
                       "rating", "--format", "json")
    groups = json.loads(out)["groups"]
    assert not any(g["significant"] for g in groups)  # ratings are random in every region
    code, _, err = run(capsys, "kpis", "--dataset", "survey", "--db", db_url, "--metric", "csat")
    assert code == 1 and "no CSAT scores" in err


def test_csv_is_one_flat_safe_table(capsys, db_url, dataset):
    code, out, err = run(capsys, "kpis", "--dataset", "survey", "--db", db_url, "--by", "Region", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["scope"] for r in rows] == ["overall", "group", "group", "group"]
    assert {"nps_ci_low", "nps_ci_high", "p_adjusted", "significant"} <= set(rows[0])
    assert "'=cmd" in {r["value"] for r in rows}  # a formula-like value cannot run in a spreadsheet
    assert float(rows[0]["n"]) == 400


def test_table_is_readable(capsys, db_url, dataset):
    code, out, err = run(capsys, "kpis", "--dataset", "survey", "--db", db_url, "--by", "Region", "--period",
                         "month")
    assert code == 0, err
    assert out.startswith("400 responses")
    assert "give or take" in out and "Average rating" in out
    assert "By Region (each value against all other responses; tests on NPS)" in out
    assert "North" in out and "2024-02-01" in out
