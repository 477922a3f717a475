"""The hand-labelled request sample: which shared files it reads, how it was drawn, how its text is joined back.

The labels (``requests_labels.csv``) hold a split (``tuning``: the first draw, read while the rules were
written; ``heldout``: the second draw, labelled before the detector ever ran on it), a source file, a row number and a label, never the text: the text is
read again from the shared data folder by row number (0-based data row of the CSV) and checked against a
short hash of it, so a changed file is noticed instead of silently mislabelled.

``python benchmarks/requests_data.py draw`` prints the sample (source, row, stratum, hash, text) to label:
from every source, with seed 11, ``SCREENED`` comments drawn from those that contain one word of a broad
screen (``BROAD``: much wider than the detector, so likely requests are oversampled without drawing on the
detector's own rules) and ``RANDOM`` comments drawn from the rest.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
LABELS = Path(__file__).resolve().parent / "requests_labels.csv"
SEED = 11
#: source file -> its comment column.
SOURCES: dict[str, str] = {
    "neobank_appstore_reviews.csv": "Comment",
    "ethiopian_bank_app_reviews.csv": "review",
    "womens_clothing_reviews.csv": "Review Text",
    "ba_skytrax_reviews.csv": "content",
    "nps_telecom_verbatims.csv": "text",
    "semeval2016_laptops_aspects.csv": "text",
}
#: per source: comments drawn from the broad screen's matches, and from the other comments.
SCREENED: dict[str, int] = {"neobank_appstore_reviews.csv": 45, "ethiopian_bank_app_reviews.csv": 30}
RANDOM: dict[str, int] = {"neobank_appstore_reviews.csv": 25, "ethiopian_bank_app_reviews.csv": 25,
                          "ba_skytrax_reviews.csv": 15}
DEFAULT_SCREENED, DEFAULT_RANDOM = 30, 20
#: The held-out draw (seed 12, rows of the first draw excluded), labelled before the detector was run on it
#: and never used to change a rule: app reviews weigh most, as they are what the product is judged on.
HELDOUT_SEED = 12
HELDOUT_SCREENED: dict[str, int] = {"neobank_appstore_reviews.csv": 25, "ethiopian_bank_app_reviews.csv": 25}
HELDOUT_RANDOM: dict[str, int] = {"neobank_appstore_reviews.csv": 10, "ethiopian_bank_app_reviews.csv": 10}
HELDOUT_DEFAULT_SCREENED, HELDOUT_DEFAULT_RANDOM = 10, 5
BROAD = re.compile(r"wish|please|pls|add|would|should|hope|need|why|option|feature|bring back|missing|could|"
                   r"can you|suggest|if only|ojal|sarebbe|serait|w[äa]re|zou |bitte|por favor|per favore",
                   re.IGNORECASE)


def text_hash(text: str) -> str:
    """Return a short hash of a comment (to check the join, without storing the text)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def read_source(data: Path, source: str) -> pd.Series:
    """Return the comment column of one shared file, indexed by 0-based data row."""
    frame = pd.read_csv(data / source, dtype=str, keep_default_na=False)
    return frame[SOURCES[source]].astype(str)


def draw(data: Path, *, heldout: bool = False) -> pd.DataFrame:
    """Return a sample to label: source, row, stratum, hash, text and pool size (see the module's rules).

    ``heldout``: the second draw, from the comments the first one did not pick.
    """
    seed, screened_n, random_n, default_s, default_r = (
        (HELDOUT_SEED, HELDOUT_SCREENED, HELDOUT_RANDOM, HELDOUT_DEFAULT_SCREENED, HELDOUT_DEFAULT_RANDOM) if heldout
        else (SEED, SCREENED, RANDOM, DEFAULT_SCREENED, DEFAULT_RANDOM))
    first = draw(data) if heldout else None
    parts = []
    for source in SOURCES:
        text = read_source(data, source)
        text = text[text.str.strip() != ""]
        if first is not None:
            text = text.drop(first.loc[first["source"] == source, "row"])
        screened = text.str.contains(BROAD)
        for stratum, pool, n in (("screened", text[screened], screened_n.get(source, default_s)),
                                 ("random", text[~screened], random_n.get(source, default_r))):
            picked = pool.sample(n=min(n, len(pool)), random_state=seed)
            parts.append(pd.DataFrame({"source": source, "row": picked.index, "stratum": stratum,
                                       "hash": [text_hash(t) for t in picked], "text": picked.to_numpy(),
                                       "pool": len(pool)}))
    return pd.concat(parts, ignore_index=True)


def labelled(data: Path, labels: Path = LABELS) -> pd.DataFrame:
    """Return the labels with their text joined back; raises ValueError when a row's text changed."""
    frame = pd.read_csv(labels, dtype={"row": int, "hash": str})
    texts = []
    for source, row, digest in zip(frame["source"], frame["row"], frame["hash"], strict=True):
        text = _cached(data, source).loc[row]
        if text_hash(text) != digest:
            raise ValueError(f"{source} row {row} is not the labelled text any more")
        texts.append(text)
    frame["text"] = texts
    frame["request"] = frame["request"].astype(str).str.lower().eq("true")
    return frame


_CACHE: dict[tuple[Path, str], pd.Series] = {}


def _cached(data: Path, source: str) -> pd.Series:
    key = (data, source)
    if key not in _CACHE:
        _CACHE[key] = read_source(data, source)
    return _CACHE[key]


if __name__ == "__main__" and sys.argv[1:2] == ["draw"]:
    sample = draw(DEFAULT_DATA, heldout=sys.argv[2:3] == ["heldout"])
    for r in sample.itertuples():
        print(f"### {r.Index} | {r.source} | {r.row} | {r.stratum} | {r.hash}\n{r.text}\n")
