"""``make screenshots`` finds every page in app.py's navigation (also pages added later) and the README lists them."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def script():
    """Return scripts/screenshots.py as a module."""
    spec = importlib.util.spec_from_file_location("screenshots", REPO / "scripts" / "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("screenshots", module)
    spec.loader.exec_module(module)
    return module


def test_every_page_of_the_navigation_is_found_in_order():
    pages = script().pages_of()
    listed = re.findall(r'st\.Page\("([^"]+)"', (REPO / "app.py").read_text(encoding="utf-8"))
    assert [p.path for p in pages] == listed and listed
    assert [p.url_path for p in pages] == [Path(p).stem for p in listed]
    assert [p.title for p in pages if p.default] == ["Overview"]


def test_a_page_added_later_is_found_with_its_own_address(tmp_path):
    app = tmp_path / "app.py"
    app.write_text('import streamlit as st\nPAGES = [\n    st.Page("pages/overview.py", title="Overview", default=True),\n'
                   '    st.Page("pages/journey.py", title="Journey", icon=":material/route:"),\n'
                   '    st.Page("pages/collection.py", title="Collection", url_path="evidence"),\n]\n', encoding="utf-8")
    pages = script().pages_of(app)
    assert [(p.title, p.url_path, p.default) for p in pages] == [
        ("Overview", "overview", True), ("Journey", "journey", False), ("Collection", "evidence", False)]


def test_the_readme_table_shows_each_page_with_a_screenshot(tmp_path):
    (tmp_path / "docs").mkdir()
    folder = tmp_path / "docs"
    module = script()
    module.REPO = tmp_path
    (folder / "overview.png").write_bytes(b"")
    (folder / "themes-dark.png").write_bytes(b"")
    rows = module.screenshot_table(folder).splitlines()
    assert rows[2] == "| Overview | ![Overview](docs/overview.png) |  |"
    assert rows[3] == "| Themes |  | ![Themes, dark theme](docs/themes-dark.png) |"
    assert len(rows) == 4  # pages without a screenshot are left out
