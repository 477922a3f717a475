"""Benchmark sentiment: leave-one-domain-out macro-F1 of each option on every labelled set, and speed.

Usage: ``python benchmarks/bench_sentiment.py [--data FOLDER] [--rows 100000] [--skip-accuracy]
[--skip-timing]`` (default data folder: ``../shared/data`` beside the repository).

Sets and labels are the training script's (``scripts/train_sentiment.py``): clothing, Ethiopian banks and
English neobank reviews (1-2 stars negative, 3 neutral, 4-5 positive), BA reviews (``recommended``), telecom
verbatims (NPS groups), SemEval-2014 restaurant and SemEval-2016 laptop sentences whose aspect polarities
all agree (sentences with conflict, mixed or no polarities are left out). Macro-F1 is the mean F1 over the
labels present in the set's gold labels (BA has no neutral: predicting neutral there counts as an error).

Every set is scored by options that never saw it: the general model is retrained without it with the
shipped settings (``train_general``; the SemEval sets are in no training set, so they use the model trained
on all five scored sets). TextBlob's and VADER's thresholds are chosen like the model's, on the held-out
rows of the same training sets. The adapted model (``portal.text.sentiment_adapt``) is cross-fitted: the
set is cut in ``FOLDS`` fixed folds, each scored by a model adapted on the other folds (with the set's own
labels as its scores; the SemEval sets have no scores, so it self-trains) from the general model that never
saw the set; where adaptation falls back, the general model's label counts.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "scripts"))

import train_sentiment as T  # noqa: E402

from portal.text import sentiment as S  # noqa: E402
from portal.text.enrich import enrich_with_clauses  # noqa: E402
from portal.text.sentiment import star_sentiment  # noqa: E402
from portal.text.sentiment_adapt import adapt  # noqa: E402
from portal.text.sentiment_fit import best_thresholds, macro_f1, to_labels  # noqa: E402

FOLDS = 3
OPTIONS = ("TextBlob", "VADER", "general model", "adapted model")


def textblob_polarity(texts: list[str]) -> np.ndarray:
    """Return TextBlob's pattern polarity of each text."""
    from textblob import TextBlob

    return np.array([TextBlob(t).sentiment.polarity for t in texts])


