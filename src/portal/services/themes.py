"""Themes of a dataset: codeframe versions, discovery, keeping each comment's themes current, corrections.

* Every version of a dataset's codeframe is kept; the current one is the newest that was not undone, and
  ``undo`` brings the previous one back.
* Each comment's themes (with the reason: keyword, where it sits, which clauses) are stored as the current
  codeframe gives them. Every codeframe change re-codes the whole dataset; ``refresh`` (after an import or
  a revert) codes only the rows that are new or changed and forgets the rows that are gone.
* Each comment's clause boundaries and clause sentiment are remembered with a fingerprint of its text, so
  re-applying an edited codeframe neither splits nor scores 100,000 comments again.
* Hand corrections (``portal.services.corrections``) are applied on top of the automatic result every time.
* Discovery reads the English comments (and those of unknown language) and, separately, the comments of every
  other language that has at least ``MIN_LANGUAGE_COMMENTS`` of them; each language's themes join the one
  codeframe carrying their language (``portal.text.theme_languages``).

Every function takes the ``Store`` and a dataset name; ``NotFoundError`` is raised for an unknown dataset.
Deleting a dataset deletes all of this with it. The tables and their SQL are in ``portal.store.themes``.
"""

from __future__ import annotations

import pandas as pd

from portal.errors import InputError, NotFoundError
from portal.numbers import plural
from portal.services import brand_themes
from portal.services.clauses import ClauseScorer, Progress, part
from portal.services.corrections import (
    ASSIGNMENT_COLUMNS,
    LABEL_POLARITY,
    SENTIMENT_LABELS,
    assignments,
    clear_correction,
    correct_sentiment,
    correct_themes,
    corrections,
    themes_per_row,
    with_corrected_sentiment,
)
from portal.services.theme_coding import (
    ApplyResult,
    apply_codeframe,
    comments_by_language,
    comments_for_discovery,
    dataset_comments,
    discovery_summary,
    negative_by_language,
    negative_for_discovery,
    preview,
)
from portal.store import Store
from portal.store import themes as stored
from portal.text.codeframe import MAX_THEMES as MAX_CODEFRAME_THEMES
from portal.text.codeframe import Codeframe, from_dict
from portal.text.language import language_name
from portal.text.theme_languages import combine
from portal.text.themes import MIN_COMMENTS, MIN_THEMES, default_theme_count, discover

__all__ = [
    "ASSIGNMENT_COLUMNS",
    "LABEL_POLARITY",
    "SENTIMENT_LABELS",
    "SOURCES",
    "ApplyResult",
    "ClauseScorer",
    "Progress",
    "after_import",
    "apply_codeframe",
    "assignments",
    "clear_correction",
    "codeframe_history",
    "codeframe_version",
    "comments_by_language",
    "comments_for_discovery",
    "correct_sentiment",
    "correct_themes",
    "corrections",
    "current_codeframe",
    "current_version",
    "discover_themes",
    "discovery_summary",
    "preview",
    "refresh",
    "save_codeframe",
    "themes_per_row",
    "undo",
    "with_corrected_sentiment",
]

SOURCES: tuple[str, ...] = ("discovered", "edited", "imported")


# ----------------------------------------------------------------------------------------------- codeframes


def current_codeframe(store: Store, name: str) -> Codeframe | None:
    """Return the dataset's current codeframe, or None when it has none yet."""
    found = stored.read_themes(store, name, codeframe=True).codeframe
    return from_dict(found.body) if found else None


def current_version(store: Store, name: str) -> int | None:
    """Return the number of the dataset's current codeframe version (None when it has none)."""
    found = stored.read_themes(store, name, codeframe=True).codeframe
    return found.version if found else None


def codeframe_history(store: Store, name: str) -> pd.DataFrame:
    """Return every codeframe version of the dataset, newest first.

    Columns: ``version``, ``created_at``, ``source`` (discovered, edited, imported), ``note`` (what changed),
    ``themes`` (how many) and ``status`` (current, earlier, undone).
    """
    rows = stored.codeframe_versions(store, name)
    current = next((r.version for r in rows if not r.undone), None)
    return pd.DataFrame({
        "version": pd.Series([r.version for r in rows], dtype="int64"),
        "created_at": pd.Series([r.created_at for r in rows], dtype="datetime64[ns]"),
        "source": pd.Series([r.source for r in rows], dtype=object),
        "note": pd.Series([r.note for r in rows], dtype=object),
        "themes": pd.Series([len(r.body.get("themes", [])) for r in rows], dtype="int64"),
        "status": pd.Series(["undone" if r.undone else "current" if r.version == current else "earlier"
                             for r in rows], dtype=object),
    })


