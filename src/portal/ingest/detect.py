"""Working out which column plays which role, from the column names checked against the values.

The values always win over the name: a column called "NPS_RATING" that holds "Promoter"/"Detractor" is a
segment, not a score. Every decision comes with a plain reason the person sees next to the column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping as MappingT, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from portal.errors import InputError
from portal.ingest.values import (
    DateOrder,
    arrow_date_order,
    arrow_dates,
    arrow_numbers,
    arrow_objects,
    clean_arrow,
    date_order,
    to_arrow,
)
from portal.model import KINDS, ROLES, DatasetConfig, Mapping, derives_csat

SAMPLE_ROWS = 20_000
"""Detection looks at up to this many rows (spread over the file); uniqueness is checked on every row."""
MAX_SEGMENT_VALUES = 200
MAX_BRAND_VALUES = 100

NPS_WORDS = frozenset({"nps", "likelihood", "likely", "ltr", "promoter"})
CSAT_WORDS = frozenset({"csat", "satisfaction", "satisfied", "sat"})
RATING_WORDS = frozenset({"rating", "ratings", "stars", "star", "rated", "rate", "overall"})
SCORE_WORDS = frozenset({"score", "scores", "grade"})
DATE_WORDS = frozenset({"date", "time", "timestamp", "datetime", "created", "submitted", "recorded", "completed",
                        "when", "day", "dated", "posted", "published"})
MAIN_DATE_WORDS = frozenset({"response", "submitted", "submission", "recorded", "created", "completed", "review",
                             "survey", "feedback", "posted", "published", "timestamp"})
SIDE_DATE_WORDS = frozenset({"start", "started", "flown", "flight", "travel", "birth", "dob", "updated", "modified",
                             "due", "last", "first", "closed", "resolved", "delivery", "delivered", "order", "signup",
                             "joined", "expiry", "renewal"})
COMMENT_WORDS = frozenset({"comment", "comments", "review", "reviews", "text", "feedback", "verbatim", "verbatims",
                           "content", "body", "message", "description", "reason", "why", "remarks", "remark",
                           "notes", "note", "opinion", "suggestion", "suggestions", "improve", "explain", "answer",
                           "response", "responses", "complaint", "praise", "details", "experience", "tell"})
TITLE_WORDS = frozenset({"title", "header", "headline", "subject", "summary"})
ID_NAMES = frozenset({"id", "response id", "respondent id", "review id", "ticket id", "ticket", "ticket number",
                      "case id", "case number", "submission id", "record id", "uuid", "guid", "feedback id",
                      "comment id", "survey response id", "entry id", "row id", "interaction id", "conversation id",
                      "response number", "review number", "sentence id"})
CUSTOMER_NAMES = frozenset({"customer", "customer id", "customer number", "customer no", "customer ref",
                            "customer email", "customer key", "customer code", "cust id", "account", "account id",
                            "account number", "account no", "account name", "account ref", "email",
                            "email address", "e mail", "user id", "userid", "client id", "client", "member id",
                            "contact id", "subscriber id", "user email", "respondent email"})
BRAND_NAMES = frozenset({"brand", "app", "application", "company", "product", "bank", "competitor", "airline",
                         "merchant", "vendor", "provider", "business", "hotel", "restaurant", "organisation",
                         "organization", "carrier", "retailer", "operator", "platform", "app id", "store name"})
VALUE_NAMES = frozenset({"value", "customer value", "account value", "lifetime value", "customer lifetime value",
                         "contract value", "annual contract value", "order value", "deal value", "spend",
                         "total spend", "annual spend", "amount", "annual revenue", "monthly revenue", "sales"})
VALUE_WORDS = frozenset({"mrr", "arr", "revenue", "clv", "ltv", "cltv", "acv", "tcv", "arpu"})
PERSONAL_NAMES = frozenset({"name", "full name", "first name", "last name", "surname", "given name", "family name",
                            "author", "author name", "reviewer", "reviewer name", "user name", "username", "user",
                            "nickname", "display name", "customer name", "respondent name", "contact name",
                            "respondent", "phone", "phone number", "mobile", "mobile number", "telephone", "tel",
                            "address", "street", "street address", "postcode", "post code", "zip", "zip code",
                            "postal code", "ip", "ip address", "date of birth", "dob", "birthday",
                            "profile", "profile url", "avatar", "user url"})
PERSONAL_WORDS = frozenset({"author", "reviewer", "surname", "phone", "telephone", "postcode", "username",
                            "nickname", "firstname", "lastname", "fullname"})
AGE_WORDS = frozenset({"age", "ages"})
NOT_SCORE_WORDS = frozenset({"count", "number", "num", "qty", "quantity", "age", "year", "years", "id", "votes",
                             "helpful", "likes", "position", "rank", "index", "total"})
SENTINEL_NUMBERS = (-1.0, -9.0, -99.0, -999.0, 99.0, 999.0)

_EMAIL = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"
_URL = r"^(?:https?://|www\.)"


@dataclass(frozen=True)
class Detection:
    """What the portal understood in a file: the proposed configuration, a reason per column, warnings."""

    config: DatasetConfig
    reasons: dict[str, str]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class _Profile:
    """What a column's name and values look like (computed once per column)."""

    column: str
    position: int
    name: str
    tokens: frozenset[str]
    total: int
    count: int
    distinct: int
    values: pd.Series
    numbers: pd.Series
    sentinels: tuple[str, ...]
    num_frac: float
    date_frac: float
    order: DateOrder
    avg_len: float
    avg_words: float
    email_frac: float
    url_frac: float

    @property
    def unique(self) -> bool:
        """True when every row has a value and no value repeats."""
        return self.count == self.total and self.distinct == self.count

    @property
    def ratio(self) -> float:
        """Distinct values per filled row (1.0 = every value differs)."""
        return self.distinct / self.count if self.count else 0.0

    def fit(self, low: float, high: float, *, whole: bool = True, halves: bool = False) -> float:
        """Return the share of values that are numbers within ``low``-``high`` (whole, or in half steps)."""
        n = len(self.values)
        if not n:
            return 0.0
        x = self.numbers
        ok = x.notna() & (x >= low) & (x <= high)
        if whole:
            step = x * 2 if halves else x
            ok &= step == np.round(step)
        return float(ok.sum()) / n

    def high(self, ceiling: float = 10) -> float:
        """Return the largest number at or below ``ceiling`` (0 when there is none)."""
        x = self.numbers[(self.numbers >= 0) & (self.numbers <= ceiling)]
        return float(x.max()) if len(x) else 0.0

    def share(self, value: float) -> float:
        """Return the share of values equal to ``value``."""
        return float((self.numbers == value).sum()) / len(self.values) if len(self.values) else 0.0

    def examples(self, k: int = 3) -> str:
        """Return the ``k`` most common values, shortened, for a reason."""
        top = self.values.value_counts().head(k).index
        return ", ".join(str(v) if len(str(v)) <= 30 else str(v)[:29] + "…" for v in top)


