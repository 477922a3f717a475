"""The demo NPS survey: 18 months of responses from a SaaS product's customers, with the reasons they give."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from portal.demo.story import DEMO_END, MONTH_NAMES, app_update_date, price_change_date, weighted_days, window_start
from portal.demo.survey_words import (
    DETRACTOR_CLOSERS,
    PASSIVE_OPENERS,
    PROMOTER_OPENERS,
    SURVEY_GENERIC,
    SURVEY_PHRASES,
    SURVEY_SLOTS,
)
from portal.demo.templates import fill, pick, sentence

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


@dataclass(frozen=True)
class _Commenter:
    """Writes one respondent's comment from the theme weights; every choice draws from ``rng`` in a fixed order."""

    rng: np.random.Generator
    pos_w: np.ndarray
    neg_w: np.ndarray
    after_price_change: bool
    slots: Mapping[str, Sequence[str]]

    def clause(self, theme: str, polarity: str) -> str:
        """Return one phrase about ``theme`` ("pos" or "neg"); after the price change pricing is its increase."""
        if theme == "pricing" and polarity == "neg" and self.after_price_change and self.rng.random() < 0.75:
            theme = "pricing_increase"
        return fill(pick(self.rng, SURVEY_PHRASES[theme][polarity]), self.rng, self.slots)

    def themes(self, weights: np.ndarray, k: int) -> list[str]:
        """Return ``k`` different themes drawn by ``weights``."""
        chosen = self.rng.choice(len(_THEMES), size=k, replace=False, p=weights / weights.sum())
        return [_THEMES[i] for i in chosen]

    def promoter(self, r: float, crash: str | None) -> str:
        """Return a promoter's comment: praise, sometimes with a "but"."""
        rng = self.rng
        if r < 0.12 and crash is None:
            return pick(rng, SURVEY_GENERIC["promoter"])
        picked = self.themes(self.pos_w, 1 if rng.random() < 0.65 else 2)
        parts = [self.clause(t, "pos") for t in picked]
        text = " and ".join(parts) if len(parts) == 2 and rng.random() < 0.4 else " ".join(map(sentence, parts))
        if crash is not None:
            text = f"{text.rstrip('.')}, but {crash}"
        elif rng.random() < 0.12:
            other = self.themes(self.neg_w, 1)[0]
            text = f"{text.rstrip('.')}, but {self.clause(other, 'neg')}"
        text = sentence(text, "!" if rng.random() < 0.3 else ".")
        return pick(rng, PROMOTER_OPENERS) + text if rng.random() < 0.2 else text

    def passive(self, r: float, crash: str | None) -> str:
        """Return a passive's comment: something good, but something bad."""
        rng = self.rng
        if r < 0.10 and crash is None:
            return pick(rng, SURVEY_GENERIC["passive"])
        good, bad = self.themes(self.pos_w, 1)[0], self.themes(self.neg_w, 1)[0]
        bad_clause = crash if crash is not None else self.clause(bad, "neg")
        r = rng.random()
        if r < 0.55:
            return sentence(f"{self.clause(good, 'pos')}, but {bad_clause}")
        if r < 0.80:
            return sentence(f"{pick(rng, PASSIVE_OPENERS)} {bad_clause}")
        return sentence(bad_clause) + " Otherwise fine."

    def detractor(self, r: float, crash: str | None) -> str:
        """Return a detractor's comment: one or two complaints, the crash first when there is one."""
        rng = self.rng
        if r < 0.10 and crash is None:
            return pick(rng, SURVEY_GENERIC["detractor"])
        picked = self.themes(self.neg_w, 1 if rng.random() < 0.6 else 2)
        parts = [self.clause(t, "neg") for t in picked]
        if crash is not None:
            parts = [crash, *parts[:1]]
        if rng.random() < 0.2:
            parts[0] = f"{self.clause(self.themes(self.pos_w, 1)[0], 'pos')}, but {parts[0]}"
        text = " ".join(sentence(p) for p in parts)
        return f"{text} {pick(rng, DETRACTOR_CLOSERS)}" if rng.random() < 0.2 else text


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
    writer = _Commenter(rng, pos_w, neg_w, after_price_change, slots)
    crash = writer.clause("crash", "neg") if issue else None
    r = rng.random()
    if category == "promoter":
        return writer.promoter(r, crash)
    if category == "passive":
        return writer.passive(r, crash)
    return writer.detractor(r, crash)


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
    start = window_start(end)
    price_change = price_change_date(end)
    stamps, t = _response_times(rng, start, end, rows)
    story = _Story(
        t=t,
        t_change=float((price_change - start).days),
        t_update=float((app_update_date(end) - start).days),
        t_end=float((end - start).days + 1),
    )
    who = _customers(rng, rows)
    plan, region = who.plan_of[who.customer], who.region_of[who.customer]
    channel = rng.choice(len(_CHANNELS), size=rows, p=_CHANNEL_SHARE)
    touchpoint = rng.choice(len(_TOUCHPOINTS), size=rows, p=_TOUCHPOINT_SHARE)
    issue = _crash_reports(rng, story)
    latent = _latent_score(story, plan, region, channel, touchpoint, who.mood_of[who.customer], issue)
    category, score = _recommendations(rng, latent)
    comments = _comments(rng, story, category, issue, touchpoint, plan, price_change)

    first_id = int(rng.integers(1_000, 20_000))
    frame = pd.DataFrame(
        {
            "Response ID": [f"R-{first_id + i:06d}" for i in range(rows)],
            "Submitted at": stamps.strftime("%Y-%m-%dT%H:%M:%S").tolist(),
            "Customer ID": [f"CUS-{who.number_of[c]}" for c in who.customer],
            "Plan": [_PLANS[p] for p in plan],
            "Region": [_REGIONS[r] for r in region],
            "Channel": [_CHANNELS[c] for c in channel],
            "Touchpoint": [_TOUCHPOINTS[tp] for tp in touchpoint],
            "MRR": [who.mrr_of[c] for c in who.customer],
            SCORE_QUESTION: [str(int(s)) for s in score],
            REASON_QUESTION: comments,
        }
    )
    return frame[list(SURVEY_COLUMNS)]


