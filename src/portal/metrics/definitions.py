"""What the KPIs are: their names, definitions, table columns and the keys of the ``portal kpis`` contract."""

from __future__ import annotations

from portal import settings

#: Help texts, word for word as in the project's definitions; README and UI show these.
DEFINITIONS: dict[str, str] = {
    "nps": (
        "NPS = % promoters (9-10) - % detractors (0-6), in points from -100 to 100. "
        "95% interval: adjusted Wald. With P promoters, D detractors and n responses: n' = n + 3, "
        "p' = (P + 0.75) / n', d' = (D + 0.75) / n', var = p' + d' - (p' - d')^2, "
        "interval = 100 * ((p' - d') -/+ 1.96 * sqrt(var / n')). The point estimate stays the plain NPS."
    ),
    "csat": (
        "CSAT = % of responses in the top two boxes of the scale (4-5 on 1-5; for another scale, its top two "
        "values), with a Wilson 95% interval. The scale is configurable per dataset."
    ),
    "rating": "Average rating with a 95% t interval.",
    "difference": (
        "Difference between two groups or periods: NPS via a z-test on the difference using each side's "
        "variance above; CSAT via a two-proportion z-test; ratings via Welch's t-test. Where many groups are "
        "compared at once (every value of a segment against the rest, every period against the previous one), "
        "p-values are adjusted with Benjamini-Hochberg and `significant` means adjusted p < 0.05."
    ),
    "low_sample": (
        "A group with n below a minimum (default 30, configurable) is shown but flagged `low_sample` and never "
        "marked significant."
    ),
    "value": (
        "Value weighting (when a `value` column is mapped): value-weighted NPS (each response weighted by its "
        "customer's value), revenue at risk (sum of value of detractors), and share of revenue per segment."
    ),
    "customers": (
        "Distinct customers (when a `customer` column is mapped): counts of customers as well as responses; NPS "
        "per customer uses each customer's latest answer."
    ),
    "before_after": (
        "Before / after: a person can mark events on the timeline (a release, a price change, an outage) that "
        "show on every trend chart, and compare the KPIs in a window before and after an event with the same "
        "significance tests."
    ),
    "drivers": (
        "Key drivers: which numeric sub-ratings or segment columns move NPS or the overall rating most "
        "(relative importance from a regression, with intervals), shown as a ranked chart with plain words."
    ),
}

#: Groups with fewer responses are flagged ``low_sample``; the setting PORTAL_MIN_GROUP_SIZE declares it.
DEFAULT_MIN_N = int(settings.default("PORTAL_MIN_GROUP_SIZE"))
METRICS: tuple[str, ...] = ("nps", "csat", "rating")
METRIC_LABELS: dict[str, str] = {"nps": "NPS", "csat": "CSAT", "rating": "Average rating"}
#: A KPI's short name for chart axes and table headers.
SHORT_LABELS: dict[str, str] = {"nps": "NPS", "csat": "CSAT %", "rating": "Rating"}
PERIODS: tuple[str, ...] = ("week", "month", "quarter")
#: The pandas frequency of each period's start dates (weeks start on Monday).
PERIOD_FREQUENCIES: dict[str, str] = {"week": "W-MON", "month": "MS", "quarter": "QS"}

#: Keys of one KPI record, in the order of the ``portal kpis`` JSON contract.
KPI_KEYS: tuple[str, ...] = (
    "n", "nps_n", "csat_n", "rating_n", "promoters", "passives", "detractors", "nps", "nps_ci", "csat",
    "csat_ci", "rating_mean", "rating_ci", "customers", "customer_nps", "value_weighted_nps",
    "revenue_at_risk", "revenue_share",
)
COMPARISON_KEYS: tuple[str, ...] = ("p_value", "p_adjusted", "significant", "low_sample")
INTERVAL_KEYS: tuple[str, ...] = ("nps_ci", "csat_ci", "rating_ci")
#: Keys of a KPI record that hold counts.
INT_KEYS = frozenset({"n", "nps_n", "csat_n", "rating_n", "promoters", "passives", "detractors", "customers"})
#: The table column holding each KPI's estimate, and the one counting the responses that carry it.
ESTIMATE_COLUMNS: dict[str, str] = {"nps": "nps", "csat": "csat", "rating": "rating_mean"}
COUNT_COLUMNS: dict[str, str] = {"nps": "nps_n", "csat": "csat_n", "rating": "rating_n"}


def estimate_column(metric: str) -> str:
    """Return the table column that holds a KPI's estimate."""
    return ESTIMATE_COLUMNS[metric]


def count_column(metric: str) -> str:
    """Return the table column that holds how many responses carry a KPI."""
    return COUNT_COLUMNS[metric]


def short_label(metric: str) -> str:
    """Return a KPI's short name for axes and tables: "NPS", "CSAT %" or "Rating"."""
    return SHORT_LABELS[metric]


def kpi_name(metric: str) -> str:
    """Return a KPI's short name without its unit, for switches and titles: "NPS", "CSAT" or "Rating"."""
    return SHORT_LABELS[metric].replace(" %", "")


#: How a group compares with the rest, in the order legends show.
STATUSES: tuple[str, ...] = ("Higher than the rest", "Lower than the rest", "No real difference",
                             "Too few responses")
