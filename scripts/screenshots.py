"""Regenerate a screenshot of every page of the portal (``make screenshots``) into docs/screenshots/.

Starts the portal on a fresh temporary store with the demo data, opens each page listed in ``app.py``'s
``PAGES`` (so a new page is included without touching this script) in Debian's Chromium through Playwright at
1280 x 800, waits until the page has finished running and its charts are drawn, and saves what a laptop screen
shows. ``--dark`` also saves each page in the dark theme (``<page>-dark.png``). Images are reduced to a palette
of colours so each stays a few hundred KB at most.

    python scripts/screenshots.py [--out docs/screenshots] [--dark] [--only overview,themes]
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VIEWPORT = {"width": 1280, "height": 800}
#: Most time any one wait may take (ms); each returns as soon as its condition holds.
WAIT_MS = 180_000
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
#: The demo dataset each page is shown with (the first one otherwise): competitors need brands.
DATASET_FOR = {"competitors": "App store reviews"}
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass(frozen=True)
class PageRef:
    """One page of the navigation: its file, title and address."""

    path: str
    title: str
    url_path: str
    default: bool


def pages_of(app: Path = REPO / "app.py") -> list[PageRef]:
    """Return the pages ``st.Page(...)`` listed in ``app.py``'s ``PAGES``, in order (read, not run)."""
    tree = ast.parse(app.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PAGES" for t in node.targets):
            return [_page_ref(call) for call in getattr(node.value, "elts", []) if isinstance(call, ast.Call)]
    raise SystemExit("app.py has no PAGES list")


def _page_ref(call: ast.Call) -> PageRef:
    """Return the page of one ``st.Page(path, title=..., url_path=..., default=...)`` call."""
    path = ast.literal_eval(call.args[0])
    options = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg in {"title", "url_path", "default"}}
    stem = Path(path).stem
    return PageRef(path, options.get("title", stem.replace("_", " ").title()), options.get("url_path", stem),
                   bool(options.get("default", False)))


def screenshot_table(folder: Path = REPO / "docs" / "screenshots") -> str:
    """Return the README's Markdown table of every page's light and dark screenshot (those that exist)."""
    rows = ["| Page | Light | Dark |", "| --- | --- | --- |"]
    for ref in pages_of():
        cells = []
        for suffix, words in (("", ""), ("-dark", ", dark theme")):
            image = folder / f"{ref.url_path}{suffix}.png"
            cells.append(f"![{ref.title}{words}]({image.relative_to(REPO).as_posix()})" if image.exists() else "")
        if any(cells):
            rows.append(f"| {ref.title} | {cells[0]} | {cells[1]} |")
    return "\n".join(rows)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def portal(folder: Path) -> Iterator[str]:
    """Start the portal with the demo data in a fresh store in ``folder``; yield its address, then stop it."""
    env = {**os.environ, "PORTAL_DATABASE_URL": f"sqlite:///{folder / 'portal.db'}"}
    bin_dir = Path(sys.executable).parent
    print("Loading the demo data ...", flush=True)
    subprocess.run([str(bin_dir / "portal"), "demo", "--if-empty"], env=env, check=True, capture_output=True)
    port = _free_port()
    log = folder / "portal.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port",
                                 str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
                                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    """Return once the server answers its health check; raise with the log's end when it stopped or never did."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("The portal did not start:\n" + log.read_text(errors="replace")[-2000:])


#: True once the app has been idle, with nothing stale, no placeholder and every chart sized, for ``frames``
#: animation frames in a row with the same page height (the first visit reruns through app.py once).
SETTLED = """(frames) => {
  const busy = !document.querySelector("%s")
    || document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"], [data-testid="stSkeleton"]')
    || [...document.querySelectorAll("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg.marks")]
         .some(c => c.getBoundingClientRect().width === 0);
  const size = busy ? null : document.body.scrollHeight;
  const state = window.__settled || {};
  window.__settled = {size: size, count: size !== null && size === state.size ? state.count + 1 : 0};
  return window.__settled.count >= frames;
}""" % IDLE


def wait_drawn(page) -> None:
    """Wait until the script ran, nothing is stale, running or a placeholder, every chart has its size, and the
    page has kept its height for a while (a condition polled on animation frames, no fixed pause)."""
    page.wait_for_selector(IDLE, timeout=WAIT_MS)
    page.wait_for_function(SETTLED, arg=30, polling="raf", timeout=WAIT_MS)


def shrink(path: Path) -> None:
    """Re-save the PNG with at most 256 colours (screenshots of flat colours lose nothing visible)."""
    try:
        from PIL import Image  # pylint: disable=import-outside-toplevel
    except ImportError:
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def shoot(browser, url: str, ref: PageRef, out: Path, *, dark: bool) -> Path:
    """Save one page's screenshot at 1280 x 800 in the light (or dark) theme; return the file."""
    context = browser.new_context(viewport=VIEWPORT, color_scheme="dark" if dark else "light")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    address = url + "/" + ("" if ref.default else ref.url_path)
    dataset = DATASET_FOR.get(ref.url_path)
    if dataset:
        address += "?" + urllib.parse.urlencode({"dataset": dataset})
    page.goto(address)
    wait_drawn(page)
    target = out / f"{ref.url_path}{'-dark' if dark else ''}.png"
    page.screenshot(path=str(target))
    context.close()
    shrink(target)
    return target


def main(argv: list[str] | None = None) -> int:
    """Start the portal, save every page's screenshot, print each file and its size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--dark", action="store_true", help="also save every page in the dark theme")
    parser.add_argument("--only", default="", help="comma-separated page addresses (default: every page)")
    args = parser.parse_args(argv)
    refs = [r for r in pages_of() if not args.only or r.url_path in args.only.split(",")]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("Debian's chromium is needed: apt-get install chromium (make system-deps installs it).")
    from playwright.sync_api import sync_playwright  # pylint: disable=import-outside-toplevel

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, portal(Path(folder)) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for ref in refs:
            for dark in (False, True) if args.dark else (False,):
                target = shoot(browser, url, ref, args.out, dark=dark)
                print(f"{ref.title}: {target.relative_to(REPO) if target.is_relative_to(REPO) else target} "
                      f"({target.stat().st_size // 1024} KB)", flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
