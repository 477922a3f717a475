"""Demo data: a SaaS NPS survey and app-store reviews of four apps, generated in code with a fixed seed.

The frames look like real exports (text values with the headers such tools write) and are imported like any
uploaded file. Each one tells a story a first-time visitor can find on the portal's pages:

* **Acme NPS survey** — 18 months of responses. Overall NPS is about +25; Enterprise customers and North
  America score a bit higher, APAC and the Support touchpoint lower. A price increase about seven months before
  the end causes a clear dip that partly recovers. Comments cover ten themes with several phrasings each, and
  one theme ("the mobile app crashes / sync errors since the update") grows sharply in the last quarter.
* **App store reviews** — our app (Acme) and three competitors (Globex, Initech, Umbrella). Acme's average
  rating sits in the middle of the pack: it is ahead on ease of use and design and trails on sync / offline mode
  and customer support. Each brand has themes of its own, some reviews are very short and about 5 % are in
  Spanish, German or French.

Nothing is downloaded or read from disk; the same seed always gives the same frame.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "DEMO_DATASETS",
    "DEMO_END",
    "DemoDataset",
    "REASON_QUESTION",
    "REVIEW_COLUMNS",
    "SCORE_QUESTION",
    "SURVEY_COLUMNS",
    "app_update_date",
    "price_change_date",
    "reviews_frame",
    "survey_frame",
    "write_demo_csvs",
]

DEMO_END = date(2026, 10, 31)
"""Last day covered by the demo data sets."""

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


@dataclass(frozen=True)
class DemoDataset:
    """One demo data set: its dataset name, kind (``survey`` or ``reviews``), a factory and a description."""

    name: str
    kind: str
    frame_factory: Callable[[], pd.DataFrame]
    description: str


# ----------------------------------------------------------------------------------------------------------
# Dates of the story
# ----------------------------------------------------------------------------------------------------------


def _window_start(end: date, months: int = 18) -> date:
    """Return the first day of the ``months``-month window that ends on ``end``."""
    return (pd.Timestamp(end) - pd.DateOffset(months=months) + pd.Timedelta(days=1)).date()


def price_change_date(end: date = DEMO_END) -> date:
    """Return the day Acme's new prices took effect: the 1st of the month after ``end`` minus seven months."""
    shifted = (pd.Timestamp(end) - pd.DateOffset(months=7)).date()
    if shifted.day == 1:
        return shifted
    return (pd.Timestamp(shifted.replace(day=1)) + pd.DateOffset(months=1)).date()


def app_update_date(end: date = DEMO_END) -> date:
    """Return the day of the mobile app update behind the emerging crash theme (80 days before ``end``)."""
    return end - timedelta(days=80)


# ----------------------------------------------------------------------------------------------------------
# Small text machinery: templates with {slots}, filled from word lists
# ----------------------------------------------------------------------------------------------------------

_SLOT = re.compile(r"\{(\w+)\}")
_SPACES = re.compile(r"\s{2,}")


def _pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    """Return one of ``options``, chosen uniformly."""
    return options[int(rng.integers(len(options)))]


def _fill(template: str, rng: np.random.Generator, slots: Mapping[str, Sequence[str]]) -> str:
    """Return ``template`` with every ``{slot}`` replaced by a random choice from ``slots``."""
    return _SLOT.sub(lambda m: _pick(rng, slots[m.group(1)]), template)


def _sentence(text: str, end: str = ".") -> str:
    """Return ``text`` with a capital first letter and a final punctuation mark."""
    text = _SPACES.sub(" ", text).strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + end


def _weighted_days(
    rng: np.random.Generator, start: date, end: date, size: int, boost: Callable[[np.ndarray], np.ndarray] | None = None
) -> np.ndarray:
    """Return ``size`` sorted day offsets from ``start``: volume grows over time and dips at weekends."""
    n_days = (end - start).days + 1
    offsets = np.arange(n_days)
    weekday = (start.weekday() + offsets) % 7
    weights = (0.75 + 0.5 * offsets / max(n_days - 1, 1)) * np.where(weekday >= 5, 0.45, 1.0)
    if boost is not None:
        weights = weights * boost(offsets)
    return np.sort(rng.choice(offsets, size=size, p=weights / weights.sum()))


# ----------------------------------------------------------------------------------------------------------
# The NPS survey
# ----------------------------------------------------------------------------------------------------------

SCORE_QUESTION = "How likely are you to recommend Acme to a friend or colleague?"
REASON_QUESTION = "What is the main reason for your score?"
SURVEY_COLUMNS: tuple[str, ...] = (
    "Response ID",
    "Submitted at",
    "Customer ID",
    "Plan",
    "Region",
    "Channel",
    "Touchpoint",
    "MRR",
    SCORE_QUESTION,
    REASON_QUESTION,
)

_PLANS = ("Free", "Starter", "Pro", "Enterprise")
_PLAN_SHARE = (0.27, 0.32, 0.26, 0.15)
_PLAN_EFFECT = (-0.20, -0.05, 0.10, 0.40)
_REGIONS = ("North America", "EMEA", "APAC", "LATAM")
_REGION_SHARE = (0.38, 0.32, 0.19, 0.11)
_REGION_EFFECT = (0.28, 0.05, -0.45, -0.10)
_CHANNELS = ("Email", "In-app", "Web")
_CHANNEL_SHARE = (0.50, 0.35, 0.15)
_CHANNEL_EFFECT = (0.0, 0.05, -0.05)
_TOUCHPOINTS = ("Onboarding", "Support", "Billing", "Product usage", "Renewal")
_TOUCHPOINT_SHARE = (0.14, 0.22, 0.13, 0.36, 0.15)
_TOUCHPOINT_EFFECT = (0.20, -0.50, -0.25, 0.15, 0.0)