def normalize_name(name: str) -> str:
    """Return a column name in lower case words ("NPS_SCORE" -> "nps score", "ResponseId" -> "response id")."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", str(name))
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _sample(series: pd.Series) -> pd.Series:
    """Return up to ``SAMPLE_ROWS`` values spread evenly over the column."""
    if len(series) <= SAMPLE_ROWS:
        return series
    positions = np.linspace(0, len(series) - 1, SAMPLE_ROWS).astype(int)
    return series.iloc[positions]


def _sentinels(values: pd.Series, numbers: pd.Series) -> tuple[str, ...]:
    """Return the texts of "not rated" codes (-1, 99, ...) in a column that is otherwise a 0-10 scale."""
    whole = numbers.notna() & (numbers == np.round(numbers))
    if len(values) < 5 or whole.sum() < 0.9 * len(values):
        return ()
    x = numbers[whole]
    codes = [v for v in SENTINEL_NUMBERS if (x == v).any()]
    if not codes:
        return ()
    rest = x[~x.isin(codes)]
    if rest.empty or rest.min() < 0 or rest.max() > 10 or rest.nunique() < 2:
        return ()
    if any(c > 0 for c in codes) and (x.isin([c for c in codes if c > 0])).mean() > 0.5:
        return ()
    hit = values[numbers.isin(codes)]
    return tuple(sorted(hit.unique().tolist()))


def _profile(series: pd.Series, column: str, position: int) -> _Profile:
    """Return the profile of one column (uniqueness from every row, the rest from a spread sample)."""
    name = normalize_name(column)
    full = to_arrow(series)
    count = len(full) - full.null_count
    distinct = int(pc.count_distinct(full).as_py() or 0)
    clean = clean_arrow(to_arrow(_sample(series)))
    clean = clean.drop_null()
    values = pd.Series(arrow_objects(clean), dtype=object)
    numbers = pd.Series(arrow_numbers(clean), dtype="float64")
    sentinels = _sentinels(values, numbers)
    if sentinels:
        keep = ~values.isin(sentinels).to_numpy()
        values, numbers = values[keep].reset_index(drop=True), numbers[keep].reset_index(drop=True)
        clean = clean.filter(keep)
    n = len(values)
    num_frac = float(numbers.notna().sum()) / n if n else 0.0
    avg_len = float(pc.mean(pc.utf8_length(clean)).as_py() or 0.0) if n else 0.0
    order = arrow_date_order(clean) if n else DateOrder(None, "other")
    date_frac = 0.0
    if n and num_frac < 0.5 and avg_len <= 40:
        date_frac = float((~np.isnat(arrow_dates(clean, order.dayfirst))).sum()) / n
    return _Profile(
        column=column,
        position=position,
        name=name,
        tokens=frozenset(name.split()),
        total=len(series),
        count=count,
        distinct=distinct,
        values=values,
        numbers=numbers,
        sentinels=sentinels,
        num_frac=num_frac,
        date_frac=date_frac,
        order=order,
        avg_len=avg_len,
        avg_words=float(pc.mean(pc.count_substring_regex(clean, r"\S+")).as_py() or 0.0) if n else 0.0,
        email_frac=float(pc.mean(pc.match_substring_regex(clean, _EMAIL)).as_py() or 0.0) if n else 0.0,
        url_frac=float(pc.mean(pc.match_substring_regex(clean, _URL, ignore_case=True)).as_py() or 0.0)
        if n else 0.0,
    )


# --- name hints ----------------------------------------------------------------------------------------


def _has(p: _Profile, words: frozenset[str]) -> bool:
    """True when the column name contains one of ``words``."""
    return bool(p.tokens & words)


def _nps_hint(p: _Profile) -> bool:
    """True when the name says NPS / likelihood to recommend."""
    return _has(p, NPS_WORDS) or any(t.startswith("recommend") for t in p.tokens) or "net promoter" in p.name


def _customer_hint(p: _Profile) -> bool:
    """True when the name says customer / account id or e-mail."""
    if p.name in CUSTOMER_NAMES:
        return True
    keys = {"id", "number", "no", "ref", "key", "code", "email", "mail"}
    return bool(p.tokens & {"customer", "account", "client", "subscriber", "member"}) and bool(p.tokens & keys)


def _id_hint(p: _Profile) -> bool:
    """True when the name says it identifies the row (or some other thing)."""
    return p.name in ID_NAMES or (bool(p.tokens & {"id", "uuid", "guid"}) and not _customer_hint(p))


def _personal(p: _Profile) -> bool:
    """True when the name says the column holds personal data such as a person's name."""
    return p.name in PERSONAL_NAMES or _has(p, PERSONAL_WORDS)


