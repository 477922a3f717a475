"""Validating rows: plain reasons, typed canonical values, row keys, duplicates and hostile text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portal.errors import MappingError
from portal.ingest.read import read_table
from portal.ingest.validate import (
    CANONICAL_OUTPUT,
    date_order,
    parse_dates,
    parse_numbers,
    validate,
)
from portal.model import DatasetConfig, Mapping


def frame(rows: list[dict]) -> pd.DataFrame:
    """Return rows as a frame of text values (None for missing)."""
    columns = list(dict.fromkeys(k for r in rows for k in r))
    return pd.DataFrame([[r.get(c) for c in columns] for r in rows], columns=columns, dtype=object)


def config(**mapping) -> DatasetConfig:
    """Return a configuration with the given mapping (other settings default)."""
    extra = {k: mapping.pop(k) for k in list(mapping) if k in (
        "csat_scale", "rating_scale", "csat_from_rating", "dayfirst", "constants", "key_columns", "sentinels", "kind")}
    for many in ("comment", "segments"):
        if many in mapping and isinstance(mapping[many], str):
            mapping[many] = (mapping[many],)
    return DatasetConfig(mapping=Mapping(**mapping), **extra)


def reasons(v) -> dict[int, str]:
    return dict(zip(v.rejects["row"].tolist(), v.rejects["reason"].tolist()))


# --- reasons -------------------------------------------------------------------------------------------


def test_nps_reasons():
    data = frame([{"s": s, "c": "text"} for s in ["9", "eleven", "12", "9.5", "9.0", " 7 ", "-1", None, "N/A"]])
    v = validate(data, config(nps="s", comment="c"))
    assert reasons(v) == {
        3: "NPS score 'eleven' is not a number from 0 to 10",
        4: "NPS score 12 is outside 0-10",
        5: "NPS score 9.5 is not a whole number from 0 to 10",
        8: "NPS score -1 is outside 0-10",
    }
    assert v.canonical["nps"].tolist()[:3] == [9.0, 9.0, 7.0]
    assert v.canonical["nps"].isna().sum() == 2  # empty and "N/A" are missing, kept for their comment


def test_rating_and_csat_reasons_use_the_scale():
    data = frame([{"r": r, "k": k} for r, k in [("0", "3"), ("4.5", "8"), ("5", "x"), ("10", "7")]])
    v = validate(data, config(rating="r", csat="k", csat_scale=(1, 7)))
    assert reasons(v) == {
        2: "rating 0 is outside the 1-5 scale",
        3: "CSAT score 8 is outside the 1-7 scale",
        4: "CSAT score 'x' is not a number",
        5: "rating 10 is outside the 1-5 scale",
    }
    v = validate(data.iloc[[1]], config(rating="r", csat="k", rating_scale=(1, 10), csat_scale=(1, 10)))
    assert v.canonical[["rating", "csat"]].iloc[0].tolist() == [4.5, 8.0]


def test_date_value_and_nothing_to_analyse_reasons_and_several_joined():
    data = frame([
        {"d": "31/01/2018", "v": "120", "s": "9", "c": None},
        {"d": "31/02/2018", "v": "abc", "s": "9", "c": "x"},
        {"d": "01/02/2018", "v": None, "s": None, "c": "  "},
        {"d": "not a date", "v": "£1,200.50", "s": "11", "c": "y"},
    ])
    v = validate(data, config(date="d", value="v", nps="s", comment="c", dayfirst=True))
    assert reasons(v) == {
        3: "date '31/02/2018' is not a date; value 'abc' is not a number",
        4: "no score and no comment: nothing to analyse",
        5: "date 'not a date' is not a date; NPS score 11 is outside 0-10",
    }
    row = v.canonical.iloc[0]
    assert row["date"] == pd.Timestamp("2018-01-31") and row["value"] == 120.0


def test_repeated_ids_name_the_first_row():
    data = frame([{"id": i, "s": "5"} for i in ["a", "x", "b", "x", "x", " b ", None]])
    v = validate(data, config(id="id", nps="s"), row_numbers=pd.Series([2, 3, 5, 6, 7, 9, 10]))
    assert reasons(v) == {
        6: "id 'x' appears again (first on row 3)",
        7: "id 'x' appears again (first on row 3)",
        9: "id 'b' appears again (first on row 5)",
        10: "id is empty",
    }
    assert v.canonical["row_key"].tolist() == ["id:a", "id:x", "id:b"]
    assert v.canonical["response_id"].tolist() == ["a", "x", "b"]


def test_repeated_keys_are_rejected():
    data = frame([{"shop": "A", "day": "1", "s": "5"}, {"shop": "A", "day": "2", "s": "5"},
                  {"shop": "A", "day": "1", "s": "4"}])
    v = validate(data, config(nps="s", key_columns=("shop", "day")))
    assert reasons(v) == {4: "key 'A|1' appears again (first on row 2)"}
    assert v.canonical["row_key"].tolist() == ["k:A|1", "k:A|2"]


def test_reasons_use_the_tables_spreadsheet_rows():
    data = b'id,score,comment\n1,9,"two\nlines"\n\n2,99,fine\n'
    table = read_table(data, "rows.csv")
    v = validate(table, config(id="id", nps="score", comment="comment"))
    assert reasons(v) == {4: "NPS score 99 is outside 0-10"}


def test_long_values_are_shortened_in_reasons():
    v = validate(frame([{"s": "x" * 100}]), config(nps="s"))
    reason = v.rejects["reason"].iloc[0]
    assert reason.startswith("NPS score 'xxx") and "…" in reason and len(reason) < 100


# --- canonical frame -----------------------------------------------------------------------------------


def test_canonical_columns_and_types():
    data = frame([
        {"id": "1", "who": " c1 ", "d": "2024-01-05 10:00", "s": "9", "r": "4", "v": "10.5", "b": "Acme",
         "c": " Good ", "t": "Title"},
        {"id": "2", "who": None, "d": None, "s": None, "r": None, "v": None, "b": None, "c": None, "t": "Only title"},
    ])
    v = validate(data, config(id="id", customer="who", date="d", nps="s", rating="r", value="v", brand="b",
                              comment=("t", "c"), csat_from_rating=True))
    c = v.canonical
    assert tuple(c.columns) == CANONICAL_OUTPUT
    assert str(c["date"].dtype) == "datetime64[ns]"
    assert all(str(c[k].dtype) == "float64" for k in ("nps", "csat", "rating", "value"))
    assert all(c[k].dtype == object for k in ("row_key", "content_hash", "response_id", "customer", "brand",
                                             "comment"))
    assert c["recommend"].isna().all()  # no would-recommend column mapped
    assert c.iloc[0].drop("recommend").to_dict() | {"content_hash": None} == {
        "row_key": "id:1", "content_hash": None, "response_id": "1", "customer": "c1",
        "date": pd.Timestamp("2024-01-05 10:00"), "nps": 9.0, "csat": 4.0, "rating": 4.0, "value": 10.5,
        "brand": "Acme", "comment": "Title.\n\nGood",
    }
    second = c.iloc[1]
    assert second["comment"] == "Only title" and second["customer"] is None and pd.isna(second["date"])
    assert np.isnan(second["csat"])


def test_raw_keeps_original_columns_and_index_of_valid_rows():
    data = frame([{"s": "9", "c": "a", "extra": "x"}, {"s": "99", "c": "b", "extra": None},
                  {"s": "7", "c": "c", "extra": "z"}])
    v = validate(data, config(nps="s", comment="c"))
    assert list(v.raw.columns) == ["s", "c", "extra"]
    assert v.raw.index.tolist() == v.canonical.index.tolist() == [0, 2]
    assert v.raw["extra"].tolist() == ["x", "z"]
    assert list(v.rejects.columns) == ["row", "s", "c", "extra", "reason"]
    assert v.rejects.iloc[0].tolist() == [3, "99", "b", None, "NPS score 99 is outside 0-10"]
    assert v.total == 3


def test_columns_called_row_or_reason_do_not_clash_in_rejects():
    v = validate(frame([{"row": "1", "reason": "because", "s": "x"}]), config(nps="s"))
    assert list(v.rejects.columns) == ["row", "row (file)", "reason (file)", "s", "reason"]


def test_sentinels_become_missing_not_rejected():
    data = frame([{"r": "-1", "seat": "-1", "c": "ok"}, {"r": "8", "seat": "4", "c": "ok"}])
    v = validate(data, config(rating="r", comment="c", segments=("seat",), rating_scale=(1, 10),
                              sentinels={"seat": ["-1"], "r": ["-1"]}))
    assert v.rejects.empty
    assert v.raw["seat"].tolist() == [None, "4"]
    assert np.isnan(v.canonical["rating"].iloc[0])
    assert any("'seat'" in w and "not rated" in w for w in v.warnings)


def test_constants_fill_brand_and_segments():
    data = frame([{"s": "9", "b": "ignored"}, {"s": "3", "b": None}])
    v = validate(data, config(nps="s", brand="b", segments=("Channel",),
                              constants={"brand": "Monzo", "Channel": "App store"}))
    assert v.canonical["brand"].tolist() == ["Monzo", "Monzo"]
    assert v.raw["Channel"].tolist() == ["App store", "App store"]


def test_csat_is_derived_from_the_rating():
    v = validate(frame([{"r": "5"}, {"r": "2"}]), config(rating="r", csat_from_rating=True))
    assert v.canonical["csat"].tolist() == [5.0, 2.0]
    assert validate(frame([{"r": "5"}]), config(rating="r")).canonical["csat"].isna().all()


def test_hostile_text_is_kept_verbatim():
    hostile = [
        "<script>alert('x')</script>",
        '=HYPERLINK("http://evil.example","click")',
        "=1+1",
        "+cmd|' /C calc'!A0",
        "<b>bold</b> &amp; &#39;",
        "@SUM(1)",
    ]
    data = frame([{"c": h, "note": h} for h in hostile])
    v = validate(data, config(comment="c"))
    assert v.canonical["comment"].tolist() == hostile
    assert v.raw["note"].tolist() == hostile


def test_dayfirst_is_settled_from_the_data_when_unknown():
    data = frame([{"d": "13/02/2020", "s": "1"}, {"d": "03/02/2020", "s": "2"}])
    v = validate(data, config(date="d", nps="s"))
    assert v.config.dayfirst is True
    assert v.canonical["date"].tolist() == [pd.Timestamp("2020-02-13"), pd.Timestamp("2020-02-03")]


def test_timezones_are_converted_to_naive_utc():
    data = frame([{"d": "2024-03-01T10:00:00+02:00", "s": "1"}, {"d": "2024-03-01T10:00:00Z", "s": "2"},
                  {"d": "2024-03-01", "s": "3"}])
    v = validate(data, config(date="d", nps="s"))
    assert v.canonical["date"].tolist() == [pd.Timestamp("2024-03-01 08:00"), pd.Timestamp("2024-03-01 10:00"),
                                            pd.Timestamp("2024-03-01")]


# --- keys, hashes, duplicates --------------------------------------------------------------------------


def test_identical_rows_get_numbered_keys_and_are_counted_not_rejected():
    data = frame([{"c": "Super", "r": "5"}, {"c": "Meh", "r": "3"}, {"c": "Super", "r": "5"}])
    v = validate(data, config(comment="c", rating="r"))
    keys = v.canonical["row_key"].tolist()
    assert keys[0].startswith("h:") and keys[0].endswith(":1")
    assert keys[2] == keys[0][:-1] + "2"
    assert len(set(keys)) == 3
    assert v.duplicates == 1 and v.rejects.empty
    assert any(w.startswith("1 row is an exact copy of an earlier row; it is kept") for w in v.warnings)
    hash_hex = keys[0].split(":")[1]
    assert len(hash_hex) == 32 and int(hash_hex, 16) >= 0
    assert v.canonical["content_hash"].iloc[0] == hash_hex


def test_keys_are_stable_across_imports_and_column_order():
    data = frame([{"c": "a", "r": "5", "x": "1"}, {"c": "b", "r": "4", "x": None}])
    cfg = config(comment="c", rating="r")
    first = validate(data, cfg).canonical["row_key"].tolist()
    assert validate(data.copy(), cfg).canonical["row_key"].tolist() == first
    assert validate(data[["x", "r", "c"]], cfg).canonical["row_key"].tolist() == first
    changed = data.copy()
    changed.loc[1, "x"] = "2"
    again = validate(changed, cfg).canonical
    assert again["row_key"].tolist()[0] == first[0] and again["row_key"].tolist()[1] != first[1]
    with_constant = validate(data, config(comment="c", rating="r", constants={"brand": "B"}))
    assert with_constant.canonical["row_key"].tolist()[0] != first[0]


def test_content_hash_tracks_changes_in_id_keyed_rows():
    data = frame([{"id": "1", "s": "9", "note": "a"}])
    before = validate(data, config(id="id", nps="s")).canonical.iloc[0]
    data.loc[0, "note"] = "b"
    after = validate(data, config(id="id", nps="s")).canonical.iloc[0]
    assert before["row_key"] == after["row_key"] == "id:1"
    assert before["content_hash"] != after["content_hash"]


def test_empty_string_and_none_are_the_same_missing_value():
    a = validate(frame([{"c": "x", "y": ""}]), config(comment="c")).canonical["row_key"].iloc[0]
    b = validate(frame([{"c": "x", "y": None}]), config(comment="c")).canonical["row_key"].iloc[0]
    assert a == b


# --- mapping errors ------------------------------------------------------------------------------------


def test_missing_mapped_column_is_a_mapping_error():
    with pytest.raises(MappingError) as caught:
        validate(frame([{"a": "1"}]), config(nps="Score"))
    assert "'Score'" in str(caught.value) and "'a'" in str(caught.value)


def test_no_score_and_no_comment_mapped_is_a_mapping_error():
    with pytest.raises(MappingError) as caught:
        validate(frame([{"Name": "x", "City": "y"}]), config(segments=("City",)))
    message = str(caught.value)
    assert "nothing to analyse" in message and "'Name', 'City'" in message


def test_frames_with_numbers_and_nan_are_read_as_text():
    data = pd.DataFrame({"s": [9, np.nan, 3], "c": ["a", "b", np.nan]})
    v = validate(data, config(nps="s", comment="c"))
    assert v.canonical["nps"].tolist()[0] == 9.0
    assert v.raw["c"].tolist() == ["a", "b", None]
    assert v.raw["s"].tolist() == ["9.0", None, "3.0"]


# --- value parsing -----------------------------------------------------------------------------


def test_parse_numbers_accepts_common_spellings():
    values = pd.Series(["9", " 9.0 ", "1,234.50", "4,5", "£120", "$7", "abc", None, "N/A", "inf", "1e3"],
                       dtype=object)
    got = parse_numbers(values).tolist()
    assert got[:6] == [9.0, 9.0, 1234.5, 4.5, 120.0, 7.0]
    assert all(np.isnan(x) for x in got[6:10])
    assert got[10] == 1000.0


def test_date_order_and_parse_dates():
    assert date_order(pd.Series(["13/01/2020", "01/02/2020"])).evidence == "day"
    assert date_order(pd.Series(["01/13/2020"])).dayfirst is False
    assert date_order(pd.Series(["01/02/2020"])).evidence == "ambiguous"
    assert date_order(pd.Series(["13/01/2020", "01/13/2020", "14/01/2020"])).evidence == "mixed"
    assert date_order(pd.Series(["2020-01-13"])) .dayfirst is None
    got = parse_dates(pd.Series(["03/05/2018", "5 May 2018", "2018", "12", "31/12/9999", None, "May"]), dayfirst=True)
    assert got.tolist()[:2] == [pd.Timestamp("2018-05-03"), pd.Timestamp("2018-05-05")]
    assert got.iloc[2:].isna().all()


def test_joined_comment_columns_keep_their_sentences_apart():
    data = frame([{"t": "mediocre at best", "c": "Just returned."}, {"t": "Great!", "c": "Fine"},
                  {"t": None, "c": "Body only"}])
    v = validate(data, config(comment=("t", "c")))
    assert v.canonical["comment"].tolist() == ["mediocre at best.\n\nJust returned.", "Great!\n\nFine", "Body only"]