@dataclass(frozen=True)
class _Story:
    """When each response came (``t``, days since the window's start) and the days the story turns on."""

    t: np.ndarray
    t_change: float
    t_update: float
    t_end: float

    @property
    def since_change(self) -> np.ndarray:
        """Return the days since the price change (0 before it)."""
        return np.maximum(self.t - self.t_change, 0.0)


@dataclass(frozen=True)
class _Customers:
    """Who answers: each response's customer and, per customer, plan, region, mood, MRR and number."""

    customer: np.ndarray
    plan_of: np.ndarray
    region_of: np.ndarray
    mood_of: np.ndarray
    mrr_of: list[str]
    number_of: np.ndarray


def _response_times(rng: np.random.Generator, start: date, end: date, rows: int) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Return the sorted response times (around office hours) and their offsets in days from ``start``."""
    day = weighted_days(rng, start, end, rows)
    hour = np.where(rng.random(rows) < 0.55, rng.normal(10.5, 2.0, rows), rng.normal(15.0, 2.5, rows))
    seconds = np.clip(hour * 3600, 0, 86_399).astype(np.int64)
    stamps = pd.Timestamp(start) + pd.to_timedelta(day, unit="D") + pd.to_timedelta(seconds, unit="s")
    stamps = stamps.sort_values()
    t = np.asarray((stamps - pd.Timestamp(start)) / pd.Timedelta(days=1), dtype=float)
    return stamps, t


def _customers(rng: np.random.Generator, rows: int) -> _Customers:
    """Return about 2,500 customers for 6,000 responses; each answers at least once, some several times."""
    n_customers = max(1, min(rows, round(rows * 2500 / 6000)))
    activity = rng.gamma(1.2, 1.0, n_customers)
    counts = 1 + rng.multinomial(rows - n_customers, activity / activity.sum())
    customer = rng.permutation(np.repeat(np.arange(n_customers), counts))
    plan_of = rng.choice(len(_PLANS), size=n_customers, p=_PLAN_SHARE)
    region_of = rng.choice(len(_REGIONS), size=n_customers, p=_REGION_SHARE)
    mood_of = rng.normal(0.0, _CUSTOMER_SD, n_customers)
    mrr_of = _customer_mrr(rng, plan_of)
    number_of = 10_000 + rng.choice(max(90_000, 4 * n_customers), size=n_customers, replace=False)
    return _Customers(customer, plan_of, region_of, mood_of, mrr_of, number_of)


def _crash_reports(rng: np.random.Generator, story: _Story) -> np.ndarray:
    """Return which responses are hit by the mobile crash: a small baseline, growing sharply after the update."""
    t = story.t
    ramp = np.clip((t - story.t_update) / max(story.t_end - story.t_update, 1.0), 0.0, 1.0)
    p_issue = np.where(t >= story.t_update, 0.05 + 0.22 * ramp, 0.004)
    return rng.random(len(t)) < p_issue


def _latent_score(
    story: _Story, plan: np.ndarray, region: np.ndarray, channel: np.ndarray, touchpoint: np.ndarray,
    mood: np.ndarray, issue: np.ndarray,
) -> np.ndarray:
    """Return each response's latent satisfaction: segment effects, the customer's mood, the price dip, the crash."""
    t, since = story.t, story.since_change
    dip = np.where(t >= story.t_change, _DIP_SIZE * np.exp(-since / _DIP_DAYS) + _DIP_LASTING, 0.0)
    dip = dip * np.where(plan == 0, 0.4, 1.0)  # Free customers pay nothing, so mind less
    return (
        _INTERCEPT
        + np.asarray(_PLAN_EFFECT)[plan]
        + np.asarray(_REGION_EFFECT)[region]
        + np.asarray(_CHANNEL_EFFECT)[channel]
        + np.asarray(_TOUCHPOINT_EFFECT)[touchpoint]
        + mood
        - dip
        + np.where(issue, _ISSUE_EFFECT, 0.0)
    )


def _recommendations(rng: np.random.Generator, latent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return each response's category (0 detractor, 1 passive, 2 promoter; an ordered logit) and 0-10 score."""
    rows = len(latent)
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
    return category, score


