"""Benchmark sentiment: macro-F1 of each option on labelled public data, and enrichment speed.

Usage: ``python benchmarks/bench_sentiment.py [--data FOLDER] [--rows 100000] [--skip-accuracy]``
(default data folder: ``../shared/data`` beside the repository). Prints a markdown table of macro-F1
(negative / neutral / positive) for TextBlob, VADER, the trained model and the combination, on:

* clothing and bank-app reviews: the held-out fifth of the training script's fixed split (1-2 stars
  negative, 3 neutral, 4-5 positive);
* SemEval-2014 restaurant sentences whose aspect polarities all agree (conflict skipped);
* neobank App Store reviews detected as English (out of domain: never used for training).

TextBlob's and VADER's label thresholds are chosen like the model's: best macro-F1 on (a fixed sample
of) the training split. Then it times ``enrich_with_clauses`` (language, comment and clause sentiment)
on ``--rows`` comments (the clothing and bank reviews repeated) and prints peak memory.
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
from portal.text.language import detect_language  # noqa: E402

THRESHOLD_SAMPLE = 5_000


def textblob_polarity(texts: list[str]) -> np.ndarray:
    """Return TextBlob's pattern polarity of each text."""
    from textblob import TextBlob

    return np.array([TextBlob(t).sentiment.polarity for t in texts])


def vader_compound(texts: list[str]) -> np.ndarray:
    """Return VADER's compound score of each text."""
    return S.vader_features(texts)[:, 0]


def accuracy_table(data: Path) -> str:
    """Return the markdown table of macro-F1 per option and data set."""
    clothing, bank = T.load_clothing(data), T.load_bank(data)
    train = pd.concat([clothing[~T.is_heldout(clothing)], bank[~T.is_heldout(bank)]], ignore_index=True)
    sample = train.sample(n=min(THRESHOLD_SAMPLE, len(train)), random_state=0)
    neobank = T.load_neobank(data)
    neobank = neobank[[code == "en" for code in detect_language(neobank["text"].tolist())]]
    sets = {
        "clothing (held out)": clothing[T.is_heldout(clothing)],
        "bank app (held out)": bank[T.is_heldout(bank)],
        "SemEval restaurants": T.load_semeval(data),
        "neobank, English (out of domain)": neobank,
    }
    model = S.load_model()
    lexicons = {"TextBlob": textblob_polarity, "VADER": vader_compound}
    thresholds = {}
    for name, score in lexicons.items():
        _, low, high = T.best_thresholds(score(sample["text"].tolist()), sample["label"].to_numpy())
        thresholds[name] = (low, high)

    def predict(option: str, texts: list[str]) -> np.ndarray:
        if option in lexicons:
            return S.labels_from_polarity(lexicons[option](texts), *thresholds[option])
        return model.labels(texts, combined=option.startswith("combination"))

    options = ["TextBlob", "VADER", "trained model (ships)", "combination (model + VADER)"]
    header = "| option | " + " | ".join(f"{k} (n={len(v):,})" for k, v in sets.items()) + " | mean |"
    lines = [header, "|" + " --- |" * (len(sets) + 2)]
    for option in options:
        scores = []
        for frame in sets.values():
            texts = frame["text"].tolist()
            scores.append(T.macro_f1(frame["label"].to_numpy(), predict(option, texts).astype(str)))
        cells = " | ".join(f"{s:.3f}" for s in scores)
        lines.append(f"| {option} | {cells} | {np.mean(scores):.3f} |")
    notes = ", ".join(f"{k} {lo:.3f} / {hi:.3f}" for k, (lo, hi) in thresholds.items())
    lines.append("")
    lines.append(
        f"Thresholds (negative below / positive above): {notes}, model {model.negative_below:.3f} / "
        f"{model.positive_above:.3f}, combination {model.combined_thresholds[0]:.3f} / {model.combined_thresholds[1]:.3f}."
    )
    return "\n".join(lines)


def timing(data: Path, rows: int, workers: int | None) -> str:
    """Return a line with the time and peak memory of enriching ``rows`` comments with clauses."""
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
    return (
        f"enrichment of {rows:,} comments ({len(result.clauses):,} clauses) with language and clause "
        f"sentiment, {workers or 'all'} worker processes: {seconds:.1f} s; peak memory {self_mb:,.0f} MB "
        f"(main process, holding the input and both result frames) + {worker_peak_mb(data):,.0f} MB per worker"
    )


def worker_peak_mb(data: Path) -> float:
    """Return the peak memory (MB) of a fresh process that scores one chunk, as each worker does (Linux)."""
    code = (
        "import resource, sys; sys.path[:0] = sys.argv[1:3]; import train_sentiment as T, pandas as pd; "
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
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"skipped: no data folder at {args.data}")
        return 0
    if not args.skip_accuracy:
        print(accuracy_table(args.data))
        print()
    print(timing(args.data, args.rows, args.workers))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
