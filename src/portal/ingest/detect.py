"""Working out which column plays which role, from the column names checked against the values.

The values always win over the name: a column called "NPS_RATING" that holds "Promoter"/"Detractor" is a
segment, not a score. Every decision comes with a plain reason the person sees next to the column. What a
column looks like is in ``portal.ingest.profile``, what that says about its role in ``portal.ingest.roles``.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingT
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from portal.errors import InputError
from portal.ingest.profile import Profile, normalize_name, profile_column
from portal.ingest.roles import (
    CSAT_WORDS,
    RATING_WORDS,
    SCORE_WORDS,
    Candidate,
    brand_candidates,
    comment_kind,
    customer_candidates,
    date_candidates,
    date_reason,
    has_word,
    id_candidates,
    infer_kind,
    leftover_role,
    nps_hint,
    recommend_candidates,
    recommend_hint,
    score_candidates,
    score_hint,
    score_scale,
    value_candidates,
)
from portal.ingest.values import date_order
from portal.model import KINDS, ROLES, SINGLE_ROLES, DatasetConfig, Mapping, derives_csat

__all__ = ["Detection", "apply_overrides", "detect", "normalize_name"]

_SCORE_LABELS = {"nps": "an NPS score", "csat": "a CSAT score", "rating": "a star rating"}
_ROLE_ALIASES = {"segments": "segment", "comments": "comment", "response_id": "id", "text": "comment"}


@dataclass(frozen=True)
class Detection:
    """What the portal understood in a file: the proposed configuration, a reason per column, warnings."""

    config: DatasetConfig
    reasons: dict[str, str]
    warnings: tuple[str, ...]


def detect(frame: pd.DataFrame, *, kind: str | None = None) -> Detection:
    """Return the proposed roles, scales and day/month order for ``frame``, with a reason per column.

    ``kind`` ("survey" or "reviews") sets how a generic "Score" column is read; None infers it.
    Raises ``InputError`` for an unknown kind. Never raises for the data itself: when nothing looks like a
    score or a comment, the detection says so in ``warnings``.
    """
    _check_kind(kind)
    profiles = [profile_column(frame[c], str(c), i) for i, c in enumerate(frame.columns)]
    kind = kind or infer_kind(profiles)
    picker = _Picker()
    picker.pick("id", id_candidates(profiles), "a response id")
    dayfirst = _pick_date(picker, profiles)
    csat_scale, rating_scale, sentinels = _pick_scores(picker, profiles, kind)
    picker.pick("recommend", recommend_candidates(profiles), "a would-recommend answer")
    picker.pick("value", value_candidates(profiles), "a revenue / value column")
    picker.pick("customer", customer_candidates(profiles), "a customer id")
    picker.pick("brand", brand_candidates(profiles), "the brand")
    comments = _pick_comments(picker, profiles)
    segments, segment_sentinels = _pick_segments(picker, profiles, kind)

    mapping = Mapping(**{r: picker.roles.get(r) for r in SINGLE_ROLES}, comment=comments, segments=segments)
    csat_from_rating = derives_csat(mapping, rating_scale)
    if csat_from_rating and mapping.rating:
        picker.reasons[mapping.rating] += "; CSAT is derived from it (4 and 5 stars count as satisfied)"
    if not (mapping.nps or mapping.csat or mapping.rating or mapping.recommend or mapping.comment):
        picker.warnings.append(
            "No column looks like a score (NPS, CSAT, star rating or would recommend) or a comment, so there is nothing to analyse "
            "yet. Choose which column holds the score or the comment."
        )
    config = DatasetConfig(
        mapping=mapping, kind=kind, csat_scale=csat_scale, rating_scale=rating_scale,
        csat_from_rating=csat_from_rating, dayfirst=dayfirst if mapping.date else None,
        sentinels={**sentinels, **segment_sentinels},
    )
    return Detection(config=config, reasons=picker.reasons, warnings=tuple(picker.warnings))


def guess_kind(frame: pd.DataFrame) -> str:
    """Return the kind of feedback the columns suggest: "reviews" for a star rating with review text and no
    NPS or CSAT column, "survey" for an NPS or CSAT score (and when nothing says either)."""
    return infer_kind([profile_column(frame[c], str(c), i) for i, c in enumerate(frame.columns)])


def _check_kind(kind: str | None) -> None:
    """Raise ``InputError`` unless ``kind`` is None or one of ``KINDS``."""
    if kind is not None and kind not in KINDS:
        raise InputError(f"The kind of feedback must be one of {', '.join(KINDS)}, not '{kind}'.")


# --- the steps of detection ----------------------------------------------------------------------------


class _Picker:
    """Gives roles to columns one at a time, noting a reason for every column and the warnings."""

    def __init__(self) -> None:
        self.roles: dict[str, str] = {}
        self.taken: set[str] = set()
        self.reasons: dict[str, str] = {}
        self.warnings: list[str] = []

    def pick(self, role: str, candidates: list[Candidate], label: str, *, warn: bool = True) -> Profile | None:
        """Give ``role`` to the best free candidate; note the others (with a warning when ``warn``)."""
        candidates = [c for c in candidates if c[1].column not in self.taken]
        if not candidates:
            return None
        candidates.sort(key=lambda c: c[0], reverse=True)
        _, best, reason = candidates[0]
        self.roles[role] = best.column
        self.taken.add(best.column)
        self.reasons[best.column] = reason
        for _, other, _ in candidates[1:]:
            self.reasons[other.column] = f"Also looks like {label}, but '{best.column}' is used"
            if warn:
                self.warnings.append(f"Both '{best.column}' and '{other.column}' look like {label}; "
                                     f"'{best.column}' is used.")
        return best

    def free(self, profiles: Sequence[Profile]) -> list[Profile]:
        """Return the profiles of the columns that have no role yet."""
        return [p for p in profiles if p.column not in self.taken]


def _pick_date(picker: _Picker, profiles: Sequence[Profile]) -> bool | None:
    """Give the date role; return the day/month order of its dates (None without a date column)."""
    best = picker.pick("date", date_candidates(profiles), "the response date", warn=False)
    if best is None:
        return None
    reason, warning = date_reason(best)
    picker.reasons[best.column] = reason
    if warning:
        picker.warnings.append(warning)
    return best.order.dayfirst


def _pick_scores(
    picker: _Picker, profiles: Sequence[Profile], kind: str
) -> tuple[tuple[int, int], tuple[int, int], dict[str, list[str]]]:
    """Give the NPS, CSAT and rating roles; return the CSAT and rating scales and the scores' "not rated" codes."""
    csat_scale: tuple[int, int] = (1, 5)
    rating_scale: tuple[int, int] = (1, 5)
    sentinels: dict[str, list[str]] = {}
    scored = score_candidates(profiles, kind)
    for role in ("nps", "csat", "rating"):
        chosen = picker.pick(role, scored[role], _SCORE_LABELS[role])
        if chosen is None:
            continue
        if chosen.sentinels:
            sentinels[chosen.column] = list(chosen.sentinels)
        if role == "csat":
            csat_scale = score_scale(chosen, allow_seven=True)
        if role == "rating":
            rating_scale = score_scale(chosen, allow_seven=False)
    return csat_scale, rating_scale, sentinels


