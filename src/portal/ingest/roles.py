"""What a column's name and values say about the role it plays: name hints, score scales, candidates, reasons.

The values always win over the name: a column called "NPS_RATING" that holds "Promoter"/"Detractor" is a
segment, not a score.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from portal.ingest.answers import yes_no_pair
from portal.ingest.profile import Profile
from portal.ingest.values import arrow_dates, clean_arrow, to_arrow

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


# --- name hints ----------------------------------------------------------------------------------------


def has_word(p: Profile, words: frozenset[str]) -> bool:
    """True when the column name contains one of ``words``."""
    return bool(p.tokens & words)


def nps_hint(p: Profile) -> bool:
    """True when the name says NPS / likelihood to recommend."""
    return has_word(p, NPS_WORDS) or any(t.startswith("recommend") for t in p.tokens) or "net promoter" in p.name


def customer_hint(p: Profile) -> bool:
    """True when the name says customer / account id or e-mail."""
    if p.name in CUSTOMER_NAMES:
        return True
    keys = {"id", "number", "no", "ref", "key", "code", "email", "mail"}
    return bool(p.tokens & {"customer", "account", "client", "subscriber", "member"}) and bool(p.tokens & keys)


def id_hint(p: Profile) -> bool:
    """True when the name says it identifies the row (or some other thing)."""
    return p.name in ID_NAMES or (bool(p.tokens & {"id", "uuid", "guid"}) and not customer_hint(p))


def _personal(p: Profile) -> bool:
    """True when the name says the column holds personal data such as a person's name."""
    return p.name in PERSONAL_NAMES or has_word(p, PERSONAL_WORDS)


def value_hint(p: Profile) -> bool:
    """True when the name says revenue / customer value."""
    return p.name in VALUE_NAMES or has_word(p, VALUE_WORDS)


def brand_hint(p: Profile) -> bool:
    """True when the name says brand / app / company / product."""
    name = p.name[:-5] if p.name.endswith(" name") else p.name
    return name in BRAND_NAMES


def is_long_text(p: Profile) -> bool:
    """True when the values are sentences rather than codes."""
    return p.avg_words >= 4


def is_text(p: Profile) -> bool:
    """True when the values are text rather than numbers or dates."""
    return p.count > 0 and p.num_frac < 0.5 and p.date_frac < 0.5


# --- score columns -------------------------------------------------------------------------------------


def score_scale(p: Profile, *, allow_seven: bool) -> tuple[int, int]:
    """Return the scale a CSAT or rating column's values are on (1-5, 1-7, 1-10, or from 0)."""
    high = p.high(10)
    low = 0 if p.share(0.0) >= 0.05 else 1
    if high <= 5:
        return low, 5
    if allow_seven and high <= 7:
        return low, 7
    return low, 10


def score_role(p: Profile, kind: str) -> tuple[str, int, float, str] | None:
    """Return (role, hint strength, fit, reason) when the column is a score, else None."""
    if p.count == 0 or p.num_frac < 0.5 or (has_word(p, NOT_SCORE_WORDS) and not nps_hint(p)):
        return None
    if p.high(10) < 2:  # a 0/1 flag (e.g. "Recommended IND") is not a score
        return None
    if nps_hint(p):
        fit = p.fit(0, 10)
        if fit >= 0.5:
            note = "" if fit == 1 else "; values that are not whole numbers 0-10 will be rejected"
            return "nps", 3, fit, f"Whole numbers 0-10 and the name says NPS: NPS score{note}"
    if has_word(p, CSAT_WORDS):
        fit = p.fit(0, 10, halves=True)
        if fit >= 0.5:
            low, high = score_scale(p, allow_seven=True)
            return "csat", 3, fit, f"Numbers {low}-{high} and the name says satisfaction: CSAT score"
    if has_word(p, RATING_WORDS):
        fit = p.fit(0, 10, halves=True)
        if fit >= 0.5:
            low, high = score_scale(p, allow_seven=False)
            return "rating", 3, fit, f"Numbers {low}-{high} and the name says rating: star rating"
    if has_word(p, SCORE_WORDS):
        fit = p.fit(0, 10)
        if fit < 0.9:
            return None
        if kind == "reviews":
            low, high = score_scale(p, allow_seven=False)
            return "rating", 2, fit, f"Whole numbers {low}-{high} in a file of reviews: star rating"
        if p.high(10) > 7 or p.share(0.0) > 0:
            return "nps", 2, fit, "Whole numbers 0-10 in a survey: NPS score"
        low, high = score_scale(p, allow_seven=True)
        return "csat", 2, fit, f"Whole numbers {low}-{high} in a survey: CSAT score"
    return None


