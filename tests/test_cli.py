"""The `portal` CLI as shipped: every command of the README's contract is registered, the installed program
runs, and a reader that stops early ends the command quietly."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from portal.cli import BROKEN_PIPE_EXIT, build_parser

#: The commands the README's "Command line" section documents, by the names the parser registers.
COMMANDS = {"import", "datasets", "history", "revert", "export", "kpis", "themes", "discover", "codeframe",
            "sync", "sheets", "demo", "delete", "compare", "journey", "jobs", "report", "collections"}
SHEET_ACTIONS = {"list", "schedule", "unlink", "worksheets", "account"}
JOB_ACTIONS = {"run", "retry"}
SURVEY = "Acme NPS survey"
PORTAL = Path(sys.executable).with_name("portal")


def _choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Return the sub-commands registered on ``parser`` by name."""
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_every_documented_command_is_registered() -> None:
    commands = _choices(build_parser())
    assert set(commands) == COMMANDS
    assert set(_choices(commands["sheets"])) == SHEET_ACTIONS
    assert set(_choices(commands["jobs"])) == JOB_ACTIONS


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, subprocess.CompletedProcess[str]]:
    """Return the URL of a store loaded by the installed ``portal demo``, and that run."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'portal.db'}"
    proc = subprocess.run([str(PORTAL), "demo", "--db", url, "--format", "json"], capture_output=True, text=True,
                          check=False)
    return url, proc


def test_installed_program_prints_its_help() -> None:
    proc = subprocess.run([str(PORTAL), "--help"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: portal")
    assert all(command in proc.stdout for command in COMMANDS)


def test_installed_program_runs_a_command(demo_store) -> None:
    _, proc = demo_store
    assert proc.returncode == 0, proc.stderr
    assert [d["dataset"] for d in json.loads(proc.stdout)["datasets"]] == [SURVEY, "App store reviews"]


def test_the_demo_survey_comes_with_its_journey(demo_store) -> None:
    url, loaded = demo_store
    assert loaded.returncode == 0, loaded.stderr
    proc = subprocess.run([str(PORTAL), "journey", "--dataset", SURVEY, "--db", url, "--format", "json"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["column"] == "Touchpoint"
    assert [s["stage"] for s in doc["stages"]] == ["Onboarding", "Product usage", "Support", "Billing", "Renewal"]
    assert doc["weakest"]["stage"] == "Support"  # the demo's story: the Support touchpoint scores lowest
    assert all(s["pain_point"] is not None and s["top_themes"] for s in doc["stages"])


def test_export_into_a_reader_that_stops_after_one_line_ends_quietly(demo_store) -> None:
    url, loaded = demo_store
    assert loaded.returncode == 0, loaded.stderr
    export = subprocess.Popen([str(PORTAL), "export", "--dataset", SURVEY, "--db", url],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert export.stdout is not None and export.stderr is not None
    header = export.stdout.readline()
    export.stdout.close()  # like `| head -1`: the rest of the export has nowhere to go
    err = export.stderr.read()
    code = export.wait(timeout=120)
    assert header.startswith(b"Response ID,")
    assert err == b""
    assert code == BROKEN_PIPE_EXIT
