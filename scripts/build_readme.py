"""Assemble README.md from its sections in docs/readme/ (run after editing a section)."""

from __future__ import annotations

from pathlib import Path

from screenshots import screenshot_table

from portal.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["intro", "pages", "themes_page", "collections", "ingest", "store", "jobs", "kpis", "journey", "report", "themes", "sentiment", "requests", "sheets", "demo", "screens", "zz_reference"]


def settings_table() -> str:
    """Return the settings as a Markdown table."""
    rows = ["| Variable | Default | What it does |", "| --- | --- | --- |"]
    rows += [f"| `{s.name}` | `{s.default}` | {s.help} |" if s.default else f"| `{s.name}` | (empty) | {s.help} |"
             for s in SETTINGS]
    return "\n".join(rows)


def main() -> None:
    """Write README.md."""
    parts = []
    for name in ORDER:
        path = ROOT / "docs" / "readme" / f"{name}.md"
        if path.exists():
            parts.append(path.read_text(encoding="utf-8").strip())
    text = "\n\n".join(parts).replace("{SETTINGS_TABLE}", settings_table())
    text = text.replace("{SCREENSHOTS_TABLE}", screenshot_table()) + "\n"
    (ROOT / "README.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