def infer_kind(profiles: list[Profile]) -> str:
    """Return "reviews" when the columns look like reviews (star rating, review text), else "survey"."""
    survey = reviews = 0
    for p in profiles:
        role = score_role(p, "survey")
        if role is not None and role[1] == 3:
            if role[0] == "rating" or "review" in p.tokens:
                reviews += 1
            else:
                survey += 1
        if is_text(p) and (p.tokens & {"review", "reviews"} or has_word(p, TITLE_WORDS)):
            reviews += 1
        if is_text(p) and brand_hint(p):
            reviews += 1
        if p.tokens & {"survey", "respondent", "question", "nps"}:
            survey += 1
    return "reviews" if reviews > survey else "survey"


# --- reasons -------------------------------------------------------------------------------------------


def _readable_date(value: str, dayfirst: bool | None) -> str:
    """Return how a date value is read, e.g. "11 April 2018"."""
    parsed = pd.Series(arrow_dates(clean_arrow(to_arrow([value])), dayfirst)).iloc[0]
    return "" if pd.isna(parsed) else f"{parsed.day} {parsed:%B %Y}"


def date_reason(p: Profile) -> tuple[str, str | None]:
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


def comment_kind(p: Profile) -> str | None:
    """Return "title" or "body" when the column is free text to analyse, else None."""
    if not is_text(p) or _personal(p) or p.url_frac > 0.5 or p.email_frac > 0.5:
        return None
    few = p.count >= 20 and p.distinct <= 20 and p.ratio < 0.3
    if has_word(p, TITLE_WORDS) and not few:
        return "title"
    if has_word(p, COMMENT_WORDS) and not few:
        return "body"
    if p.avg_words >= 6 and p.avg_len >= 30 and p.ratio >= 0.5:
        return "body"
    return None


def leftover_role(p: Profile, hint: str) -> tuple[bool, str]:
    """Return (is a segment, reason) for a column that plays none of the main roles."""
    if p.count == 0:
        return False, "Empty: ignored"
    if _personal(p) or (p.email_frac > 0.5):
        return False, "Personal data (a person's name or contact): ignored, never used as a segment"
    if p.url_frac > 0.5:
        return False, "Web addresses: ignored"
    if p.distinct == 1 and p.count > 1:
        return False, f"The same value ('{p.examples(1)}') in every row: ignored"
    if id_hint(p) and not p.unique:
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
        if has_word(p, AGE_WORDS):
            return True, "Ages: segment"
        return False, "Numbers with many different values (not a score): ignored; set it as value if it is revenue"
    if p.date_frac >= 0.9:
        return False, "Another date column: ignored"
    if id_hint(p):
        return False, "Different in every row, like an id of something else: ignored"
    if p.distinct > MAX_SEGMENT_VALUES or (p.count >= 20 and p.ratio > 0.5) or p.avg_words > 8:
        return False, f"Text with many different values ({p.distinct:,}): ignored"
    labels = "Two values" if p.distinct == 2 else "A few labels" if p.distinct <= 12 else "Labels"
    return True, f"{labels} ({p.examples()}){hint}: segment"