def _value_hint(p: _Profile) -> bool:
    """True when the name says revenue / customer value."""
    return p.name in VALUE_NAMES or _has(p, VALUE_WORDS)


def _brand_hint(p: _Profile) -> bool:
    """True when the name says brand / app / company / product."""
    name = p.name[:-5] if p.name.endswith(" name") else p.name
    return name in BRAND_NAMES


def _is_long_text(p: _Profile) -> bool:
    """True when the values are sentences rather than codes."""
    return p.avg_words >= 4


def _is_text(p: _Profile) -> bool:
    """True when the values are text rather than numbers or dates."""
    return p.count > 0 and p.num_frac < 0.5 and p.date_frac < 0.5


# --- score columns -------------------------------------------------------------------------------------


def _scale(p: _Profile, *, allow_seven: bool) -> tuple[int, int]:
    """Return the scale a CSAT or rating column's values are on (1-5, 1-7, 1-10, or from 0)."""
    high = p.high(10)
    low = 0 if p.share(0.0) >= 0.05 else 1
    if high <= 5:
        return low, 5
    if allow_seven and high <= 7:
        return low, 7
    return low, 10


def _score_role(p: _Profile, kind: str) -> tuple[str, int, float, str] | None:
    """Return (role, hint strength, fit, reason) when the column is a score, else None."""
    if p.count == 0 or p.num_frac < 0.5 or (_has(p, NOT_SCORE_WORDS) and not _nps_hint(p)):
        return None
    if p.high(10) < 2:  # a 0/1 flag (e.g. "Recommended IND") is not a score
        return None
    if _nps_hint(p):
        fit = p.fit(0, 10)
        if fit >= 0.5:
            note = "" if fit == 1 else "; values that are not whole numbers 0-10 will be rejected"
            return "nps", 3, fit, f"Whole numbers 0-10 and the name says NPS: NPS score{note}"
    if _has(p, CSAT_WORDS):
        fit = p.fit(0, 10, halves=True)
        if fit >= 0.5:
            low, high = _scale(p, allow_seven=True)
            return "csat", 3, fit, f"Numbers {low}-{high} and the name says satisfaction: CSAT score"
    if _has(p, RATING_WORDS):
        fit = p.fit(0, 10, halves=True)
        if fit >= 0.5:
            low, high = _scale(p, allow_seven=False)
            return "rating", 3, fit, f"Numbers {low}-{high} and the name says rating: star rating"
    if _has(p, SCORE_WORDS):
        fit = p.fit(0, 10)
        if fit < 0.9:
            return None
        if kind == "reviews":
            low, high = _scale(p, allow_seven=False)
            return "rating", 2, fit, f"Whole numbers {low}-{high} in a file of reviews: star rating"
        if p.high(10) > 7 or p.share(0.0) > 0:
            return "nps", 2, fit, "Whole numbers 0-10 in a survey: NPS score"
        low, high = _scale(p, allow_seven=True)
        return "csat", 2, fit, f"Whole numbers {low}-{high} in a survey: CSAT score"
    return None