# Ordered-logit cut points: with a latent score of 0, 20 % detractors and 45 % promoters (NPS +25).
_CUT_DETRACTOR = -1.386
_CUT_PASSIVE = 0.201
_INTERCEPT = 0.29
_CUSTOMER_SD = 0.45
_DIP_SIZE = 1.25  # latent drop right after the price change ...
_DIP_DAYS = 60.0  # ... that fades with this time constant ...
_DIP_LASTING = 0.20  # ... down to this lasting drop.
_ISSUE_EFFECT = -1.0
_DETRACTOR_SCORES = (0, 1, 2, 3, 4, 5, 6)
_DETRACTOR_WEIGHTS = (0.05, 0.03, 0.05, 0.08, 0.12, 0.27, 0.40)

_THEMES = (
    "ease_of_use",
    "support",
    "pricing",
    "reporting",
    "integrations",
    "performance",
    "onboarding",
    "mobile_app",
    "billing",
    "data_export",
)
_POS_WEIGHT = (0.24, 0.13, 0.05, 0.15, 0.12, 0.05, 0.08, 0.05, 0.02, 0.06)
_NEG_WEIGHT = (0.07, 0.15, 0.11, 0.10, 0.09, 0.14, 0.06, 0.08, 0.08, 0.07)
_TOUCHPOINT_THEMES: dict[str, dict[str, float]] = {
    "Onboarding": {"onboarding": 4.0, "ease_of_use": 1.5},
    "Support": {"support": 4.0},
    "Billing": {"billing": 4.0, "pricing": 2.0},
    "Product usage": {"reporting": 1.5, "performance": 1.5, "integrations": 1.3, "data_export": 1.3},
    "Renewal": {"pricing": 2.5},
}
_PLAN_THEMES: dict[str, dict[str, float]] = {
    "Free": {"pricing": 0.5, "support": 0.6, "billing": 0.2, "integrations": 0.6},
    "Starter": {"pricing": 1.2},
    "Pro": {"reporting": 1.2, "integrations": 1.2},
    "Enterprise": {"integrations": 1.8, "reporting": 1.4, "data_export": 1.5, "pricing": 0.8, "onboarding": 1.3},
}

_SURVEY_SLOTS: dict[str, tuple[str, ...]] = {
    "product": ("Acme", "the platform", "the tool", "the product"),
    "very": ("very", "really", "super", "incredibly", "so"),
    "great": ("great", "excellent", "fantastic", "really good", "top notch", "brilliant"),
    "short_time": ("a day", "two days", "an afternoon", "less than a week"),
    "rep": ("Maria", "Tom", "Priya", "Kenji", "Lucas", "Sarah", "Ahmed", "Julia"),
    "fast_time": ("an hour", "a couple of hours", "a few hours", "a day"),
    "fast_adv": ("in minutes", "the same day", "within an hour", "right away"),
    "slow_time": ("days", "three days", "almost a week", "over 48 hours", "two weeks"),
    "integration": ("Salesforce", "Slack", "HubSpot", "Zendesk"),
    "crm": ("Salesforce", "HubSpot"),
    "wish_integration": ("HubSpot", "Microsoft Teams", "Jira", "Intercom"),
    "secs": ("10", "15", "20", "30", "45"),
    "n_rows": ("10,000", "50,000", "100,000"),
    "many": ("a few thousand", "10,000", "50,000"),
    "version": ("4.0", "latest", "last", "October"),
    "pct": ("30%", "25%", "almost 30%", "a third"),
    "pct_num": ("30%", "25%", "35%"),
    "when": ("last month", "this quarter", "in the last billing cycle", "twice this year"),
    "again": ("again", "for the third time", "twice in a row"),
    "team": ("my team", "our team", "the whole team", "our analysts"),
    "boss": ("my boss", "our CEO", "the exec team", "my manager"),
    "too_much": ("way too much", "too steep", "a shock", "hard to swallow"),
    "alternative": ("alternatives", "other tools", "competitors"),
    "segment": ("region", "plan", "team"),
    "clean": ("clean", "simple", "uncluttered", "modern"),
}

