"""Several processes on one store at once: opening a new store, creating one dataset, importing."""

from __future__ import annotations

import multiprocessing
import sys
import traceback
from pathlib import Path

from portal.store import Store
from portal.store.migrate import current_revisions, head_revisions

HERE = Path(__file__).resolve().parent
WORKERS = 2


def _worker(url: str, dataset: str, first_id: int, count: int, barrier, results) -> None:
    """Open the store and import ``count`` rows into ``dataset`` once every worker is ready."""
    try:
        sys.path.insert(0, str(HERE))
        from conftest import build, survey

        batch = build(survey(count, start=first_id), segments=("Region",))
        barrier.wait(timeout=240)
        store = Store(url)  # every worker migrates the new store at the same moment
        result = store.import_rows(dataset, batch.config, batch.canonical, batch.raw, source=f"{dataset}.csv")
        store.close()
        results.put(("ok", dataset, result.added, result.unchanged))
    except BaseException:  # report everything to the test
        results.put(("error", dataset, traceback.format_exc(), 0))


def _run(url: str, jobs: list[tuple[str, int, int]]) -> list[tuple]:
    """Run one worker process per job, all released at once; return what each reported."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(jobs))
    results = context.Queue()
    processes = [context.Process(target=_worker, args=(url, *job, barrier, results)) for job in jobs]
    for process in processes:
        process.start()
    reports = [results.get(timeout=240) for _ in processes]
    for process in processes:
        process.join(timeout=240)
        assert process.exitcode == 0
    errors = [r[2] for r in reports if r[0] == "error"]
    assert not errors, "\n".join(errors)
    return reports


def test_two_processes_create_and_import_the_same_new_dataset(db_url: str) -> None:
    reports = _run(db_url, [("shared", 1, 3000)] * WORKERS)
    added = sorted(r[2] for r in reports)
    unchanged = sorted(r[3] for r in reports)
    assert added == [0, 3000] and unchanged == [0, 3000]  # one import added them, the other found them
    store = Store(db_url)
    assert [d.name for d in store.datasets()] == ["shared"]
    assert len(store.load("shared")) == 3000
    assert store.imports("shared")["status"].tolist() == ["ok", "ok"]
    assert current_revisions(store.engine) == head_revisions()
    store.close()


def test_two_processes_import_different_datasets_at_once(db_url: str) -> None:
    reports = _run(db_url, [("first", 1, 20_000), ("second", 100_001, 20_000)])
    assert sorted((r[1], r[2]) for r in reports) == [("first", 20_000), ("second", 20_000)]
    store = Store(db_url)
    assert {d.name: d.rows for d in store.datasets()} == {"first": 20_000, "second": 20_000}
    assert store.load("second")["row_key"].iloc[0] == "id:100001"
    store.close()