def _infer_kind(profiles: list[_Profile]) -> str:
    """Return "reviews" when the columns look like reviews (star rating, review text), else "survey"."""
    survey = reviews = 0
    for p in profiles:
        role = _score_role(p, "survey")
        if role is not None and role[1] == 3:
            if role[0] == "rating" or "review" in p.tokens:
                reviews += 1
            else:
                survey += 1
        if _is_text(p) and (p.tokens & {"review", "reviews"} or _has(p, TITLE_WORDS)):
            reviews += 1
        if _is_text(p) and _brand_hint(p):
            reviews += 1
        if p.tokens & {"survey", "respondent", "question", "nps"}:
            survey += 1
    return "reviews" if reviews > survey else "survey"


# --- detection -----------------------------------------------------------------------------------------


def _readable_date(value: str, dayfirst: bool | None) -> str:
    """Return how a date value is read, e.g. "11 April 2018"."""
    parsed = pd.Series(arrow_dates(clean_arrow(to_arrow([value])), dayfirst)).iloc[0]
    return "" if pd.isna(parsed) else f"{parsed.day} {parsed:%B %Y}"


def _date_reason(p: _Profile) -> tuple[str, str | None]:
    """Return the reason for a date column and a warning when the day/month order is in doubt."""
    order = p.order
    dmy = p.values[p.values.str.match(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}")]
    if order.evidence in ("day", "month", "mixed"):
        first = dmy.str.extract(r"^(\d{1,2})[/.\-](\d{1,2})").astype(int)
        telling = dmy[(first[0] > 12) if order.dayfirst else (first[1] > 12)]
        example = str(telling.iloc[0]) if len(telling) else str(dmy.iloc[0])
        how = "day first" if order.dayfirst else "month first"
        reason = f"Dates written {how} ({example} is {_readable_date(example, order.dayfirst)}): date"
        if order.evidence == "mixed":
            return reason, (f"The dates in '{p.column}' are written both day first and month first; they are read "
                            f"{how}, and dates that do not fit are rejected.")
        return reason, None
    if order.evidence == "ambiguous" and len(dmy):
        example = str(dmy.iloc[0])
        read = _readable_date(example, False)
        return (
            f"Dates ({example}); no value shows whether the day or the month comes first, so they are read month "
            f"first ({example} is {read}): date",
            f"The dates in '{p.column}' could be day first or month first (no day is above 12). They are read month "
            f"first, so {example} is {read}. If that is wrong, write the dates as YYYY-MM-DD and import the file "
            "again.",
        )
    return f"Dates ({p.values.iloc[0]}): date" if len(p.values) else "Dates: date", None


def _comment_kind(p: _Profile) -> str | None:
    """Return "title" or "body" when the column is free text to analyse, else None."""
    if not _is_text(p) or _personal(p) or p.url_frac > 0.5 or p.email_frac > 0.5:
        return None
    few = p.count >= 20 and p.distinct <= 20 and p.ratio < 0.3
    if _has(p, TITLE_WORDS) and not few:
        return "title"
    if _has(p, COMMENT_WORDS) and not few:
        return "body"
    if p.avg_words >= 6 and p.avg_len >= 30 and p.ratio >= 0.5:
        return "body"
    return None


def _leftover(p: _Profile, hint: str) -> tuple[bool, str]:
    """Return (is a segment, reason) for a column that plays none of the main roles."""
    if p.count == 0:
        return False, "Empty: ignored"
    if _personal(p) or (p.email_frac > 0.5):
        return False, "Personal data (a person's name or contact): ignored, never used as a segment"
    if p.url_frac > 0.5:
        return False, "Web addresses: ignored"
    if p.distinct == 1 and p.count > 1:
        return False, f"The same value ('{p.examples(1)}') in every row: ignored"
    if _id_hint(p) and not p.unique:
        if p.ratio <= 0.5:
            return True, (f"An id that repeats ({p.distinct:,} different values in {p.count:,} rows), so it names a "
                          "product or group, not a response: segment")
        if p.count < p.total:
            return False, "Looks like an id, but some rows have none: ignored (rows are matched by their content)"
        return False, "Looks like an id, but some values repeat: ignored (set it as id to reject the repeats)"
    numeric = p.num_frac >= 0.9
    if numeric:
        whole = bool((p.numbers.dropna() == np.round(p.numbers.dropna())).all())
        if p.distinct <= 2:
            return True, f"Two values ({p.examples(2)}), a flag: segment{hint}"
        if whole and p.numbers.nunique() <= 11:
            low, high = p.numbers.min(), p.numbers.max()
            note = ""
            if p.sentinels:
                note = f"; {', '.join(p.sentinels)} means 'not rated' and counts as missing"
            return True, f"A few whole numbers ({low:g}-{high:g}), like a sub-rating{note}: segment{hint}"
        if _has(p, AGE_WORDS):
            return True, "Ages: segment"
        return False, "Numbers with many different values (not a score): ignored; set it as value if it is revenue"
    if p.date_frac >= 0.9:
        return False, "Another date column: ignored"
    if _id_hint(p):
        return False, "Different in every row, like an id of something else: ignored"
    if p.distinct > MAX_SEGMENT_VALUES or (p.count >= 20 and p.ratio > 0.5) or p.avg_words > 8:
        return False, f"Text with many different values ({p.distinct:,}): ignored"
    labels = "Two values" if p.distinct == 2 else "A few labels" if p.distinct <= 12 else "Labels"
    return True, f"{labels} ({p.examples()}){hint}: segment"


def detect(frame: pd.DataFrame, *, kind: str | None = None) -> Detection:
    """Return the proposed roles, scales and day/month order for ``frame``, with a reason per column.

    ``kind`` ("survey" or "reviews") sets how a generic "Score" column is read; None infers it.
    Raises ``InputError`` for an unknown kind. Never raises for the data itself: when nothing looks like a
    score or a comment, the detection says so in ``warnings``.
    """
    if kind is not None and kind not in KINDS:
        raise InputError(f"The kind of feedback must be one of {', '.join(KINDS)}, not '{kind}'.")
    profiles = [_profile(frame[c], str(c), i) for i, c in enumerate(frame.columns)]
    kind = kind or _infer_kind(profiles)
    reasons: dict[str, str] = {}
    warnings: list[str] = []
    roles: dict[str, str] = {}
    taken: set[str] = set()
    dayfirst: bool | None = None
    csat_scale: tuple[int, int] = (1, 5)
    rating_scale: tuple[int, int] = (1, 5)
    sentinels: dict[str, list[str]] = {}

    Candidate = tuple[tuple, _Profile, str]

    def pick(role: str, candidates: list[Candidate], label: str, *, warn: bool = True) -> _Profile | None:
        """Give ``role`` to the best candidate; note the others (with a warning when ``warn``)."""
        candidates = [c for c in candidates if c[1].column not in taken]
        if not candidates:
            return None
        candidates.sort(key=lambda c: c[0], reverse=True)
        _, best, reason = candidates[0]
        roles[role] = best.column
        taken.add(best.column)
        reasons[best.column] = reason
        for _, other, _ in candidates[1:]:
            reasons[other.column] = f"Also looks like {label}, but '{best.column}' is used"
            if warn:
                warnings.append(f"Both '{best.column}' and '{other.column}' look like {label}; '{best.column}' is "
                                "used.")
        return best

    # id: named like an id, and unique in the file
    pick("id", [((p.name in ID_NAMES, -p.position), p, "Named like an id and different in every row: response id")
                for p in profiles if _id_hint(p) and p.unique and not _is_long_text(p)], "a response id")

    # date: values that parse as dates (with a name that says so, or nearly all of them)
    dates = []
    for p in profiles:
        if p.column in taken or p.count == 0 or p.num_frac >= 0.5:
            continue
        named = _has(p, DATE_WORDS) or p.name.endswith(" at")
        if p.date_frac >= 0.9 or (named and p.date_frac >= 0.5):
            main = p.name in {"date", "timestamp"} or _has(p, MAIN_DATE_WORDS)
            side = _has(p, SIDE_DATE_WORDS)
            dates.append(((named, main and not side, not side, p.date_frac, -p.position), p, ""))
    best_date = pick("date", dates, "the response date", warn=False)
    if best_date is not None:
        reason, warning = _date_reason(best_date)
        reasons[best_date.column] = reason
        if warning:
            warnings.append(warning)
        dayfirst = best_date.order.dayfirst

    # scores: NPS, CSAT, star rating (the values must fit the scale the name suggests)
    scored: dict[str, list[Candidate]] = {"nps": [], "csat": [], "rating": []}
    for p in profiles:
        if p.column in taken:
            continue
        found = _score_role(p, kind)
        if found is None:
            continue
        role, strength, fit, reason = found
        if p.sentinels:
            reason += f"; {', '.join(p.sentinels)} means 'not rated' and counts as missing"
        scored[role].append(((strength, round(fit, 2), -p.position), p, reason))
    labels = {"nps": "an NPS score", "csat": "a CSAT score", "rating": "a star rating"}
    for role in ("nps", "csat", "rating"):
        chosen = pick(role, scored[role], labels[role])
        if chosen is None:
            continue
        if chosen.sentinels:
            sentinels[chosen.column] = list(chosen.sentinels)
        if role == "csat":
            csat_scale = _scale(chosen, allow_seven=True)
        if role == "rating":
            rating_scale = _scale(chosen, allow_seven=False)

    # value, customer, brand
    pick("value", [((p.num_frac, -p.position), p, "Numbers named like revenue or customer value: value")
                   for p in profiles if _value_hint(p) and p.num_frac >= 0.9], "a revenue / value column")
    customers = [((p.name in CUSTOMER_NAMES, -p.position), p, "Named like a customer or account id: customer")
                 for p in profiles if _customer_hint(p) and p.count and p.date_frac < 0.5]
    customers += [((False, -p.position), p, "E-mail addresses: customer")
                  for p in profiles if p.email_frac >= 0.9 and not _customer_hint(p)]
    pick("customer", customers, "a customer id")
    pick("brand", [((p.distinct > 1, -p.position), p, f"Named like a brand, with {p.distinct:,} names "
                    f"({p.examples()}): brand") for p in profiles
                   if _brand_hint(p) and _is_text(p) and p.distinct <= MAX_BRAND_VALUES], "the brand")

    # comments: titles first, then the body text
    titles: list[str] = []
    bodies: list[str] = []
    for p in profiles:
        if p.column in taken:
            continue
        what = _comment_kind(p)
        if what == "title":
            titles.append(p.column)
            reasons[p.column] = "Short varied text named like a title: comment (shown before the main text)"
        elif what == "body":
            bodies.append(p.column)
            reasons[p.column] = f"Varied text (about {p.avg_words:.0f} words each): comment"
    comments = tuple(titles + bodies) if bodies else tuple(titles)
    if titles and not bodies:
        for column in titles:
            reasons[column] = "Varied text named like a title: comment"
    taken.update(comments)

    # everything else: segment or ignored
    segments: list[str] = []
    for p in profiles:
        if p.column in taken:
            continue
        hinted = _score_role(p, kind) is None and (_nps_hint(p) or _has(p, RATING_WORDS | CSAT_WORDS | SCORE_WORDS))
        hint = ", not numbers, so not a score" if hinted and p.num_frac < 0.5 else ""
        is_segment, reason = _leftover(p, hint)
        if p.column in reasons and reasons[p.column].startswith("Also looks like"):
            reason = f"{reasons[p.column]}; {reason[0].lower()}{reason[1:]}"
        reasons[p.column] = reason
        if is_segment:
            segments.append(p.column)
            if p.sentinels:
                sentinels[p.column] = list(p.sentinels)

    mapping = Mapping(
        id=roles.get("id"), customer=roles.get("customer"), date=roles.get("date"), nps=roles.get("nps"),
        csat=roles.get("csat"), rating=roles.get("rating"), brand=roles.get("brand"), value=roles.get("value"),
        comment=comments, segments=tuple(segments),
    )
    csat_from_rating = derives_csat(mapping, rating_scale)
    if csat_from_rating and mapping.rating:
        reasons[mapping.rating] += "; CSAT is derived from it (4 and 5 stars count as satisfied)"
    if not (mapping.nps or mapping.csat or mapping.rating or mapping.comment):
        warnings.append(
            "No column looks like a score (NPS, CSAT or star rating) or a comment, so there is nothing to analyse "
            "yet. Choose which column holds the score or the comment."
        )
    config = DatasetConfig(
        mapping=mapping, kind=kind, csat_scale=csat_scale, rating_scale=rating_scale,
        csat_from_rating=csat_from_rating, dayfirst=dayfirst if mapping.date else None, sentinels=sentinels,
    )
    return Detection(config=config, reasons=reasons, warnings=tuple(warnings))


# --- overrides -----------------------------------------------------------------------------------------


def _resolve_column(frame: pd.DataFrame, column: str, what: str) -> str:
    """Return the frame's column called ``column`` (ignoring case and surrounding spaces when unambiguous)."""
    if column in frame.columns:
        return column
    matches = [c for c in frame.columns if str(c).strip().casefold() == column.strip().casefold()]
    if len(matches) == 1:
        return str(matches[0])
    existing = ", ".join(f"'{c}'" for c in frame.columns)
    raise InputError(f"There is no column '{column}' in this file ({what}). Its columns are: {existing}.")


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
    mapping = config.mapping
    sentinels = {k: list(v) for k, v in config.sentinels.items()}
    dayfirst = config.dayfirst
    new_csat = new_rating = False
    comment_replaced = False
    valid_roles = (*ROLES, "ignore")
    aliases = {"segments": "segment", "comments": "comment", "response_id": "id", "text": "comment"}
    for raw_role, raw_column in overrides:
        role = aliases.get(raw_role.strip().lower(), raw_role.strip().lower())
        if role not in valid_roles:
            raise InputError(f"'{raw_role}' is not a role. Use one of: {', '.join(valid_roles)}.")
        if raw_column is None or not str(raw_column).strip():
            if role == "ignore":
                raise InputError("ignore= needs a column name, for example --map ignore=Notes.")
            mapping = mapping.with_role(role, None)
            if role == "comment":
                comment_replaced = True
            continue
        column = _resolve_column(frame, str(raw_column), f"--map {raw_role}")
        if role == "ignore":
            mapping = mapping.without_column(column)
            continue
        if role == "comment" and not comment_replaced:
            mapping = replace(mapping.without_column(column), comment=(column,))
            comment_replaced = True
            continue
        if role in ("comment", "segment") and column in (mapping.comment if role == "comment" else
                                                            mapping.segments):
            continue
        mapping = mapping.with_role(role, column)
        if role in ("nps", "csat", "rating"):
            profile = _profile(frame[column], column, 0)
            if profile.sentinels:
                sentinels[column] = list(profile.sentinels)
            new_csat = new_csat or role == "csat"
            new_rating = new_rating or role == "rating"
        if role == "date":
            dayfirst = date_order(frame[column]).dayfirst
    if kind is not None and kind not in KINDS:
        raise InputError(f"The kind of feedback must be one of {', '.join(KINDS)}, not '{kind}'.")
    for scale, flag in ((csat_scale, "CSAT"), (rating_scale, "rating")):
        if scale is not None and not (len(scale) == 2 and all(isinstance(v, int | np.integer) for v in scale)
                                      and scale[0] < scale[1]):
            raise InputError(f"The {flag} scale must be two whole numbers from low to high, such as 1-5.")
    if csat_scale is None:
        csat_scale = (_scale(_profile(frame[mapping.csat], mapping.csat, 0), allow_seven=True)
                      if new_csat and mapping.csat else config.csat_scale)
    if rating_scale is None:
        rating_scale = (_scale(_profile(frame[mapping.rating], mapping.rating, 0), allow_seven=False)
                        if new_rating and mapping.rating else config.rating_scale)

    merged = dict(config.constants)
    for raw_name, value in (constants or {}).items():
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

    keys = tuple(_resolve_column(frame, str(c), "--key") for c in key_columns) or config.key_columns
    used = set(mapping.columns())
    sentinels = {k: v for k, v in sentinels.items() if k in used}
    return replace(
        config,
        mapping=mapping,
        kind=kind or config.kind,
        csat_scale=tuple(csat_scale),  # type: ignore[arg-type]
        rating_scale=tuple(rating_scale),  # type: ignore[arg-type]
        csat_from_rating=derives_csat(mapping, rating_scale),
        dayfirst=dayfirst if mapping.date else None,
        constants=merged,
        key_columns=keys,
        sentinels=sentinels,
    )

