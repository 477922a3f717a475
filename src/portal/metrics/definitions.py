"""What the KPIs are: their names, definitions, table columns and the keys of the ``portal kpis`` contract."""

from __future__ import annotations

from portal import settings

#: Groups with fewer responses than this get no 95% interval at all (null in ``portal kpis``), whatever the
#: low-sample minimum: below it even an interval that respects the ends of the scale spans most of the scale
#: and tells a reader nothing. Sentences then say "too few responses for a margin of error".
MIN_INTERVAL_N = 5
#: What a sentence says in place of a margin of error for a group under ``MIN_INTERVAL_N``.
NO_MARGIN = "too few responses for a margin of error"

#: Help texts in plain words, shown on screen (tiles, table headers, captions) and in README.
DEFINITIONS: dict[str, str] = {
    "nps": (
        "NPS is the share of promoters (who score 9 or 10) minus the share of detractors (0 to 6), so it runs "
        "from -100 to 100. The margin of error is a 95% range that never leaves -100 to 100."
    ),
    "csat": (
        "CSAT is the share of answers in the top two boxes of the scale (4 or 5 on a 1-5 scale; on another "
        "scale, its top two values). The margin of error is a 95% range that never leaves 0% to 100%."
    ),
    "rating": (
        "The average rating. The margin of error is a 95% range that always stays on the rating scale."
    ),
    "recommend": (
        "Would recommend is the share of people who answered yes to whether they would recommend us (a yes/no "
        "column such as 'Recommended'). The margin of error is a 95% range that never leaves 0% to 100%."
    ),
    "difference": (
        "Is a difference real? Each group is compared with all the others, and each period with the one before. "
        "When many comparisons are made at once some look different by luck, so the chance that a difference is "
        "only noise is adjusted for how many were made. A difference is called real when that chance is below 5%."
    ),
    "low_sample": (
        "A group with fewer responses than the minimum (30 unless set otherwise) is shown greyed and never called "
        f"a real difference. A group with fewer than {MIN_INTERVAL_N} responses has no margin of error at all."
    ),
    "value": (
        "When a revenue or value column is mapped: NPS weighted by each customer's value, revenue at risk (the "
        "value of detractors) and each segment's share of revenue, in the dataset's currency."
    ),
    "customers": (
        "When a customer column is mapped: customers are counted as well as responses, and NPS per customer uses "
        "each customer's latest answer."
    ),
    "before_after": (
        "Mark an event on the timeline, such as a release, a price change or an outage. It shows on every trend "
        "chart, and here you can compare the scores in the days before it with the same number of days after it, "
        "to see whether they really changed."
    ),
    "drivers": (
        "Key drivers: which sub-ratings or segment columns go with higher or lower NPS or rating, ranked by how "
        "much of the differences between people each one explains, each with its 95% range."
    ),
}

#: The exact methods behind each figure, for README and the downloads' readers (the screen shows DEFINITIONS).
METHODS: dict[str, str] = {
    "nps": (
        "NPS = % promoters (9-10) - % detractors (0-6), in points from -100 to 100. 95% interval: the Wilson score "
        "intervals of the two shares combined by MOVER (Newcombe). With p promoters and d detractors as shares of "
        "n responses, [l_p, u_p] and [l_d, u_d] their Wilson intervals and rho = -sqrt(p * d / ((1 - p) * (1 - d))) "
        "(0 when a share is 0 or 1): low = (p - d) - sqrt((p - l_p)^2 + (u_d - d)^2 - 2 * rho * (p - l_p) * (u_d - d)), "
        "high = (p - d) + sqrt((u_p - p)^2 + (d - l_d)^2 - 2 * rho * (u_p - p) * (d - l_d)), times 100. It never "
        "leaves -100..100 (low >= l_p - u_d, high <= u_p - l_d) and always contains the plain NPS."
    ),
    "csat": "CSAT = % of responses in the top two boxes of the scale, with a Wilson 95% score interval.",
    "recommend": "Would recommend = % of yes answers among the yes/no answers, with a Wilson 95% score interval.",
    "rating": (
        "Average rating with a 95% interval for a bounded mean: the mean rescaled to u in 0..1 gets the Wilson "
        "score interval with the effective sample size n* = n * u(1 - u) / s_u^2 (n* = n when all ratings are "
        "equal), then is scaled back; it never leaves the rating scale."
    ),
    "difference": (
        "NPS via a z-test on the difference using each side's adjusted-Wald variance (n' = n + 3, "
        "p' = (P + 0.75) / n', d' = (D + 0.75) / n', var = p' + d' - (p' - d')^2); CSAT and would recommend via a "
        "two-proportion z-test; ratings via Welch's t-test. Across many comparisons p-values are adjusted with "
        "Benjamini-Hochberg and `significant` means adjusted p < 0.05."
    ),
}

