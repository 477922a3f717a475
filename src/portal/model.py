"""The portal's data model: the roles a column can play, a column mapping, a dataset's configuration.

A *canonical frame* is what validation produces, the store keeps and the metrics read. Its columns:

=============== ======================================================================
``row_key``     str, unique per dataset: ``id:<id>``, ``k:<key columns>`` or ``h:<hash>:<n>``
``response_id`` str or None: the value of the ``id`` column
``customer``    str or None
``date``        datetime64[ns] (naive) or NaT
``nps``         float 0-10 or NaN
``csat``        float on the dataset's CSAT scale or NaN (derived from a 1-5 ``rating`` when
                the dataset has no CSAT column; see ``derives_csat``)
``rating``      float on the dataset's rating scale or NaN
``recommend``   float 1.0 (would recommend), 0.0 (would not) or NaN, from a two-valued column
``value``       float or NaN (revenue / CLV / MRR)
``brand``       str or None
``comment``     str or None (several text columns are joined with a blank line)
``sentiment``   float -1..1 or NaN; ``sentiment_label`` and ``language`` str or None
=============== ======================================================================

When loaded from the store, the frame also carries ``import_id`` and one column per segment under its
original name (a segment whose name collides with a canonical column gets the suffix `` (segment)``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from portal import settings

SINGLE_ROLES: tuple[str, ...] = ("id", "customer", "date", "nps", "csat", "rating", "recommend", "brand", "value")
MULTI_ROLES: tuple[str, ...] = ("comment", "segment")
ROLES: tuple[str, ...] = SINGLE_ROLES + MULTI_ROLES

ROLE_LABELS: dict[str, str] = {
    "id": "Response id",
    "customer": "Customer / account id",
    "date": "Date",
    "nps": "NPS score (0-10)",
    "csat": "CSAT score",
    "rating": "Star rating",
    "recommend": "Would recommend (yes/no)",
    "brand": "Brand / product",
    "value": "Revenue / value",
    "comment": "Comment (free text)",
    "segment": "Segment",
    "ignore": "Ignore",
}

CANONICAL_COLUMNS: tuple[str, ...] = (
    "row_key",
    "response_id",
    "customer",
    "date",
    "nps",
    "csat",
    "rating",
    "recommend",
    "value",
    "brand",
    "comment",
    "sentiment",
    "sentiment_label",
    "language",
)
SCORE_COLUMNS: tuple[str, ...] = ("nps", "csat", "rating", "recommend")
KINDS: tuple[str, ...] = ("survey", "reviews")


@dataclass(frozen=True)
class Mapping:
    """Which source column plays which role; columns in none of them are ignored."""

    id: str | None = None
    customer: str | None = None
    date: str | None = None
    nps: str | None = None
    csat: str | None = None
    rating: str | None = None
    recommend: str | None = None
    brand: str | None = None
    value: str | None = None
    comment: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()

    def role_of(self, column: str) -> str:
        """Return the role ``column`` plays (``"ignore"`` when none)."""
        for role in SINGLE_ROLES:
            if getattr(self, role) == column:
                return role
        if column in self.comment:
            return "comment"
        if column in self.segments:
            return "segment"
        return "ignore"

    def columns(self) -> list[str]:
        """Return every mapped source column, roles first, then comments, then segments."""
        single = [getattr(self, r) for r in SINGLE_ROLES if getattr(self, r)]
        return single + list(self.comment) + list(self.segments)

    def with_role(self, role: str, column: str | None) -> Mapping:
        """Return a copy where ``role`` is played by ``column`` (None unmaps it).

        For ``comment`` and ``segment`` the column is added to the list (None empties the list).
        A column taken for a single role is removed from every other role.
        """
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        cleared = self.without_column(column) if column else self
        if role == "comment":
            return replace(cleared, comment=(*cleared.comment, column) if column else ())
        if role == "segment":
            return replace(cleared, segments=(*cleared.segments, column) if column else ())
        return replace(cleared, **{role: column})

    def without_column(self, column: str) -> Mapping:
        """Return a copy in which ``column`` plays no role."""
        changes: dict[str, Any] = {r: None for r in SINGLE_ROLES if getattr(self, r) == column}
        changes["comment"] = tuple(c for c in self.comment if c != column)
        changes["segments"] = tuple(c for c in self.segments if c != column)
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Return the mapping as plain JSON-able data (the CLI's ``mapping`` key)."""
        out: dict[str, Any] = {r: getattr(self, r) for r in SINGLE_ROLES}
        out["comment"] = list(self.comment)
        out["segments"] = list(self.segments)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mapping:
        """Build a mapping from ``to_dict`` output (unknown keys are ignored)."""
        kwargs: dict[str, Any] = {r: data.get(r) for r in SINGLE_ROLES}
        kwargs["comment"] = tuple(data.get("comment") or ())
        kwargs["segments"] = tuple(data.get("segments") or ())
        return cls(**kwargs)


#: The rating scale CSAT can be derived from (4 and 5 stars count as satisfied).
DERIVED_CSAT_SCALE: tuple[int, int] = (1, 5)


def derives_csat(mapping: Mapping, rating_scale: Sequence[int]) -> bool:
    """Return True when CSAT is derived from the rating: a 1-5 rating is mapped and no CSAT column is."""
    return bool(mapping.rating and not mapping.csat and tuple(rating_scale) == DERIVED_CSAT_SCALE)


