"""Theme mentions are scored by the dataset's own sentiment model once it has one."""

from __future__ import annotations

import numpy as np
import orjson
import pytest

from portal.cli import main
from portal.services.sentiment import clause_scorer
from portal.services.theme_coding import dataset_comments
from portal.store import themes as stored
from portal.text.sentiment import polarity


@pytest.mark.shared_data
def test_clauses_of_theme_mentions_are_scored_by_the_adapted_model(store, db_url, shared_data, capsys) -> None:
    assert main(["import", str(shared_data / "ba_skytrax_reviews.csv"), "--dataset", "BA", "--db", db_url]) == 0
    assert "adapted" in capsys.readouterr().err.lower()
    scorer = clause_scorer(store, "BA")
    assert scorer is not None  # the airline's own recommend answers gave it a model of its own
    texts = stored.read_themes(store, "BA", texts=True).texts
    comments = dataset_comments(store, "BA").set_index("row_key")["comment"]
    key = comments.index[0]
    spans = orjson.loads(texts[key].clauses)
    clauses = [comments[key][a:b] for a, b in spans]
    remembered = [float(v) for v in orjson.loads(texts[key].polarities)]
    assert np.allclose(remembered, np.round(scorer(clauses), 4))
    pieces = [comments[k][a:b] for k in comments.index[:200] for a, b in orjson.loads(texts[k].clauses)]
    assert not np.allclose(np.round(scorer(pieces), 4), np.round(polarity(pieces), 4))  # not the general model's