def codeframe_version(store: Store, name: str, version: int) -> Codeframe:
    """Return one stored version of the dataset's codeframe; raise ``NotFoundError`` when there is no such version."""
    body = stored.codeframe_body(store, name, version)
    if body is None:
        raise NotFoundError(f"The dataset '{name}' has no codeframe version {version}.")
    return from_dict(body)


def save_codeframe(
    store: Store,
    name: str,
    codeframe: Codeframe,
    *,
    note: str = "",
    source: str = "edited",
    progress: Progress | None = None,
    scorer: ClauseScorer | None = None,
    clauses: pd.DataFrame | None = None,
) -> ApplyResult:
    """Store ``codeframe`` as the dataset's new current version and re-apply it to every stored comment.

    ``note`` says what changed ("renamed 'app' to 'mobile app'"); ``source`` is discovered, edited or
    imported; ``scorer`` and ``clauses`` are passed to ``apply_codeframe``. Raises ``InputError`` for an empty codeframe or unknown source.
    """
    if source not in SOURCES:
        raise InputError(f"'{source}' is not a codeframe source; use one of {', '.join(SOURCES)}.")
    if not codeframe.themes:
        raise InputError("The codeframe has no themes. Keep at least one theme, or add one by hand.")
    body = codeframe.to_dict()
    brands = brand_themes.brands_to_record(store, name, source)
    if brands is not None:
        body[brand_themes.BRANDS_KEY] = brands
    stored.add_codeframe(store, name, body, source=source, note=note)
    return apply_codeframe(store, name, progress=progress, scorer=scorer, clauses=clauses)


def undo(store: Store, name: str, *, progress: Progress | None = None,
         scorer: ClauseScorer | None = None) -> ApplyResult:
    """Undo the last codeframe change: the previous version becomes current again and is re-applied.

    Raises ``InputError`` when there is no earlier version to go back to.
    """
    if not stored.undo_codeframe(store, name):
        raise InputError("There is no earlier version of the codeframe to go back to.")
    return apply_codeframe(store, name, progress=progress, scorer=scorer)


def discover_themes(
    store: Store,
    name: str,
    *,
    n_themes: int | None = None,
    progress: Progress | None = None,
    scorer: ClauseScorer | None = None,
    clauses: pd.DataFrame | None = None,
) -> ApplyResult:
    """Run discovery on the dataset's comments, store the result as a new codeframe version and apply it.

    English comments (and those of unknown language) are read together, ``n_themes`` themes (default: by their
    number); every other language with at least ``MIN_LANGUAGE_COMMENTS`` comments is read on its own, with a
    number of themes chosen by its size. Raises ``InputError`` when the dataset has fewer than
    ``MIN_COMMENTS`` English comments and no other language with enough, or when no theme is found at all.
    """
    frame = dataset_comments(store, name)
    codeframe, note = _discover_all(frame, n_themes, part(progress, 0.0, 0.6))
    return save_codeframe(store, name, codeframe, note=note, source="discovered",
                          progress=part(progress, 0.6, 1.0), scorer=scorer, clauses=clauses)


def _discover_all(frame: pd.DataFrame, n_themes: int | None, progress: Progress | None) -> tuple[Codeframe, str]:
    """Return the codeframe found in every language with enough comments, and the note of the new version."""
    texts = comments_for_discovery(frame)
    others, flags = comments_by_language(frame), negative_by_language(frame)
    base, notes = Codeframe(), []
    if len(texts) >= MIN_COMMENTS or not others:
        try:
            base = discover(texts, n_themes=n_themes, progress=part(progress, 0.0, 0.5 if others else 1.0),
                            negative=negative_for_discovery(frame))
            notes.append(f"found {plural(len(base.themes), 'theme')} in {plural(len(texts), 'comment')}")
        except InputError:
            if not others:
                raise
            # English repeats too few topics; the other languages are still worth reading.
    found: dict[str, Codeframe] = {}
    for lang, comments in others.items():
        if progress:
            progress(0.5, f"Looking for themes in {len(comments):,} comments in {language_name(lang)}")
        codeframe = _discover_language(comments, flags.get(lang))
        room = MAX_CODEFRAME_THEMES - len(base.themes) - sum(len(c.themes) for c in found.values())
        if codeframe is not None and len(codeframe.themes) <= room:
            found[lang] = codeframe
            notes.append(f"{plural(len(codeframe.themes), 'theme')} in {len(comments):,} {language_name(lang)} "
                         "comments")
    if not base.themes and not found:
        raise InputError("No themes were found: the comments of each language repeat too few topics. Add themes "
                         "by hand on the Themes page.")
    return combine(base, found), "; ".join(notes) if base.themes else "found " + "; ".join(notes)