#: Groups with fewer responses are flagged ``low_sample``; the setting PORTAL_MIN_GROUP_SIZE declares it.
DEFAULT_MIN_N = int(settings.default("PORTAL_MIN_GROUP_SIZE"))
METRICS: tuple[str, ...] = ("nps", "csat", "rating", "recommend")
METRIC_LABELS: dict[str, str] = {"nps": "NPS", "csat": "CSAT", "rating": "Average rating",
                                 "recommend": "Would recommend"}
#: A KPI's short name for chart axes and table headers.
SHORT_LABELS: dict[str, str] = {"nps": "NPS", "csat": "CSAT %", "rating": "Rating", "recommend": "Recommend %"}
#: The KPIs that are a share of responses (a percentage with a Wilson interval) and the hidden table column
#: counting the responses in that share (top-two box, yes answers).
PROPORTIONS: dict[str, str] = {"csat": "_csat_top", "recommend": "_recommend_yes"}
PERIODS: tuple[str, ...] = ("week", "month", "quarter")
#: The pandas frequency of each period's start dates (weeks start on Monday).
PERIOD_FREQUENCIES: dict[str, str] = {"week": "W-MON", "month": "MS", "quarter": "QS"}

#: Keys of one KPI record, in the order of the ``portal kpis`` JSON contract.
KPI_KEYS: tuple[str, ...] = (
    "n", "nps_n", "csat_n", "rating_n", "promoters", "passives", "detractors", "nps", "nps_ci", "csat",
    "csat_ci", "rating_mean", "rating_ci", "recommend_n", "recommend", "recommend_ci", "customers", "customer_nps", "value_weighted_nps",
    "revenue_at_risk", "revenue_share",
)
COMPARISON_KEYS: tuple[str, ...] = ("p_value", "p_adjusted", "significant", "low_sample")
INTERVAL_KEYS: tuple[str, ...] = ("nps_ci", "csat_ci", "rating_ci", "recommend_ci")
#: Keys of a KPI record that hold counts.
INT_KEYS = frozenset({"n", "nps_n", "csat_n", "rating_n", "promoters", "passives", "detractors", "customers",
                       "recommend_n"})
#: The table column holding each KPI's estimate, and the one counting the responses that carry it.
ESTIMATE_COLUMNS: dict[str, str] = {"nps": "nps", "csat": "csat", "rating": "rating_mean", "recommend": "recommend"}
COUNT_COLUMNS: dict[str, str] = {"nps": "nps_n", "csat": "csat_n", "rating": "rating_n", "recommend": "recommend_n"}
#: Counts a table of groups adds up to get "all the others" (``kpis_by``) or carries to the next period.
SUMMED_COLUMNS: tuple[str, ...] = ("nps_n", "csat_n", "rating_n", "recommend_n", "promoters", "passives",
                                   "detractors", *PROPORTIONS.values())


def estimate_column(metric: str) -> str:
    """Return the table column that holds a KPI's estimate."""
    return ESTIMATE_COLUMNS[metric]


def count_column(metric: str) -> str:
    """Return the table column that holds how many responses carry a KPI."""
    return COUNT_COLUMNS[metric]


def short_label(metric: str) -> str:
    """Return a KPI's short name for axes and tables: "NPS", "CSAT %", "Rating" or "Recommend %"."""
    return SHORT_LABELS[metric]


def kpi_range(metric: str, rating_scale: tuple[int, int] = (1, 5)) -> tuple[float, float]:
    """Return the lowest and highest value a KPI can take: -100..100 for NPS, 0..100 (%) for CSAT and would
    recommend, the dataset's ``rating_scale`` for the average rating."""
    if metric == "rating":
        return float(rating_scale[0]), float(rating_scale[1])
    return (-100.0, 100.0) if metric == "nps" else (0.0, 100.0)


def kpi_name(metric: str) -> str:
    """Return a KPI's short name without its unit, for switches and titles: "NPS", "CSAT" or "Rating"."""
    return SHORT_LABELS[metric].replace(" %", "")


#: Column names on screen for the adjusted p-value and the verdict (exact values stay in tooltips and downloads).
P_ADJUSTED_LABEL = "Chance it's noise (adjusted)"
STATUS_LABEL = "Is the difference real?"

#: How a group compares with the rest, in the order legends show.
STATUSES: tuple[str, ...] = ("Higher than the rest", "Lower than the rest", "No real difference",
                             "Too few responses")
