"""Benchmark of Google Sheets sync against the local emulator of the Google endpoints.

Cases (each prints its time):

1. First import of a 100,000-row Google Forms sheet through the service account (Sheets API). Target: < 15 s.
2. A refresh after 1% of the rows changed (a score or a comment edited). Target: < 5 s.
3. The same refresh when nothing changed.
4. First import and 1% refresh of the same sheet read by its shared link (CSV export).
5. Reading the sheet alone (no import), both ways: the part of a sync spent fetching and parsing.

Run: ``python benchmarks/bench_sheets.py [--rows N]``. Nothing leaves this machine: the emulator listens on
127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from gsheets.emulator import SheetsEmulator  # noqa: E402
from gsheets.flows import import_linked  # noqa: E402
from portal.ingest.gsheets import HttpOptions, fetch_sheet  # noqa: E402
from portal.services.sheets import resync  # noqa: E402
from portal.store import Store  # noqa: E402

SEED = 20240601
KEY = "1BenchmarkSheetKey_abcdefghijklmnopqrstuvwx"
PUBLIC_KEY = "1BenchmarkPublicKey_abcdefghijklmnopqrstuvw"
EMAIL = "portal-bench@portal-tests.iam.gserviceaccount.com"
HEADER = ["Timestamp", "Email Address", "How likely are you to recommend us?", "What could we do better?",
          "Plan", "Country"]
OPENINGS = ["The dashboard", "Support", "Billing", "The mobile app", "Exports", "Onboarding", "Search", "Pricing"]
VERDICTS = ["is great", "is too slow", "was confusing", "keeps crashing", "got much better", "is fine",
            "needs dark mode", "could be cheaper"]
PLANS = ["Free", "Team", "Business", "Enterprise"]
COUNTRIES = ["UK", "US", "DE", "FR", "NL", "ES", "IT", "SE", "PL", "IE"]
TARGETS = {"first import": 15.0, "refresh, 1% changed": 5.0}


def make_rows(n: int, rng: random.Random) -> list[list[str]]:
    """Return a header and ``n`` Google Forms responses (fixed seed), as the sheet displays them."""
    rows = [list(HEADER)]
    for i in range(n):
        day, second = divmod(i, 1000)
        comment = f"{rng.choice(OPENINGS)} {rng.choice(VERDICTS)}." if rng.random() < 0.6 else ""
        rows.append([
            f"{1 + day // 28 % 12}/{1 + day % 28}/2024 {8 + second // 3600}:{second // 60 % 60:02d}:{second % 60:02d}",
            f"respondent{i}@example.com",
            str(min(10, max(0, round(rng.gauss(7.5, 2.2))))),
            comment,
            rng.choice(PLANS),
            rng.choice(COUNTRIES),
        ])
    return rows


def change_one_percent(rows: list[list[str]], rng: random.Random) -> int:
    """Edit 1% of the data rows in place (score or comment); return how many were edited."""
    picked = rng.sample(range(1, len(rows)), max(1, (len(rows) - 1) // 100))
    for i in picked:
        row = rows[i]
        if rng.random() < 0.5:
            row[2] = str((int(row[2]) + 1 + rng.randrange(9)) % 11)
        else:
            row[3] = f"Edited: {rng.choice(OPENINGS)} {rng.choice(VERDICTS)}."
    return len(picked)


def timed(label: str, action):
    """Run ``action`` once, print its time and result summary, and return the result."""
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    target = TARGETS.get(label.split(" (")[0])
    verdict = "" if target is None else f"  (target < {target:g} s: {'met' if seconds < target else 'MISSED'})"
    summary = getattr(result, "summary", None) or f"{len(result.table.frame):,} rows read."
    print(f"{label:<44} {seconds:7.2f} s{verdict}   {summary}", flush=True)
    return result


def main() -> int:
    """Run the cases and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the emulated sheet (default 100,000)")
    args = parser.parse_args()
    rng = random.Random(SEED)
    rows = make_rows(args.rows, rng)
    identify = ["Timestamp", "Email Address"]
    overrides = [("comment", "What could we do better?")]
    with SheetsEmulator() as emulator, tempfile.TemporaryDirectory() as folder:
        emulator.add_spreadsheet(KEY, {"Form Responses 1": rows}, shared_with=(EMAIL,))
        emulator.add_spreadsheet(PUBLIC_KEY, {"Form Responses 1": [list(r) for r in rows]}, public=True)
        account = emulator.service_account(EMAIL)
        options = HttpOptions(api_url=emulator.url, docs_url=emulator.url, timeout=120.0)
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
        print(f"Sheet: {args.rows:,} rows x {len(HEADER)} columns; store: SQLite in a temporary folder; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.")

        first = timed("first import (service account)", lambda: import_linked(
            store, "api", KEY, credentials=account, options=options, key_columns=identify, overrides=overrides))
        assert first.result.added == args.rows, first.summary
        edited = change_one_percent(emulator.worksheet(KEY).rows, rng)
        again = timed("refresh, 1% changed (service account)",
                      lambda: resync(store, "api", credentials=account, options=options))
        assert again.result.updated == edited, (again.summary, edited)
        same = timed("refresh, nothing changed (service account)",
                     lambda: resync(store, "api", credentials=account, options=options))
        assert same.result.unchanged == args.rows

        first = timed("first import (shared link)", lambda: import_linked(
            store, "link", PUBLIC_KEY, mode="link", options=options, key_columns=identify, overrides=overrides))
        assert first.result.added == args.rows, first.summary
        edited = change_one_percent(emulator.worksheet(PUBLIC_KEY).rows, rng)
        again = timed("refresh, 1% changed (shared link)", lambda: resync(store, "link", options=options))
        assert again.result.updated == edited, (again.summary, edited)

        timed("read only (service account)", lambda: fetch_sheet(KEY, credentials=account, options=options))
        timed("read only (shared link)", lambda: fetch_sheet(PUBLIC_KEY, mode="link", options=options))
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