def _pick_comments(picker: _Picker, profiles: Sequence[Profile]) -> tuple[str, ...]:
    """Give the comment role to the free-text columns: titles first, then the body text."""
    titles: list[str] = []
    bodies: list[str] = []
    for p in picker.free(profiles):
        what = comment_kind(p)
        if what == "title":
            titles.append(p.column)
            picker.reasons[p.column] = "Short varied text named like a title: comment (shown before the main text)"
        elif what == "body":
            bodies.append(p.column)
            picker.reasons[p.column] = f"Varied text (about {p.avg_words:.0f} words each): comment"
    comments = tuple(titles + bodies) if bodies else tuple(titles)
    if titles and not bodies:
        for column in titles:
            picker.reasons[column] = "Varied text named like a title: comment"
    picker.taken.update(comments)
    return comments


def _pick_segments(
    picker: _Picker, profiles: Sequence[Profile], kind: str
) -> tuple[tuple[str, ...], dict[str, list[str]]]:
    """Make every other column a segment or ignore it; return the segments and their "not rated" codes."""
    segments: list[str] = []
    sentinels: dict[str, list[str]] = {}
    for p in picker.free(profiles):
        is_segment, reason = leftover_role(p, score_hint(p, kind))
        earlier = picker.reasons.get(p.column, "")
        if earlier.startswith("Also looks like"):
            reason = f"{earlier}; {reason[0].lower()}{reason[1:]}"
        picker.reasons[p.column] = reason
        unused = _unused_score(p, picker.roles)
        if unused:
            picker.warnings.append(f"{unused}; it is {'kept as a segment' if is_segment else 'ignored'}. If it "
                                   "holds the scores, correct them in the file, or give the column its role in "
                                   "the mapping.")
        if is_segment:
            segments.append(p.column)
            if p.sentinels:
                sentinels[p.column] = list(p.sentinels)
    return tuple(segments), sentinels