def _comments(
    rng: np.random.Generator, story: _Story, category: np.ndarray, issue: np.ndarray, touchpoint: np.ndarray,
    plan: np.ndarray, price_change: date,
) -> list[str]:
    """Return the reasons given: about three in four comment, detractors and people hit by the crash more often."""
    rows = len(category)
    t, since = story.t, story.since_change
    p_comment = np.asarray((0.85, 0.70, 0.70))[category]
    commented = rng.random(rows) < np.where(issue, 0.92, p_comment)
    pos_w = _theme_weights(_POS_WEIGHT, touchpoint, plan)
    neg_w = _theme_weights(_NEG_WEIGHT, touchpoint, plan)
    pricing = _THEMES.index("pricing")
    neg_w[:, pricing] *= np.where(t >= story.t_change, 2.0 + 4.0 * np.exp(-since / 90.0), 1.0)
    slots = {**SURVEY_SLOTS, "pc_month": (MONTH_NAMES[price_change.month - 1],)}
    names = ("detractor", "passive", "promoter")
    comments = [
        _survey_comment(
            rng,
            names[category[i]],
            pos_w[i],
            neg_w[i],
            issue=bool(issue[i]),
            after_price_change=bool(t[i] >= story.t_change),
            slots=slots,
        )
        if commented[i]
        else ""
        for i in range(rows)
    ]
    casual = rng.random(rows) < 0.07  # typed on a phone: all lower case, no final full stop
    return [c.lower().rstrip(".!") if casual[i] else c for i, c in enumerate(comments)]


def _customer_mrr(rng: np.random.Generator, plan_of: np.ndarray) -> list[str]:
    """Return each customer's monthly recurring revenue as text ("0.00" on the Free plan)."""
    n = len(plan_of)
    seats = np.where(plan_of == 1, rng.integers(1, 6, n), rng.integers(3, 26, n))
    enterprise = np.round(rng.lognormal(np.log(4000), 0.6, n) / 50) * 50
    mrr = np.select([plan_of == 0, plan_of == 1, plan_of == 2], [0.0, seats * 29.0, seats * 79.0], enterprise)
    return [f"{m:.2f}" for m in mrr]