_SURVEY_PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "ease_of_use": {
        "pos": (
            "{product} is {very} easy to use",
            "the interface is {clean} and intuitive",
            "{team} picked it up in {short_time} without any training",
            "everything is where you expect it to be, love it",
            "it's {very} simple to set up surveys and share results",
            "easy to use, even for the least technical people on {team}",
        ),
        "neg": (
            "the interface is confusing and settings are hard to find",
            "too many clicks to do simple things, it's exhausting",
            "the new navigation is confusing",
            "it takes forever to figure out where things live, really frustrating",
            "it's awkward and not intuitive at all for new users",
        ),
    },
    "support": {
        "pos": (
            "support always responds within {fast_time}",
            "{rep} from support was {great} and fixed my issue {fast_adv}",
            "the support team is {great}",
            "customer support is fast and actually knows the product",
            "support gets back to us {fast_adv}, every time",
        ),
        "neg": (
            "support takes {slow_time} to reply, which is unacceptable",
            "I waited {slow_time} for an answer from support, terrible service",
            "customer support response time is terrible",
            "our support tickets sit unanswered for {slow_time}, very frustrating",
            "support keeps sending useless canned answers",
            "it's impossible to reach a human in support, awful experience",
        ),
    },
    "pricing": {
        "pos": (
            "good value for the money",
            "pricing is fair for what you get",
            "it's worth every penny",
            "the price is fair and reasonable for a team our size",
        ),
        "neg": (
            "it's too expensive for a small team, sadly",
            "the per-seat pricing adds up quickly and hurts small teams",
            "pricing is ridiculous compared to {alternative}",
            "the price is hard to justify for what we use",
        ),
    },
    "pricing_increase": {
        "neg": (
            "the price increase in {pc_month} was {too_much}",
            "you raised prices by {pct} and we got nothing new, disappointing",
            "the new pricing is hard to justify to our finance team",
            "after the ridiculous price increase we are evaluating {alternative}",
            "a {pct_num} price increase with one month's notice is unacceptable",
            "the new pricing doubled our bill for the same seats, a terrible move",
        ),
    },
    "reporting": {
        "pos": (
            "the dashboards are {great}",
            "reporting is {great} and saves me hours every week",
            "I love the new dashboard builder",
            "the weekly report is exactly what {boss} wants to see",
            "reports and dashboards make it easy to share results",
        ),
        "neg": (
            "the dashboards are too limited",
            "I can't build the reports I need, which is frustrating",
            "reporting is poor and lacks basic filters like breaking results down by {segment}",
            "custom dashboards are clunky and painful to build",
            "charts can't be shared with people outside the account",
        ),
    },
    "integrations": {
        "pos": (
            "the {integration} integration works seamlessly",
            "I love getting the alerts in Slack",
            "connecting {integration} was easy and took five minutes",
            "the Salesforce and Slack integrations save us a lot of time",
        ),
        "neg": (
            "the {integration} integration keeps disconnecting, so annoying",
            "the {crm} integration is broken for our custom fields",
            "Slack notifications stopped working {when}",
            "the lack of a {wish_integration} integration is a real problem",
            "setting up the {integration} integration was a painful nightmare",
        ),
    },
    "performance": {
        "pos": (
            "it's fast even with large accounts",
            "pages load quickly, great performance",
            "performance has improved a lot lately",
        ),
        "neg": (
            "pages are painfully slow to load",
            "dashboards take {secs} seconds to load, which is frustrating",
            "it gets awfully slow once you have more than {many} responses",
            "loading times are painfully slow",
            "constant spinners and timeouts, terrible performance",
        ),
    },
    "onboarding": {
        "pos": (
            "onboarding was smooth",
            "the onboarding call with {rep} was {great}",
            "we were up and running in {short_time}",
            "the setup guide made getting started easy",
        ),
        "neg": (
            "onboarding was rushed and poor, we were left on our own",
            "the setup took far longer than promised",
            "there is no proper onboarding for new team members",
            "the getting-started docs are outdated and confusing",
        ),
    },
    "mobile_app": {
        "pos": (
            "the mobile app is great for checking results on the go",
            "I like having the mobile app for quick checks",
            "the iOS app is nicely done",
        ),
        "neg": (
            "the mobile app is missing half the features",
            "the mobile app is disappointing compared to the web version",
            "the Android app feels like an afterthought",
            "annoyingly, I can't edit anything from the mobile app",
        ),
    },
    "billing": {
        "pos": (
            "billing is straightforward",
            "invoices are clear and always on time",
        ),
        "neg": (
            "we were charged twice {when}",
            "our invoice was wrong {again}",
            "billing charged us for seats we had removed",
            "there are billing errors every other month",
            "it took {slow_time} to get a refund for a double charge, infuriating",
        ),
    },
    "data_export": {
        "pos": (
            "exporting to Excel is easy",
            "the CSV export is great for our own analysis",
            "I love that I can export all my data at any time",
        ),
        "neg": (
            "data export is limited to {n_rows} rows",
            "exports fail for large accounts",
            "there's no way to export the raw data with all fields",
            "the CSV export breaks special characters",
        ),
    },
    "crash": {
        "neg": (
            "the mobile app keeps crashing since the latest update, so frustrating",
            "since the {version} update the app crashes on launch, awful",
            "I get sync errors every time I open the app",
            "I keep getting sync errors after the update",
            "the app crashes whenever I open a dashboard on my phone",
            "changes made on my phone don't sync anymore",
            "constant crashes and sync errors since the {version} update",
        ),
    },
}

_SURVEY_GENERIC: dict[str, tuple[str, ...]] = {
    "promoter": (
        "Great product!",
        "Love it.",
        "Does exactly what we need.",
        "Best tool we've used for this.",
        "Keep up the good work!",
        "Works great.",
    ),
    "passive": ("It's okay.", "Does the job.", "Decent, nothing special.", "Fine for now.", "Some good, some bad."),
    "detractor": ("Not worth it.", "Disappointed overall.", "Too many issues.", "We are looking at other tools."),
}
_PROMOTER_OPENERS = ("Love it! ", "Great tool. ", "Big fan. ", "Honestly great. ")
_PASSIVE_OPENERS = ("good product but", "solid tool, but", "mostly happy, but", "it does the job, but")
_DETRACTOR_CLOSERS = ("Please fix this.", "Very frustrating.", "We are looking at alternatives.", "Not happy.")


def _survey_comment(
    rng: np.random.Generator,
    category: str,
    pos_w: np.ndarray,
    neg_w: np.ndarray,
    *,
    issue: bool,
    after_price_change: bool,
    slots: Mapping[str, Sequence[str]],
) -> str:
    """Return one survey comment for a promoter, passive or detractor (``issue`` forces the crash theme)."""

    def clause(theme: str, polarity: str) -> str:
        if theme == "pricing" and polarity == "neg" and after_price_change and rng.random() < 0.75:
            theme = "pricing_increase"
        return _fill(_pick(rng, _SURVEY_PHRASES[theme][polarity]), rng, slots)

    def themes(weights: np.ndarray, k: int) -> list[str]:
        chosen = rng.choice(len(_THEMES), size=k, replace=False, p=weights / weights.sum())
        return [_THEMES[i] for i in chosen]

    crash = clause("crash", "neg") if issue else None
    r = rng.random()
    if category == "promoter":
        if r < 0.12 and crash is None:
            return _pick(rng, _SURVEY_GENERIC["promoter"])
        picked = themes(pos_w, 1 if rng.random() < 0.65 else 2)
        parts = [clause(t, "pos") for t in picked]
        text = " and ".join(parts) if len(parts) == 2 and rng.random() < 0.4 else " ".join(map(_sentence, parts))
        if crash is not None:
            text = f"{text.rstrip('.')}, but {crash}"
        elif rng.random() < 0.12:
            other = themes(neg_w, 1)[0]
            text = f"{text.rstrip('.')}, but {clause(other, 'neg')}"
        text = _sentence(text, "!" if rng.random() < 0.3 else ".")
        return _pick(rng, _PROMOTER_OPENERS) + text if rng.random() < 0.2 else text
    if category == "passive":
        if r < 0.10 and crash is None:
            return _pick(rng, _SURVEY_GENERIC["passive"])
        good, bad = themes(pos_w, 1)[0], themes(neg_w, 1)[0]
        bad_clause = crash if crash is not None else clause(bad, "neg")
        r = rng.random()
        if r < 0.55:
            return _sentence(f"{clause(good, 'pos')}, but {bad_clause}")
        if r < 0.80:
            return _sentence(f"{_pick(rng, _PASSIVE_OPENERS)} {bad_clause}")
        return _sentence(bad_clause) + " Otherwise fine."
    if r < 0.10 and crash is None:
        return _pick(rng, _SURVEY_GENERIC["detractor"])
    picked = themes(neg_w, 1 if rng.random() < 0.6 else 2)
    parts = [clause(t, "neg") for t in picked]
    if crash is not None:
        parts = [crash, *parts[:1]]
    if rng.random() < 0.2:
        parts[0] = f"{clause(themes(pos_w, 1)[0], 'pos')}, but {parts[0]}"
    text = " ".join(_sentence(p) for p in parts)
    return f"{text} {_pick(rng, _DETRACTOR_CLOSERS)}" if rng.random() < 0.2 else text