def vader_compound(texts: list[str]) -> np.ndarray:
    """Return VADER's compound score of each text."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyser = SentimentIntensityAnalyzer()
    return np.array([analyser.polarity_scores(t)["compound"] for t in texts])


def adapted_labels(frame: pd.DataFrame, general: S.SentimentModel, scored: bool) -> tuple[np.ndarray, int]:
    """Return cross-fitted adapted labels of ``frame`` and how many folds kept the adapted model."""
    texts = frame["text"].tolist()
    fold = np.arange(len(frame)) % FOLDS
    out = np.empty(len(frame), dtype=object)
    kept = 0
    for k in range(FOLDS):
        train = np.flatnonzero(fold != k)
        candidates = {"score": frame["label"].to_numpy(dtype=object)[train]} if scored else {}
        result = adapt([texts[i] for i in train], candidates, general=general)
        test = [texts[i] for i in np.flatnonzero(fold == k)]
        if result.model is not None:  # its polarity is rescaled onto the shipped label thresholds
            kept += 1
            out[fold == k] = to_labels(result.model.polarity(test, general), S.NEGATIVE_BELOW, S.POSITIVE_ABOVE)
        else:
            out[fold == k] = general.labels(test)
    return out, kept


def lexicon_scores(sets: dict[str, pd.DataFrame]) -> dict[str, dict[str, np.ndarray]]:
    """Return TextBlob's and VADER's polarity of every text, by option and set."""
    return {"TextBlob": {k: textblob_polarity(v["text"].tolist()) for k, v in sets.items()},
            "VADER": {k: vader_compound(v["text"].tolist()) for k, v in sets.items()}}


def score_set(name: str, sets: dict[str, pd.DataFrame], lexicons: dict[str, dict[str, np.ndarray]],
              models: dict[tuple[str, ...], S.SentimentModel]) -> tuple[list[float], str]:
    """Return the macro-F1 of each option on set ``name`` and a note on the adapted model."""
    train = [n for n in T.SCORED if n != name]
    if tuple(train) not in models:
        models[tuple(train)] = T.train_general({n: sets[n] for n in train}, train)
    general = models[tuple(train)]
    truth = sets[name]["label"].to_numpy().astype(str)
    scores = []
    for option, values in lexicons.items():
        held = [T.is_heldout(sets[n]).to_numpy() for n in train]
        _, low, high = best_thresholds([values[n][h] for n, h in zip(train, held, strict=True)],
                                       [sets[n]["label"].to_numpy()[h] for n, h in zip(train, held, strict=True)])
        scores.append(macro_f1(truth, to_labels(values[name], low, high)))
    scores.append(macro_f1(truth, general.labels(sets[name]["text"].tolist()).astype(str)))
    labels, kept = adapted_labels(sets[name], general, name in T.SCORED)
    scores.append(macro_f1(truth, labels.astype(str)))
    return scores, f"{kept} of {FOLDS} folds kept the adapted model"


def accuracy_table(data: Path) -> str:
    """Return the markdown table of leave-one-domain-out macro-F1 per option and set."""
    sets = T.load_sets(data)
    lexicons = lexicon_scores(sets)
    models: dict[tuple[str, ...], S.SentimentModel] = {}
    table = {}
    notes = []
    for name in sets:
        table[name], note = score_set(name, sets, lexicons, models)
        notes.append(f"{name}: {note}")
        print(f"{name}: " + ", ".join(f"{o} {v:.3f}" for o, v in zip(OPTIONS, table[name], strict=True)), flush=True)
    header = "| option | " + " | ".join(f"{k} (n={len(v):,})" for k, v in sets.items()) + " | mean |"
    lines = [header, "| --- |" + " ---: |" * (len(sets) + 1)]
    for i, option in enumerate(OPTIONS):
        row = [table[name][i] for name in sets]
        lines.append(f"| {option} | " + " | ".join(f"{v:.3f}" for v in row) + f" | {np.mean(row):.3f} |")
    return "\n".join([*lines, "", "Adapted model: " + "; ".join(notes) + "."])


def timing(data: Path, rows: int, workers: int | None) -> str:
    """Return lines with the time of enriching ``rows`` comments by the general and by an adapted model."""
    clothing, bank = T.load_clothing(data), T.load_bank(data)
    base = pd.concat([clothing[["text", "rating"]], bank[["text", "rating"]]], ignore_index=True)
    repeated = pd.concat([base] * (rows // len(base) + 1), ignore_index=True).iloc[:rows]
    frame = pd.DataFrame(
        {"row_key": [f"h:{i}" for i in range(rows)], "comment": repeated["text"], "rating": repeated["rating"]}
    )
    start = time.perf_counter()
    result = enrich_with_clauses(frame, workers=workers)
    seconds = time.perf_counter() - start
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    labels = star_sentiment(frame["rating"].to_numpy(dtype=float), (1, 5))[1].astype(object)
    fitted = adapt(frame["comment"].tolist(), {"rating": labels})
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    enrich_with_clauses(frame, workers=workers, model=fitted.model)
    adapted_seconds = time.perf_counter() - start
    return (
        f"enrichment of {rows:,} comments ({len(result.clauses):,} clauses) with language and clause "
        f"sentiment, {workers or 'all'} worker processes: {seconds:.1f} s with the general model, "
        f"{adapted_seconds:.1f} s with an adapted one; peak memory {self_mb:,.0f} MB "
        f"(main process, holding the input and both result frames) + {worker_peak_mb(data):,.0f} MB per worker\n"
        f"fitting the adapted model on those {rows:,} comments and their stars: {fit_seconds:.1f} s "
        f"({'kept' if fitted.model is not None else 'fell back'})"
    )


def worker_peak_mb(data: Path) -> float:
    """Return the peak memory (MB) of a fresh process that scores one chunk, as each worker does (Linux)."""
    code = (
        "import resource, sys; sys.path[:0] = sys.argv[1:3]; import train_sentiment as T; "
        "from portal.text.enrich import CHUNK_SIZE, _score_chunk; "
        "f = T.load_clothing(T.Path(sys.argv[3])).iloc[:CHUNK_SIZE]; "
        "_score_chunk(f['text'].tolist(), f['rating'].to_numpy(float), (1.0, 5.0), True); "
        "print([int(l.split()[1]) / 1024 for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(REPO / "src"), str(REPO / "scripts"), str(data)],
        capture_output=True, text=True, check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=T.DEFAULT_DATA)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-timing", action="store_true")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"skipped: no data folder at {args.data}")
        return 0
    if not args.skip_accuracy:
        print(accuracy_table(args.data))
        print()
    if not args.skip_timing:
        print(timing(args.data, args.rows, args.workers))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
