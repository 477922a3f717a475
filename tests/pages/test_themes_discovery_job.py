"""Finding themes again from the Themes page runs as a background job the page watches."""

from __future__ import annotations

from kpitools import SURVEY, open_app
from pagetools import finish_jobs

from portal import settings
from portal.services import datasets, jobs
from portal.services import themes as theme_service
from portal.services.job_kinds import DISCOVER


def versions() -> int:
    """Return how many codeframe versions the survey has."""
    store = datasets.open_store(settings.database_url())
    try:
        return len(theme_service.codeframe_history(store, SURVEY))
    finally:
        store.close()


def test_find_themes_again_runs_as_a_job_and_says_what_it_found(demo_copy):
    before = versions()
    at = open_app("themes", query={"dataset": SURVEY})
    assert not at.exception and not at.error
    at.checkbox(key="themes_discover_sure").check().run()
    at = at.button(key="themes_discover").click().run()
    assert not at.exception and not at.error
    store = datasets.open_store(settings.database_url())
    try:
        [job] = [j for j in jobs.list_jobs(store) if j.kind == DISCOVER]
        assert job.started_by == jobs.BY_PERSON and job.dataset == SURVEY
    finally:
        store.close()
    at = finish_jobs(at)
    assert not at.exception and not at.error
    said = " ".join(s.value for s in at.success).replace("\\", "")
    assert said.startswith("Found ") and "theme" in said
    assert versions() == before + 1