def _theme_weights(base: Sequence[float], touchpoints: np.ndarray, plans: np.ndarray) -> np.ndarray:
    """Return an (n, themes) matrix of theme weights adjusted for each row's touchpoint and plan."""
    touch = np.array([[_TOUCHPOINT_THEMES[tp].get(t, 1.0) for t in _THEMES] for tp in _TOUCHPOINTS])
    plan = np.array([[_PLAN_THEMES[p].get(t, 1.0) for t in _THEMES] for p in _PLANS])
    return np.asarray(base)[None, :] * touch[touchpoints] * plan[plans]


def survey_frame(*, rows: int = 6000, seed: int = 7, end: date = DEMO_END) -> pd.DataFrame:
    """Return the demo NPS survey as text values (``rows`` responses over 18 months ending on ``end``).

    Raises ``ValueError`` when ``rows`` is below 1.
    """
    if rows < 1:
        raise ValueError("rows must be at least 1")
    rng = np.random.default_rng(seed)
    start = _window_start(end)
    price_change = price_change_date(end)
    update = app_update_date(end)

    # When: days weighted by growth and weekday, times of day around office hours.
    day = _weighted_days(rng, start, end, rows)
    hour = np.where(rng.random(rows) < 0.55, rng.normal(10.5, 2.0, rows), rng.normal(15.0, 2.5, rows))
    seconds = np.clip(hour * 3600, 0, 86_399).astype(np.int64)
    stamps = pd.Timestamp(start) + pd.to_timedelta(day, unit="D") + pd.to_timedelta(seconds, unit="s")
    stamps = stamps.sort_values()
    t = np.asarray((stamps - pd.Timestamp(start)) / pd.Timedelta(days=1), dtype=float)
    t_change = float((price_change - start).days)
    t_update = float((update - start).days)
    t_end = float((end - start).days + 1)

    # Who: about 2,500 customers for 6,000 responses; each answers at least once, some several times.
    n_customers = max(1, min(rows, round(rows * 2500 / 6000)))
    activity = rng.gamma(1.2, 1.0, n_customers)
    counts = 1 + rng.multinomial(rows - n_customers, activity / activity.sum())
    customer = rng.permutation(np.repeat(np.arange(n_customers), counts))
    plan_of = rng.choice(len(_PLANS), size=n_customers, p=_PLAN_SHARE)
    region_of = rng.choice(len(_REGIONS), size=n_customers, p=_REGION_SHARE)
    mood_of = rng.normal(0.0, _CUSTOMER_SD, n_customers)
    mrr_of = _customer_mrr(rng, plan_of)
    number_of = 10_000 + rng.choice(max(90_000, 4 * n_customers), size=n_customers, replace=False)
    plan, region = plan_of[customer], region_of[customer]
    channel = rng.choice(len(_CHANNELS), size=rows, p=_CHANNEL_SHARE)
    touchpoint = rng.choice(len(_TOUCHPOINTS), size=rows, p=_TOUCHPOINT_SHARE)

    # The mobile update: a small baseline of crash reports, growing sharply after the update.
    ramp = np.clip((t - t_update) / max(t_end - t_update, 1.0), 0.0, 1.0)
    p_issue = np.where(t >= t_update, 0.05 + 0.22 * ramp, 0.004)
    issue = rng.random(rows) < p_issue

    # How likely to recommend: an ordered logit on a latent score.
    since = np.maximum(t - t_change, 0.0)
    dip = np.where(t >= t_change, _DIP_SIZE * np.exp(-since / _DIP_DAYS) + _DIP_LASTING, 0.0)
    dip = dip * np.where(plan == 0, 0.4, 1.0)  # Free customers pay nothing, so mind less
    latent = (
        _INTERCEPT
        + np.asarray(_PLAN_EFFECT)[plan]
        + np.asarray(_REGION_EFFECT)[region]
        + np.asarray(_CHANNEL_EFFECT)[channel]
        + np.asarray(_TOUCHPOINT_EFFECT)[touchpoint]
        + mood_of[customer]
        - dip
        + np.where(issue, _ISSUE_EFFECT, 0.0)
    )
    u = rng.random(rows)
    p_detractor = 1 / (1 + np.exp(latent - _CUT_DETRACTOR))
    p_not_promoter = 1 / (1 + np.exp(latent - _CUT_PASSIVE))
    category = np.where(u < p_detractor, 0, np.where(u < p_not_promoter, 1, 2))
    score = np.where(
        category == 2,
        np.where(rng.random(rows) < 0.55, 10, 9),
        np.where(
            category == 1,
            np.where(rng.random(rows) < 0.55, 8, 7),
            rng.choice(_DETRACTOR_SCORES, size=rows, p=_DETRACTOR_WEIGHTS),
        ),
    )

    # Why: about three in four leave a comment, detractors and people hit by the crash more often.
    p_comment = np.asarray((0.85, 0.70, 0.70))[category]
    commented = rng.random(rows) < np.where(issue, 0.92, p_comment)
    pos_w = _theme_weights(_POS_WEIGHT, touchpoint, plan)
    neg_w = _theme_weights(_NEG_WEIGHT, touchpoint, plan)
    pricing = _THEMES.index("pricing")
    neg_w[:, pricing] *= np.where(t >= t_change, 2.0 + 4.0 * np.exp(-since / 90.0), 1.0)
    slots = {**_SURVEY_SLOTS, "pc_month": (_MONTH_NAMES[price_change.month - 1],)}
    names = ("detractor", "passive", "promoter")
    comments = [
        _survey_comment(
            rng,
            names[category[i]],
            pos_w[i],
            neg_w[i],
            issue=bool(issue[i]),
            after_price_change=bool(t[i] >= t_change),
            slots=slots,
        )
        if commented[i]
        else ""
        for i in range(rows)
    ]

    casual = rng.random(rows) < 0.07  # typed on a phone: all lower case, no final full stop
    comments = [c.lower().rstrip(".!") if casual[i] else c for i, c in enumerate(comments)]

    first_id = int(rng.integers(1_000, 20_000))
    frame = pd.DataFrame(
        {
            "Response ID": [f"R-{first_id + i:06d}" for i in range(rows)],
            "Submitted at": stamps.strftime("%Y-%m-%dT%H:%M:%S").tolist(),
            "Customer ID": [f"CUS-{number_of[c]}" for c in customer],
            "Plan": [_PLANS[p] for p in plan],
            "Region": [_REGIONS[r] for r in region],
            "Channel": [_CHANNELS[c] for c in channel],
            "Touchpoint": [_TOUCHPOINTS[tp] for tp in touchpoint],
            "MRR": [mrr_of[c] for c in customer],
            SCORE_QUESTION: [str(int(s)) for s in score],
            REASON_QUESTION: comments,
        }
    )
    return frame[list(SURVEY_COLUMNS)]