@dataclass(frozen=True)
class DatasetConfig:
    """How a dataset's files are read: mapping, scales, constants and row keys."""

    mapping: Mapping = field(default_factory=Mapping)
    kind: str = "survey"
    csat_scale: tuple[int, int] = (1, 5)
    rating_scale: tuple[int, int] = (1, 5)
    csat_from_rating: bool = False
    dayfirst: bool | None = None
    constants: dict[str, str] = field(default_factory=dict)
    key_columns: tuple[str, ...] = ()
    sentinels: dict[str, list[str]] = field(default_factory=dict)
    #: Shown with every money figure of the dataset ("£", "$", "EUR"); PORTAL_CURRENCY when not given.
    currency: str = field(default_factory=settings.currency)
    #: The brand that is "ours" on the Competitors page and in ``portal compare`` (None: not chosen yet).
    ours: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the configuration as plain JSON-able data."""
        return {
            "mapping": self.mapping.to_dict(),
            "kind": self.kind,
            "csat_scale": list(self.csat_scale),
            "rating_scale": list(self.rating_scale),
            "csat_from_rating": self.csat_from_rating,
            "dayfirst": self.dayfirst,
            "constants": dict(self.constants),
            "key_columns": list(self.key_columns),
            "sentinels": {k: list(v) for k, v in self.sentinels.items()},
            "currency": self.currency,
            "ours": self.ours,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DatasetConfig:
        """Build a configuration from ``to_dict`` output."""
        return cls(
            mapping=Mapping.from_dict(data.get("mapping") or {}),
            kind=data.get("kind", "survey"),
            csat_scale=tuple(data.get("csat_scale") or (1, 5)),  # type: ignore[arg-type]
            rating_scale=tuple(data.get("rating_scale") or (1, 5)),  # type: ignore[arg-type]
            csat_from_rating=bool(data.get("csat_from_rating", False)),
            dayfirst=data.get("dayfirst"),
            constants=dict(data.get("constants") or {}),
            key_columns=tuple(data.get("key_columns") or ()),
            sentinels={k: list(v) for k, v in (data.get("sentinels") or {}).items()},
            currency=str(data.get("currency") or "").strip() or settings.currency(),
            ours=str(data["ours"]) if data.get("ours") else None,
        )


#: The longest dataset name the store accepts (the same limit on every page and in the CLI).
MAX_DATASET_NAME_LENGTH = 200


def dataset_name_problem(name: object) -> str | None:
    """Return why ``name`` cannot name a dataset (empty, or too long), or None when it can."""
    if not isinstance(name, str) or not name.strip():
        return "The dataset needs a name. Give it a short name such as 'NPS 2024'."
    if len(name) > MAX_DATASET_NAME_LENGTH:
        return f"The dataset name is too long: use at most {MAX_DATASET_NAME_LENGTH} characters."
    return None


#: The longest currency the portal shows with a money figure ("£", "R$", "CHF", "Fr.").
MAX_CURRENCY_LENGTH = 5


def currency_problem(text: object) -> str | None:
    """Return why ``text`` cannot be a dataset's currency, or None when it can.

    A currency is a sign or a code of at most ``MAX_CURRENCY_LENGTH`` characters, made of letters, currency
    signs and dots: "£", "$", "€", "R$", "CHF", "Fr.". Markup, formulas, digits and spaces are refused, since
    the currency is written beside every money figure.
    """
    example = "Type a sign such as £, $ or €, or a code such as USD or CHF."
    if not isinstance(text, str) or not text.strip():
        return f"The currency is empty. {example}"
    text = text.strip()
    odd = [c for c in text if c != "." and unicodedata.category(c) not in {"Lu", "Ll", "Lt", "Lm", "Lo", "Sc"}]
    if odd:
        shown = ", ".join(dict.fromkeys(repr(c) if c.isprintable() else f"U+{ord(c):04X}" for c in odd))
        return f"A currency is letters or a currency sign only; it cannot hold {shown}. {example}"
    if len(text) > MAX_CURRENCY_LENGTH:
        return f"The currency is too long ({len(text)} characters; at most {MAX_CURRENCY_LENGTH}). {example}"
    return None


@dataclass(frozen=True)
class DatasetInfo:
    """A dataset as listed by the store: its configuration, size, date range and import count."""

    name: str
    kind: str
    config: DatasetConfig
    rows: int
    date_min: datetime | None
    date_max: datetime | None
    created_at: datetime
    data_version: int
    imports: int
    updated_at: datetime | None = None
    last_import: datetime | None = None


@dataclass(frozen=True)
class ImportResult:
    """What one import did: rows added, updated, unchanged; rows in the store but not in the file.

    ``themes_message`` is what keeping the dataset's themes current after the import had to say (set by the
    import service; None when there was nothing to say). ``follow_up_job`` is the background job, queued in the
    import's own transaction, that does that work (None when none was asked for).
    """

    dataset: str
    import_id: int
    added: int
    updated: int
    unchanged: int
    rejected: int
    duplicates: int
    missing: int
    removed: int
    themes_message: str | None = None
    follow_up_job: int | None = None


@dataclass(frozen=True)
class RevertResult:
    """What reverting an import did: rows it had added removed, rows it had changed or removed restored."""

    import_id: int
    removed: int
    restored: int
    dataset: str = ""