def _unused_score(p: Profile, roles: MappingT[str, str]) -> str | None:
    """Return why a column named like a score was not taken as one, when no column got that score role."""
    if recommend_hint(p) and p.num_frac < 0.5:  # words, as a yes/no answer holds: not an NPS score
        if p.count == 0 or p.distinct <= 2 or "recommend" in roles:
            return None
        return (f"'{p.column}' looks like a would-recommend answer by its name, but it holds more than a yes and a "
                f"no (for example: {p.examples()}), so it is not counted as would recommend (given that role, rows "
                "with other answers are rejected)")
    if nps_hint(p):
        wanted, label, scale = ("nps",), "an NPS score", "whole numbers from 0 to 10"
    elif has_word(p, CSAT_WORDS):
        wanted, label, scale = ("csat",), "a CSAT score", "numbers on a scale such as 1-5"
    elif has_word(p, RATING_WORDS):
        wanted, label, scale = ("rating",), "a star rating", "numbers on a scale such as 1-5"
    elif has_word(p, SCORE_WORDS):
        wanted, label, scale = ("nps", "csat", "rating"), "a score", "numbers from 0 to 10"
    else:
        return None
    if p.count == 0 or p.distinct <= 2 or any(r in roles for r in wanted):
        return None
    what = "not numbers" if p.num_frac < 0.5 else f"not {scale}"
    return (f"'{p.column}' looks like {label} by its name, but its values are {what} (for example: "
            f"{p.examples()}), so it is not used as {label}")


# --- overrides -----------------------------------------------------------------------------------------


def apply_overrides(
    detection_or_config: DatasetConfig | Detection,
    frame: pd.DataFrame,
    *,
    overrides: Sequence[tuple[str, str | None]] = (),
    constants: MappingT[str, str] | None = None,
    kind: str | None = None,
    csat_scale: tuple[int, int] | None = None,
    rating_scale: tuple[int, int] | None = None,
    key_columns: Sequence[str] = (),
) -> DatasetConfig:
    """Return the configuration with the person's choices applied (``--map``, ``--set``, ``--key``, scales).

    ``ROLE=COLUMN`` gives a role to a column (for comment and segment the first override of comment replaces
    the detected list, further ones add to it; segments add to the detected ones); ``ROLE=`` (None) unmaps it.
    Raises ``InputError`` for an unknown role or kind, a column that is not in ``frame``, a constant for a role
    other than brand or a segment, or a scale that is not two increasing whole numbers.
    """
    config = getattr(detection_or_config, "config", detection_or_config)
    assert isinstance(config, DatasetConfig)
    choices = _apply_roles(config, frame, overrides)
    _check_kind(kind)
    _check_scales(csat_scale, rating_scale)
    mapping = choices.mapping
    if csat_scale is None:
        csat_scale = (score_scale(profile_column(frame[mapping.csat], mapping.csat, 0), allow_seven=True)
                      if choices.new_csat and mapping.csat else config.csat_scale)
    if rating_scale is None:
        rating_scale = (score_scale(profile_column(frame[mapping.rating], mapping.rating, 0), allow_seven=False)
                        if choices.new_rating and mapping.rating else config.rating_scale)
    mapping, merged = _apply_constants(mapping, config.constants, constants or {}, frame)
    keys = tuple(_resolve_column(frame, str(c), "--key") for c in key_columns) or config.key_columns
    used = set(mapping.columns())
    return replace(
        config,
        mapping=mapping,
        kind=kind or config.kind,
        csat_scale=tuple(csat_scale),  # type: ignore[arg-type]
        rating_scale=tuple(rating_scale),  # type: ignore[arg-type]
        csat_from_rating=derives_csat(mapping, rating_scale),
        dayfirst=choices.dayfirst if mapping.date else None,
        constants=merged,
        key_columns=keys,
        sentinels={k: v for k, v in choices.sentinels.items() if k in used},
    )


@dataclass
class _RoleChoices:
    """The mapping as the person's ``ROLE=COLUMN`` choices leave it, and what those choices bring with them."""

    mapping: Mapping
    sentinels: dict[str, list[str]]
    dayfirst: bool | None
    new_csat: bool = False
    new_rating: bool = False