def _customer_mrr(rng: np.random.Generator, plan_of: np.ndarray) -> list[str]:
    """Return each customer's monthly recurring revenue as text ("0.00" on the Free plan)."""
    n = len(plan_of)
    seats = np.where(plan_of == 1, rng.integers(1, 6, n), rng.integers(3, 26, n))
    enterprise = np.round(rng.lognormal(np.log(4000), 0.6, n) / 50) * 50
    mrr = np.select([plan_of == 0, plan_of == 1, plan_of == 2], [0.0, seats * 29.0, seats * 79.0], enterprise)
    return [f"{m:.2f}" for m in mrr]


# ----------------------------------------------------------------------------------------------------------
# App-store reviews
# ----------------------------------------------------------------------------------------------------------

REVIEW_COLUMNS: tuple[str, ...] = ("App", "Review ID", "Date", "Rating", "Title", "Review", "Country")

_BRANDS = ("Acme", "Globex", "Initech", "Umbrella")
_BRAND_SHARE = (0.34, 0.30, 0.22, 0.14)
_BRAND_BASE = (0.9, 1.7, 1.15, 0.7)
_POS_EFFECT = 1.0
_NEG_EFFECT = -1.5
_STAR_CUTS = (-1.0, -0.45, 0.0, 0.75)
_ENGLISH_COUNTRIES = ("US", "GB", "CA", "AU", "IN")
_ENGLISH_COUNTRY_SHARE = (0.45, 0.20, 0.12, 0.10, 0.13)

# Per brand: theme -> (relative weight of mentions, probability that a mention is positive).
_BRAND_THEMES: dict[str, dict[str, tuple[float, float]]] = {
    "Acme": {
        "ease_of_use": (0.20, 0.93),
        "design": (0.17, 0.93),
        "sync": (0.17, 0.22),
        "support": (0.12, 0.25),
        "price": (0.09, 0.55),
        "performance": (0.08, 0.60),
        "notifications": (0.05, 0.50),
        "crashes": (0.03, 0.0),
        "templates": (0.07, 1.0),
    },
    "Globex": {
        "ease_of_use": (0.12, 0.40),
        "design": (0.10, 0.50),
        "sync": (0.18, 0.88),
        "support": (0.13, 0.80),
        "price": (0.14, 0.35),
        "performance": (0.10, 0.75),
        "notifications": (0.04, 0.50),
        "crashes": (0.03, 0.0),
        "learning_curve": (0.10, 0.0),
    },
    "Initech": {
        "ease_of_use": (0.13, 0.50),
        "design": (0.10, 0.45),
        "sync": (0.12, 0.65),
        "support": (0.10, 0.55),
        "price": (0.10, 0.60),
        "performance": (0.12, 0.35),
        "notifications": (0.05, 0.40),
        "crashes": (0.05, 0.0),
        "ads": (0.14, 0.0),
        "login": (0.09, 0.0),
    },
    "Umbrella": {
        "ease_of_use": (0.12, 0.40),
        "design": (0.12, 0.30),
        "sync": (0.12, 0.60),
        "support": (0.10, 0.50),
        "price": (0.12, 0.55),
        "performance": (0.10, 0.40),
        "notifications": (0.04, 0.40),
        "crashes": (0.05, 0.0),
        "battery": (0.12, 0.0),
        "privacy": (0.08, 0.0),
    },
}
_ACME_CRASH_AFTER_UPDATE = 0.30

_REVIEW_SLOTS: dict[str, tuple[str, ...]] = {
    "days": ("three days", "a week", "two weeks", "10 days"),
    "fast": ("within an hour", "the same day", "in minutes"),
    "times": ("twice", "three times", "several times"),
    "device": ("iPhone", "iPad", "Pixel", "Galaxy", "laptop"),
    "place": ("on flights", "on the subway", "in the field", "on the train"),
    "awesome": ("awesome", "amazing", "great", "excellent", "fantastic"),
}