def _discover_language(texts: list[str], negative: list[bool] | None = None) -> Codeframe | None:
    """Return themes found in one language's comments (the fewest, two, when the comments allow no more; None for
    none)."""
    k = default_theme_count(len(texts))
    for n in dict.fromkeys((k, MIN_THEMES)):
        try:
            return discover(texts, n_themes=n, negative=negative)
        except InputError:
            continue
    return None


# ----------------------------------------------------------------------------------------------- keeping current


def refresh(store: Store, name: str, *, progress: Progress | None = None,
            clauses: pd.DataFrame | None = None) -> ApplyResult | None:
    """Bring the stored themes up to date with the dataset's rows (after an import or a revert).

    Does nothing (and returns None) when the dataset has no codeframe or nothing changed since the last run.
    """
    snapshot = stored.read_themes(store, name, codeframe=True, run=True)
    if snapshot.codeframe is None:
        return None
    run = snapshot.run
    if run is not None and run.codeframe_version == snapshot.codeframe.version \
            and run.data_version == store.data_version(name):
        return None
    return apply_codeframe(store, name, only_changed=True, progress=progress, clauses=clauses)


def after_import(store: Store, name: str, *, progress: Progress | None = None,
                 clauses: pd.DataFrame | None = None) -> str | None:
    """Keep themes current after an import; return a sentence for the person (None when nothing to say).

    The first import of a dataset with enough comments runs discovery and applies the new codeframe; a
    later import codes the new and changed comments with the current codeframe. When the import brings reviews
    of a brand the current codeframe was not made over (``portal.services.brand_themes``), the themes are found
    again over every brand if discovery made that codeframe and no person changed it since; otherwise it is kept
    and the sentence says so and how to find the themes again. With fewer than
    ``MIN_COMMENTS`` comments discovery is skipped with a message; the import itself is never undone.
    ``clauses`` (``portal.text.enrich.enrich_with_clauses`` rows of the imported comments) spares splitting
    and scoring them again.
    """
    current = brand_themes.current_version(store, name)
    if current is None:
        return _first_themes(store, name, progress=progress, clauses=clauses)
    arrived = brand_themes.arrived(store, name, current.body)
    if arrived and current.source == "discovered":
        found = _themes_again(store, name, arrived, progress=progress, clauses=clauses)
        if found is not None:
            return found
    result = refresh(store, name, progress=progress, clauses=clauses)
    coded = None if result is None else (f"New comments were coded with codeframe version {result.version}: "
                                         f"{result.coverage:.0%} of all comments have at least one theme.")
    if not arrived or current.source == "discovered":
        return coded
    return ((coded + " ") if coded else "") + (
        f"The themes were found before reviews of {brand_themes.named(arrived)} arrived and were then edited by "
        "hand, so they were kept; themes found over every brand keep the brands comparable. To find them again, "
        "use 'Find themes again' on the Themes page (tab 'Edit the codeframe'), or run "
        f"`portal discover --dataset \"{name}\"`.")


def _themes_again(store: Store, name: str, arrived: list[str], *, progress: Progress | None,
                  clauses: pd.DataFrame | None) -> str | None:
    """Find the themes again over every brand after reviews of new brands arrived; None when discovery fails."""
    if progress:
        progress(0.0, f"Finding the themes again now that reviews of {brand_themes.named(arrived)} arrived")
    texts = comments_for_discovery(dataset_comments(store, name))
    try:
        result = discover_themes(store, name, n_themes=_theme_count(texts), progress=progress, clauses=clauses)
    except InputError:
        return None
    return (f"Reviews of {brand_themes.named(arrived)} arrived after the themes were found, so the themes were found "
            "again over every brand, keeping the brands comparable. " + result.message)


def _theme_count(texts: list[str]) -> int | None:
    """Return how many themes discovery looks for in these English comments (None: too few, other languages only)."""
    return default_theme_count(len(texts)) if len(texts) >= MIN_COMMENTS else None


def _first_themes(store: Store, name: str, *, progress: Progress | None,
                  clauses: pd.DataFrame | None) -> str | None:
    """Run discovery on a dataset without codeframe when it has enough comments; return what happened."""
    frame = dataset_comments(store, name)
    if frame.empty:
        return None
    texts = comments_for_discovery(frame)
    if len(texts) < MIN_COMMENTS and not comments_by_language(frame):
        return (f"Themes were not looked for: the dataset has {len(texts):,} comments in English and themes are "
                f"found from {MIN_COMMENTS} on (in English or in any other language). Import more comments, or "
                "add themes by hand on the Themes page.")
    if progress:
        progress(0.0, f"Looking for themes in {discovery_summary(frame)} comments")
    try:
        result = discover_themes(store, name, n_themes=_theme_count(texts), progress=progress, clauses=clauses)
    except InputError as err:
        return f"Themes were not looked for: {err}"
    return f"Found {result.counted}. " + result.message
