"""The executive report of stored datasets: the Overview's tiles and intervals, themes, segments, competitors."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pypdf
import pytest

from portal import metrics
from portal.errors import InputError, NotFoundError
from portal.services import job_kinds, jobs
from portal.services import journey as journey_service
from portal.services import report as report_service
from portal.services import themes as theme_service
from portal.services.imports import import_frame, load_demo
from portal.store import Store
from portal.text.codeframe import Codeframe, Theme
from portal.text.theme_view import ranking_frame, summarise_themes

SURVEY, REVIEWS = "Acme NPS survey", "App store reviews"
NASTY = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """A store holding the two demo datasets (themes found at import)."""
    with Store(f"sqlite:///{tmp_path_factory.mktemp('report') / 'portal.db'}") as store:
        load_demo(store)
        yield store


@pytest.fixture(scope="module")
def survey_report(demo):
    return report_service.build_report(demo, SURVEY)


def test_tiles_are_the_overviews_with_their_intervals(demo, survey_report):
    info = demo.dataset(SURVEY)
    view = metrics.overview(demo.load(SURVEY), info.config, period="month")
    tiles = survey_report.section("kpis")
    nps = view.tiles[0]
    first = tiles.figures[0]
    assert (first.label, first.value) == ("NPS", metrics.format_value("nps", nps.value))
    assert first.detail == f"95% interval {metrics.format_interval('nps', *nps.ci)}; 6,000 responses"
    assert first.sentence == nps.sentence
    assert [f.label for f in tiles.figures] == ["NPS", "Revenue at risk", "Customers"]
    assert tiles.data["tiles"][0]["ci"] == pytest.approx(list(nps.ci))
    assert tiles.sentence.startswith(nps.sentence)


def test_every_section_has_a_sentence_and_says_what_it_covers(survey_report):
    assert [s.key for s in survey_report.sections] == ["kpis", "trend", "themes", "segments", "journey"]
    for section in survey_report.sections:
        assert section.sentence.endswith(".") and len(section.sentence) > 20
        assert section.covers == "1 May 2025 to 31 Oct 2026; no filters"
    assert survey_report.section("trend").chart is not None
    assert len(survey_report.section("trend").data["points"]) == 18  # May 2025 to October 2026


def test_themes_are_the_themes_pages_ranking_by_nps_impact(demo, survey_report):
    frame = theme_service.with_corrected_sentiment(demo, SURVEY, demo.load(SURVEY))
    view = summarise_themes(frame, theme_service.assignments(demo, SURVEY), theme_service.current_codeframe(demo, SURVEY),
                            demo.dataset(SURVEY).config)
    ranking = ranking_frame(view.table, "impact", view.comments)
    expected = list(ranking.loc[~ranking["uncategorised"], "theme"].head(5))
    section = survey_report.section("themes")
    assert [row[0] for row in section.table.rows] == expected
    worst = section.data["themes"][0]
    assert worst["value"] < 0 and worst["ci"][0] <= worst["value"] <= worst["ci"][1]
    assert section.sentence.startswith(f"{expected[0]} pulls NPS down most: {worst['value']:+.1f} points")


def test_segments_are_the_tested_differences_with_adjusted_p_values(demo, survey_report):
    view = metrics.overview(demo.load(SURVEY), demo.dataset(SURVEY).config)
    section = survey_report.section("segments")
    assert [(d["column"], d["value"]) for d in section.data["differences"]] == \
        [(d.column, str(d.value)) for d in view.differences]
    assert all(d["p_adjusted"] < 0.05 for d in section.data["differences"])
    assert section.table.rows[0][0] == "Region: APAC"
    assert section.sentence == "APAC (Region): NPS 6, 25 points below the rest (1,164 responses)."


def test_competitor_gaps_appear_only_with_brands(demo, survey_report):
    assert survey_report.section("competitors") is None
    reviews = report_service.build_report(demo, REVIEWS)
    section = reviews.section("competitors")
    assert section is not None and section.data["ours"] == "Acme"  # the largest brand when none is remembered
    verdicts = {g["verdict"] for g in section.data["gaps"]}
    assert verdicts <= {"weakness", "strength"} and verdicts
    assert section.sentence.startswith("Customers mention problems with")
    assert reviews.section("themes").data["ranked_by"] == "negative"  # no NPS in reviews


def test_filters_narrow_every_section_and_are_named(demo):
    report = report_service.build_report(demo, SURVEY, start="2026-01-01", where={"Region": ["APAC"]})
    assert report.section("kpis").data["responses"] < 1164
    for section in report.sections:
        assert section.covers == "1 Jan 2026 to 31 Oct 2026; Region: APAC"
    assert all(d["column"] != "Region" for d in report.section("segments").data["differences"])


def test_the_journey_section_is_the_journey_pages_with_its_weakest_stage(demo, survey_report):
    journey = journey_service.journey_view(demo, SURVEY)
    section = survey_report.section("journey")
    assert section.title == "The customer journey (Touchpoint)"
    assert [r[0] for r in section.table.rows] == list(journey.table["stage"])
    assert section.data["weakest"] == journey.weakest and journey.weakest["stage"] == "Support"
    assert section.sentence.startswith("The journey loses most at Support: NPS 10 against 30")
    support = section.table.rows[list(journey.table["stage"]).index("Support")]
    assert support[-1] == "Loses most" and support[1] == f"{int(journey.table['n'][2]):,}"
    html = report_service.render_report(survey_report, "html").decode()
    assert "The customer journey (Touchpoint)" in html and "Loses most" in html


def test_a_dataset_without_a_journey_has_no_journey_section(demo):
    report = report_service.build_report(demo, REVIEWS)
    assert report.section("journey") is None


def test_progress_hears_of_every_section(demo):
    heard: list[tuple[float, str]] = []
    report_service.build_report(demo, REVIEWS, progress=lambda f, m: heard.append((f, m)))
    fractions = [f for f, _ in heard]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] < 1.0
    assert len(heard) == len(report_service.SECTION_BUILDERS) + 1


def test_bad_input_says_what_to_do(demo, tmp_path):
    with pytest.raises(NotFoundError, match="No dataset named 'Nope'"):
        report_service.build_report(demo, "Nope")
    with pytest.raises(InputError, match="Seat"):
        report_service.build_report(demo, SURVEY, where={"Seat": ["A"]})
    with pytest.raises(InputError, match=r"name it \.html or \.pdf"):
        report_service.report_format("report.docx")
    assert report_service.report_format("Report.HTM") == "html"
    assert report_service.report_format("anything", "pdf") == "pdf"
    report = report_service.build_report(demo, REVIEWS)
    with pytest.raises(InputError, match="does not exist"):
        report_service.write_report(report, tmp_path / "missing" / "r.html", "html")
    with pytest.raises(InputError, match="is a folder"):
        report_service.write_report(report, tmp_path, "html")


def _hostile_survey(n: int = 240) -> pd.DataFrame:
    """Return a survey whose segment value is markup and whose detractors say the app is slow."""
    rng = np.random.default_rng(7)
    plan = np.where(np.arange(n) % 2 == 0, "<img src=x onerror=alert(1)>", "Basic")
    nps = np.where(plan == "Basic", rng.integers(8, 11, n), rng.integers(0, 7, n))
    comments = [f"the app is slow on screen {i}" if s < 7 else f"great support, ticket {i}" for i, s in enumerate(nps)]
    return pd.DataFrame({"Response ID": [f"r{i}" for i in range(n)],
                         "Date": pd.date_range("2026-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
                         "NPS": nps.astype(str), "Comment": comments, "Plan": plan})


def test_markup_in_names_and_values_stays_text_in_both_files(store):
    import_frame(store, NASTY, _hostile_survey(), source="survey.csv")
    theme_service.save_codeframe(store, NASTY, Codeframe((Theme("slow", NASTY, ("slow",)),
                                                          Theme("support", "Support", ("support",)))))
    report = report_service.build_report(store, NASTY)
    assert report.section("themes").table.rows[0][0] == NASTY
    assert report.section("segments").table.rows  # the markup segment differs for real
    page = report_service.render_report(report, "html").decode("utf-8")
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, flags=re.I) == []
    text = pypdf.PdfReader(io.BytesIO(report_service.render_report(report, "pdf"))).pages[0].extract_text()
    assert NASTY in text


def test_undated_responses_get_a_report_that_says_so(store):
    import_frame(store, "Undated", _hostile_survey().drop(columns="Date"), source="undated.csv")
    report = report_service.build_report(store, "Undated")
    assert report.section("kpis").covers == "all dates (the responses are undated); no filters"
    trend = report.section("trend")
    assert trend.chart is None and trend.sentence.startswith("No trend")
    assert report.section("themes") is None  # no codeframe yet
    assert "<svg" not in report_service.render_report(report, "html").decode("utf-8")


def test_the_report_job_keeps_both_files_and_the_job_list_stays_small(demo):
    job_id = job_kinds.submit_report(demo, SURVEY, where={"Region": ["APAC"]})
    ran = jobs.run_pending(demo)
    assert [j.id for j in ran if j.kind == job_kinds.REPORT] == [job_id]
    job = jobs.get(demo, job_id)
    assert job.state == jobs.JOB_DONE and "ready to download" in job.result["message"]
    assert jobs.OUTPUT not in job.result  # the files are kept beside the job, not in its listed result
    files = job_kinds.report_files(demo, job_id)
    assert "Region: APAC" in files["html"].decode()
    assert "Headline figures" in pypdf.PdfReader(io.BytesIO(files["pdf"])).pages[0].extract_text()


def test_a_report_job_for_a_missing_dataset_fails_with_a_sentence(demo):
    job_id = job_kinds.submit_report(demo, "No such dataset")
    jobs.run_pending(demo)
    job = jobs.get(demo, job_id)
    assert job.state == jobs.JOB_FAILED and "No such dataset" in job.error and "Traceback" not in job.error
    assert job_kinds.report_files(demo, job_id) is None