_REVIEW_PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "ease_of_use": {
        "pos": (
            "so easy to use",
            "super intuitive, I was set up in minutes",
            "simple and straightforward, even my parents could use it",
            "everything just makes sense, love it",
        ),
        "neg": (
            "confusing to navigate",
            "way too complicated for simple tasks, frustrating",
            "I can never find anything, so annoying",
        ),
        "title_pos": ("So easy to use", "Simple and intuitive", "Easiest app ever"),
        "title_neg": ("Confusing", "Too complicated"),
    },
    "design": {
        "pos": (
            "beautiful design",
            "clean, modern interface",
            "the dark mode looks {awesome}",
            "love the new look",
            "the design is {awesome}, every screen feels polished",
        ),
        "neg": ("the design feels dated and ugly", "cluttered screens everywhere", "tiny fonts and ugly icons"),
        "title_pos": ("Beautiful app", "Love the design", "Gorgeous"),
        "title_neg": ("Looks outdated", "Ugly redesign"),
    },
    "sync": {
        "pos": (
            "sync between my phone and laptop is instant",
            "offline mode works perfectly {place}",
            "syncs flawlessly across all my devices",
            "offline mode is a lifesaver {place}",
        ),
        "neg": (
            "sync is unreliable, I lost my changes {times}",
            "offline mode barely works",
            "no real offline mode, useless {place}",
            "changes take forever to sync between my {device} and my laptop, really annoying",
            "sync conflicts every single day",
            "offline mode keeps losing my edits",
        ),
        "title_pos": ("Sync just works", "Great offline mode"),
        "title_neg": ("Sync is broken", "Offline mode is useless", "Lost my data"),
    },
    "support": {
        "pos": (
            "support answered {fast}",
            "customer support is excellent",
            "the support team fixed my problem {fast}",
        ),
        "neg": (
            "customer support never replies, terrible",
            "emailed support {times}, no answer after {days}",
            "support just sends useless canned responses",
            "customer support is awful and impossible to reach",
        ),
        "title_pos": ("Great support", "Support team rocks"),
        "title_neg": ("Terrible support", "Support never answers"),
    },
    "price": {
        "pos": ("great value for the price", "the free tier is generous", "worth the subscription"),
        "neg": (
            "way too expensive, not worth it",
            "the subscription price keeps going up",
            "too many features locked behind the paywall",
        ),
        "title_pos": ("Worth it", "Great value"),
        "title_neg": ("Too expensive", "Overpriced"),
    },
    "performance": {
        "pos": ("fast and snappy, great", "loads instantly", "runs smoothly even on my old {device}"),
        "neg": ("painfully slow to load", "laggy on my {device}", "takes ages to open, frustrating"),
        "title_pos": ("Fast!", "Smooth and quick"),
        "title_neg": ("So slow", "Laggy"),
    },
    "notifications": {
        "pos": ("the reminders are really helpful", "notifications are spot on"),
        "neg": ("way too many notifications", "notifications arrive hours late, useless"),
        "title_pos": ("Helpful reminders",),
        "title_neg": ("Notification spam",),
    },
    "crashes": {
        "neg": (
            "crashes constantly, so frustrating",
            "keeps crashing since the last update",
            "crashes every time I open it",
            "a horrible buggy mess after the update",
            "the latest update broke everything, it crashes on launch",
        ),
        "title_neg": ("Crashes constantly", "Broken after update", "Keeps crashing"),
    },
    "templates": {
        "pos": ("the templates save me so much time", "love the ready-made templates", "great templates to start from"),
        "title_pos": ("Love the templates",),
    },
    "learning_curve": {
        "neg": (
            "powerful but it takes weeks to learn",
            "so many features it's overwhelming",
            "steep learning curve, the menus are endless",
        ),
        "title_neg": ("Steep learning curve", "Overwhelming"),
    },
    "ads": {
        "neg": (
            "annoying ads everywhere",
            "constant upsell pop-ups for premium",
            "it asks me to upgrade every five minutes",
        ),
        "title_neg": ("Too many ads", "Stop the upsell pop-ups"),
    },
    "login": {
        "neg": (
            "keeps logging me out, so annoying",
            "two-factor login fails half the time",
            "I can't log in after the update",
        ),
        "title_neg": ("Login problems", "Keeps logging me out"),
    },
    "battery": {
        "neg": (
            "drains my battery, terrible",
            "my phone gets hot when the app is open",
            "kills my battery in a few hours",
        ),
        "title_neg": ("Battery drain", "Battery killer"),
    },
    "privacy": {
        "neg": ("asks for way too many permissions", "why does it need my location all the time?"),
        "title_neg": ("Privacy concerns", "Too many permissions"),
    },
}

_REVIEW_GENERIC_TITLES: dict[int, tuple[str, ...]] = {
    5: ("Great app", "Love it", "Five stars", "Perfect", "Best in class"),
    4: ("Very good", "Really good app", "Almost perfect", "Solid"),
    3: ("Mixed feelings", "Good but...", "Could be better", "Okay"),
    2: ("Disappointed", "Not great", "Needs work"),
    1: ("Avoid", "Waste of money", "Terrible", "Very disappointed"),
}
_REVIEW_CLOSERS: dict[int, tuple[str, ...]] = {
    5: (
        "Highly recommend!",
        "Best app in its category.",
        "Five stars from me.",
        "Switched from {other} and never looked back.",
    ),
    4: ("Overall very happy.", "Would recommend.", "Nearly perfect."),
    3: ("It's okay for now.", "Hope they fix it.", "Still looking at {other}."),
    2: ("Thinking about switching to {other}.", "Not worth the money right now."),
    1: ("Uninstalling.", "Avoid.", "Going back to {other}.", "Deleted it."),
}
_REVIEW_FILLER: dict[str, tuple[str, ...]] = {
    "pos": ("love this app", "great app overall", "really useful app", "I use it every day"),
    "neg": ("it's just not reliable", "not worth the money", "it keeps getting worse", "nothing works as it should"),
}
_REVIEW_SHORT: dict[int, tuple[str, ...]] = {
    5: ("Great app", "Love it!", "Perfect", "Excellent 👍", "Best app ever"),
    4: ("Good app", "Nice", "Pretty good", "Works well"),
    3: ("ok", "Okay", "meh", "fine I guess"),
    2: ("Not great", "meh", "Buggy"),
    1: ("Useless", "Terrible", "Waste of time", "Rubbish"),
}