def score_hint(p: Profile, kind: str) -> str:
    """Return the note for a column named like a score whose values are not numbers ("" otherwise)."""
    hinted = score_role(p, kind) is None and (nps_hint(p) or has_word(p, RATING_WORDS | CSAT_WORDS | SCORE_WORDS))
    return ", not numbers, so not a score" if hinted and p.num_frac < 0.5 else ""


# --- candidates ----------------------------------------------------------------------------------------

Candidate = tuple[tuple, Profile, str]
"""A column that could play a role: its rank (the highest wins), its profile and the reason shown for it."""


def id_candidates(profiles: Sequence[Profile]) -> list[Candidate]:
    """Return the columns named like an id and unique in the file."""
    return [((p.name in ID_NAMES, -p.position), p, "Named like an id and different in every row: response id")
            for p in profiles if id_hint(p) and p.unique and not is_long_text(p)]


def date_candidates(profiles: Sequence[Profile]) -> list[Candidate]:
    """Return the columns whose values parse as dates (with a name that says so, or nearly all of them)."""
    dates = []
    for p in profiles:
        if p.count == 0 or p.num_frac >= 0.5:
            continue
        named = has_word(p, DATE_WORDS) or p.name.endswith(" at")
        if p.date_frac >= 0.9 or (named and p.date_frac >= 0.5):
            main = p.name in {"date", "timestamp"} or has_word(p, MAIN_DATE_WORDS)
            side = has_word(p, SIDE_DATE_WORDS)
            dates.append(((named, main and not side, not side, p.date_frac, -p.position), p, ""))
    return dates


def score_candidates(profiles: Sequence[Profile], kind: str) -> dict[str, list[Candidate]]:
    """Return the NPS, CSAT and star-rating candidates (the values must fit the scale the name suggests)."""
    scored: dict[str, list[Candidate]] = {"nps": [], "csat": [], "rating": []}
    for p in profiles:
        found = score_role(p, kind)
        if found is None:
            continue
        role, strength, fit, reason = found
        if p.sentinels:
            reason += f"; {', '.join(p.sentinels)} means 'not rated' and counts as missing"
        scored[role].append(((strength, round(fit, 2), -p.position), p, reason))
    return scored


def recommend_hint(p: Profile) -> bool:
    """True when the name says whether the customer would recommend ("recommended", "Would recommend")."""
    return any(t.startswith("recommend") for t in p.tokens)


def recommend_candidates(profiles: Sequence[Profile]) -> list[Candidate]:
    """Return the columns named like "recommended" that hold exactly two values, one yes and one no."""
    found = []
    for p in profiles:
        pair = yes_no_pair(p) if recommend_hint(p) else None
        if pair is not None:
            reason = (f"Two values ('{pair[0]}' and '{pair[1]}') and the name says recommend: would recommend "
                      f"('{pair[0]}' counts as yes)")
            found.append(((p.name.startswith("recommend"), -p.position), p, reason))
    return found


def value_candidates(profiles: Sequence[Profile]) -> list[Candidate]:
    """Return the number columns named like revenue or customer value."""
    return [((p.num_frac, -p.position), p, "Numbers named like revenue or customer value: value")
            for p in profiles if value_hint(p) and p.num_frac >= 0.9]


def customer_candidates(profiles: Sequence[Profile]) -> list[Candidate]:
    """Return the columns named like a customer or account id, then those holding e-mail addresses."""
    customers = [((p.name in CUSTOMER_NAMES, -p.position), p, "Named like a customer or account id: customer")
                 for p in profiles if customer_hint(p) and p.count and p.date_frac < 0.5]
    customers += [((False, -p.position), p, "E-mail addresses: customer")
                  for p in profiles if p.email_frac >= 0.9 and not customer_hint(p)]
    return customers


def brand_candidates(profiles: Sequence[Profile]) -> list[Candidate]:
    """Return the text columns named like a brand with few enough different names."""
    return [((p.distinct > 1, -p.position), p, f"Named like a brand, with {p.distinct:,} names ({p.examples()}): brand")
            for p in profiles if brand_hint(p) and is_text(p) and p.distinct <= MAX_BRAND_VALUES]