def _apply_roles(
    config: DatasetConfig, frame: pd.DataFrame, overrides: Sequence[tuple[str, str | None]]
) -> _RoleChoices:
    """Apply the ``ROLE=COLUMN`` overrides in order (see ``apply_overrides``)."""
    choices = _RoleChoices(config.mapping, {k: list(v) for k, v in config.sentinels.items()}, config.dayfirst)
    comment_replaced = False
    valid_roles = (*ROLES, "ignore")
    for raw_role, raw_column in overrides:
        role = _ROLE_ALIASES.get(raw_role.strip().lower(), raw_role.strip().lower())
        if role not in valid_roles:
            raise InputError(f"'{raw_role}' is not a role. Use one of: {', '.join(valid_roles)}.")
        if raw_column is None or not str(raw_column).strip():
            if role == "ignore":
                raise InputError("ignore= needs a column name, for example --map ignore=Notes.")
            choices.mapping = choices.mapping.with_role(role, None)
            comment_replaced = comment_replaced or role == "comment"
            continue
        column = _resolve_column(frame, str(raw_column), f"--map {raw_role}")
        mapping = choices.mapping
        if role == "ignore":
            choices.mapping = mapping.without_column(column)
        elif role == "comment" and not comment_replaced:
            choices.mapping = replace(mapping.without_column(column), comment=(column,))
            comment_replaced = True
        elif not (role in ("comment", "segment") and column in (mapping.comment if role == "comment" else
                                                                   mapping.segments)):
            _give_role(choices, frame, role, column)
    return choices


def _give_role(choices: _RoleChoices, frame: pd.DataFrame, role: str, column: str) -> None:
    """Give ``role`` to ``column``, noting its "not rated" codes, a new score scale or the day/month order."""
    choices.mapping = choices.mapping.with_role(role, column)
    if role in ("nps", "csat", "rating"):
        profile = profile_column(frame[column], column, 0)
        if profile.sentinels:
            choices.sentinels[column] = list(profile.sentinels)
        choices.new_csat = choices.new_csat or role == "csat"
        choices.new_rating = choices.new_rating or role == "rating"
    if role == "date":
        choices.dayfirst = date_order(frame[column]).dayfirst


def _check_scales(*scales: tuple[int, int] | None) -> None:
    """Raise ``InputError`` for a CSAT or rating scale that is not two increasing whole numbers."""
    for scale, flag in zip(scales, ("CSAT", "rating"), strict=True):
        if scale is not None and not (len(scale) == 2 and all(isinstance(v, int | np.integer) for v in scale)
                                      and scale[0] < scale[1]):
            raise InputError(f"The {flag} scale must be two whole numbers from low to high, such as 1-5.")


def _apply_constants(
    mapping: Mapping, current: MappingT[str, str], constants: MappingT[str, str], frame: pd.DataFrame
) -> tuple[Mapping, dict[str, str]]:
    """Return the mapping and constants with the ``--set NAME=VALUE`` ones added: the brand or a new segment."""
    merged = dict(current)
    for raw_name, value in constants.items():
        name = raw_name.strip()
        if value is None or not str(value).strip():
            raise InputError(f"--set {name}= needs a value after the '='.")
        if name.lower() == "brand":
            merged["brand"] = str(value).strip()
            mapping = replace(mapping, brand=None)
            continue
        if name.lower() in ROLES or name.lower() in ("ignore", "segments", "comments"):
            raise InputError(
                f"Only the brand or a new segment can be given one value for every row (for example --set "
                f"brand=Monzo or --set Region=EMEA), not {name}."
            )
        if name in frame.columns:
            raise InputError(
                f"'{name}' is already a column of this file, so it cannot also be given one value for every row. "
                "Choose another name for the constant."
            )
        merged[name] = str(value).strip()
        if name not in mapping.segments:
            mapping = replace(mapping, segments=(*mapping.segments, name))
    return mapping, merged


def _resolve_column(frame: pd.DataFrame, column: str, what: str) -> str:
    """Return the frame's column called ``column`` (ignoring case and surrounding spaces when unambiguous)."""
    if column in frame.columns:
        return column
    matches = [c for c in frame.columns if str(c).strip().casefold() == column.strip().casefold()]
    if len(matches) == 1:
        return str(matches[0])
    existing = ", ".join(f"'{c}'" for c in frame.columns)
    raise InputError(f"There is no column '{column}' in this file ({what}). Its columns are: {existing}.")