_LANGUAGES = ("es", "de", "fr")
_LANGUAGE_SHARE = (0.40, 0.35, 0.25)
_LANGUAGE_COUNTRIES: dict[str, tuple[str, ...]] = {"es": ("ES", "MX"), "de": ("DE", "AT"), "fr": ("FR",)}
_FOREIGN: dict[str, dict[str, dict[str, str]]] = {
    "es": {
        "ease_of_use": {"pos": "Muy fácil de usar", "neg": "Es muy complicada de usar"},
        "design": {"pos": "El diseño es precioso", "neg": "El diseño está anticuado"},
        "sync": {"pos": "La sincronización funciona perfecto", "neg": "La sincronización falla constantemente"},
        "support": {
            "pos": "El soporte respondió muy rápido",
            "neg": "El servicio de atención al cliente nunca responde",
        },
        "price": {"pos": "Buena relación calidad-precio", "neg": "Demasiado cara"},
        "performance": {"pos": "Rápida y fluida", "neg": "Va muy lenta"},
        "crashes": {"neg": "Se cierra sola desde la última actualización"},
        "generic": {
            "5": "¡Excelente aplicación!", "4": "Muy buena app", "3": "Está bien", "2": "No me convence",
            "1": "Horrible, no la recomiendo",
        },
        "title": {"5": "Excelente", "4": "Muy buena", "3": "Regular", "2": "Decepcionante", "1": "Pésima"},
    },
    "de": {
        "ease_of_use": {"pos": "Sehr einfach zu bedienen", "neg": "Viel zu kompliziert"},
        "design": {"pos": "Schönes Design", "neg": "Das Design wirkt veraltet"},
        "sync": {"pos": "Die Synchronisierung klappt super", "neg": "Die Synchronisierung funktioniert ständig nicht"},
        "support": {"pos": "Der Support hat schnell geholfen", "neg": "Der Kundenservice antwortet nie"},
        "price": {"pos": "Gutes Preis-Leistungs-Verhältnis", "neg": "Viel zu teuer"},
        "performance": {"pos": "Schnell und flüssig", "neg": "Sehr langsam"},
        "crashes": {"neg": "Stürzt seit dem letzten Update ständig ab"},
        "generic": {
            "5": "Super App!", "4": "Gute App", "3": "Ganz okay", "2": "Nicht überzeugend",
            "1": "Katastrophe, nicht empfehlenswert",
        },
        "title": {"5": "Super", "4": "Gut", "3": "Geht so", "2": "Enttäuschend", "1": "Finger weg"},
    },
    "fr": {
        "ease_of_use": {"pos": "Très facile à utiliser", "neg": "Beaucoup trop compliqué"},
        "design": {"pos": "Le design est superbe", "neg": "Le design est vieillot"},
        "sync": {"pos": "La synchronisation marche parfaitement", "neg": "La synchronisation ne fonctionne jamais"},
        "support": {"pos": "Le support a répondu très vite", "neg": "Le service client ne répond jamais"},
        "price": {"pos": "Bon rapport qualité-prix", "neg": "Beaucoup trop cher"},
        "performance": {"pos": "Rapide et fluide", "neg": "Très lent"},
        "crashes": {"neg": "Plante sans arrêt depuis la dernière mise à jour"},
        "generic": {
            "5": "Excellente application !", "4": "Bonne appli", "3": "Correct", "2": "Pas convaincu",
            "1": "Nul, à éviter",
        },
        "title": {"5": "Excellent", "4": "Bien", "3": "Moyen", "2": "Décevant", "1": "À éviter"},
    },
}


def _stars(latent: np.ndarray) -> np.ndarray:
    """Return 1-5 stars for latent satisfaction values."""
    return 1 + np.searchsorted(np.asarray(_STAR_CUTS), latent)


def _english_review(
    rng: np.random.Generator, brand: str, mentions: list[tuple[str, bool]], stars: int
) -> tuple[str, str]:
    """Return (title, review) in English for the theme mentions ``(theme, positive)`` and the star rating."""
    slots = {**_REVIEW_SLOTS, "other": tuple(b for b in _BRANDS if b != brand)}
    good = [_fill(_pick(rng, _REVIEW_PHRASES[t]["pos"]), rng, slots) for t, p in mentions if p]
    bad = [_fill(_pick(rng, _REVIEW_PHRASES[t]["neg"]), rng, slots) for t, p in mentions if not p]
    if stars >= 4 and not good:
        good = [_pick(rng, _REVIEW_FILLER["pos"])]
    if stars <= 2 and not bad:
        bad = [_pick(rng, _REVIEW_FILLER["neg"])]
    if stars >= 3:
        body = [_sentence(g) for g in good]
        if bad and body:
            body[-1] = _sentence(f"{body[-1].rstrip('.!')}, but {bad[0]}")
        elif bad:
            body.append(_sentence(bad[0]))
        body += [_sentence(b) for b in bad[1:]]
        if stars == 5 and body and body[-1].endswith(".") and rng.random() < 0.4:
            body[-1] = body[-1][:-1] + "!"
    else:
        body = [_sentence(b) for b in bad]
        if good:
            body.append(_sentence(f"at least {good[0]}" if rng.random() < 0.5 else f"{good[0]}, but that's it"))
    if rng.random() < 0.35:
        body.append(_fill(_pick(rng, _REVIEW_CLOSERS[stars]), rng, slots))
    matching = [(t, p) for t, p in mentions if p == (stars >= 3)]
    if matching and rng.random() < 0.55:
        theme, positive = matching[0]
        key = "title_pos" if positive else "title_neg"
        title = _pick(rng, _REVIEW_PHRASES[theme].get(key) or _REVIEW_GENERIC_TITLES[stars])
    else:
        title = _pick(rng, _REVIEW_GENERIC_TITLES[stars])
    return title, " ".join(body)


def _foreign_review(
    rng: np.random.Generator, language: str, mentions: list[tuple[str, bool]], stars: int
) -> tuple[str, str]:
    """Return (title, review) in ``language`` for the theme mentions and the star rating."""
    bank = _FOREIGN[language]
    wanted = {True} if stars >= 4 else {False} if stars <= 2 else {True, False}
    keys = [(t, "pos" if p else "neg") for t, p in mentions if p in wanted]
    parts = [bank[t][k] for t, k in keys if k in bank.get(t, {})]
    if not parts or rng.random() < 0.25:
        parts.append(bank["generic"][str(stars)])
    return bank["title"][str(stars)], " ".join(_sentence(p) for p in parts[:2])


def _brand_reviews(
    rng: np.random.Generator, brand: str, size: int, start: date, end: date
) -> dict[str, list[str]]:
    """Return the columns of ``size`` reviews of ``brand`` between ``start`` and ``end``."""
    update = (app_update_date(end) - start).days
    if brand == "Acme":
        day = _weighted_days(rng, start, end, size, boost=lambda d: np.where(d >= update, 1.4, 1.0))
    else:
        day = _weighted_days(rng, start, end, size)
    table = _BRAND_THEMES[brand]
    themes = list(table)
    base_w = np.array([w for w, _ in table.values()])
    p_pos = np.array([p for _, p in table.values()])
    crash = themes.index("crashes")

    short = rng.random(size) < 0.08
    foreign = rng.random(size) < 0.05
    n_mentions = rng.choice((1, 2, 3), size=size, p=(0.50, 0.38, 0.12))
    latent = _BRAND_BASE[_BRANDS.index(brand)] + rng.logistic(0.0, 0.55, size)
    mentions: list[list[tuple[str, bool]]] = []
    for i in range(size):
        if short[i]:
            mentions.append([])
            continue
        w = base_w.copy()
        if brand == "Acme" and day[i] >= update:
            w[crash] = _ACME_CRASH_AFTER_UPDATE
        chosen = rng.choice(len(themes), size=n_mentions[i], replace=False, p=w / w.sum())
        row = [(themes[j], bool(rng.random() < p_pos[j])) for j in chosen]
        latent[i] += sum(_POS_EFFECT if p else _NEG_EFFECT for _, p in row)
        mentions.append(row)
    stars = _stars(latent)

    titles, texts, countries = [], [], []
    for i in range(size):
        s = int(stars[i])
        if foreign[i]:
            language = _LANGUAGES[int(rng.choice(len(_LANGUAGES), p=_LANGUAGE_SHARE))]
            title, text = _foreign_review(rng, language, mentions[i], s)
            country = _pick(rng, _LANGUAGE_COUNTRIES[language])
        else:
            country = _ENGLISH_COUNTRIES[int(rng.choice(len(_ENGLISH_COUNTRIES), p=_ENGLISH_COUNTRY_SHARE))]
            if short[i]:
                title, text = _pick(rng, _REVIEW_GENERIC_TITLES[s]), _pick(rng, _REVIEW_SHORT[s])
            else:
                title, text = _english_review(rng, brand, mentions[i], s)
            r = rng.random()
            if r < 0.15:
                title = ""  # stores without review titles
            elif r < 0.17:
                text = ""  # a title and stars only
        titles.append(title)
        texts.append(text)
        countries.append(country)
    dates = pd.Timestamp(start) + pd.to_timedelta(day, unit="D")
    return {
        "App": [brand] * size,
        "Date": dates.strftime("%Y-%m-%d").tolist(),
        "Rating": [str(int(s)) for s in stars],
        "Title": titles,
        "Review": texts,
        "Country": countries,
    }


def _split(total: int, shares: Sequence[float]) -> list[int]:
    """Return integer sizes proportional to ``shares`` that add up to ``total`` (largest remainders)."""
    exact = np.asarray(shares) / sum(shares) * total
    sizes = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - sizes), kind="stable")[: total - sizes.sum()]:
        sizes[i] += 1
    return [int(s) for s in sizes]


def reviews_frame(*, rows: int = 4000, seed: int = 11, end: date = DEMO_END) -> pd.DataFrame:
    """Return the demo app-store reviews of Acme and three competitors as text values, oldest first.

    Raises ``ValueError`` when ``rows`` is below 1.
    """
    if rows < 1:
        raise ValueError("rows must be at least 1")
    rng = np.random.default_rng(seed)
    start = _window_start(end)
    parts = [
        pd.DataFrame(_brand_reviews(rng, brand, size, start, end))
        for brand, size in zip(_BRANDS, _split(rows, _BRAND_SHARE), strict=True)
        if size
    ]
    frame = pd.concat(parts, ignore_index=True).sort_values(["Date", "App"], kind="stable", ignore_index=True)
    ids = 1_000_000_000 + np.cumsum(rng.integers(1, 50_000, len(frame)))
    frame["Review ID"] = [str(i) for i in ids]
    return frame[list(REVIEW_COLUMNS)]


# ----------------------------------------------------------------------------------------------------------
# The catalogue and CSV files
# ----------------------------------------------------------------------------------------------------------

DEMO_DATASETS: tuple[DemoDataset, ...] = (
    DemoDataset(
        name="Acme NPS survey",
        kind="survey",
        frame_factory=survey_frame,
        description=(
            "18 months of NPS responses from Acme's SaaS customers with plan, region, channel, touchpoint, MRR "
            "and a free-text reason. Look for the dip after the price increase and the mobile crash theme that "
            "grows in the last quarter."
        ),
    ),
    DemoDataset(
        name="App store reviews",
        kind="reviews",
        frame_factory=reviews_frame,
        description=(
            "App-store reviews of Acme and three competitors (Globex, Initech, Umbrella). Acme is ahead on ease "
            "of use and design and trails on sync, offline mode and customer support."
        ),
    ),
)

def write_demo_csvs(folder: Path) -> list[Path]:
    """Write every demo data set as a UTF-8 CSV file into ``folder`` (created if needed); return the paths.

    Raises ``OSError`` when the folder cannot be created or written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for demo in DEMO_DATASETS:
        path = folder / (re.sub(r"\W+", "_", demo.name.lower()) + ".csv")
        demo.frame_factory().to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
    return paths
