"""The KPI engine: NPS, CSAT and average rating with 95% intervals, per group and per period.

Every figure carries its sample size and interval, and every comparison says whether the difference is real
(Benjamini-Hochberg across all groups or periods compared at once). Input is a canonical frame (see
``portal.model``) and its ``DatasetConfig``. ``prepare`` turns the frame into row codes once; every grouping
after that is a handful of ``np.bincount`` calls, so millions of responses take well under a second.

Modules: ``definitions`` (names, help texts, keys), ``stats`` (formulas and tests), ``responses`` and
``aggregate`` (row codes and counting), ``tables`` (per group, per period, two selections), ``select``
(columns, dates, selections), ``wording`` (sentences and formatting), ``views`` (per-KPI display tables),
``overview``, ``report`` (``portal kpis``), ``drivers`` (key drivers) and ``events`` (before / after).
This package re-exports the public names of all but the last two, so ``metrics.kpis_by`` keeps working.
"""

from portal.metrics.aggregate import prepare
from portal.metrics.definitions import (
    COMPARISON_KEYS,
    COUNT_COLUMNS,
    DEFAULT_MIN_N,
    DEFINITIONS,
    ESTIMATE_COLUMNS,
    INT_KEYS,
    INTERVAL_KEYS,
    KPI_KEYS,
    METHODS,
    METRIC_LABELS,
    METRICS,
    MIN_INTERVAL_N,
    NO_MARGIN,
    P_ADJUSTED_LABEL,
    PERIOD_FREQUENCIES,
    PERIODS,
    SHORT_LABELS,
    STATUS_LABEL,
    STATUSES,
    count_column,
    estimate_column,
    kpi_name,
    kpi_range,
    short_label,
)
from portal.metrics.overview import (
    Change,
    Overview,
    PlainTile,
    SegmentDifference,
    Tile,
    coverage_line,
    overview,
    plain_tiles,
    tile_delta,
    tile_detail,
    top_differences,
)
from portal.metrics.report import KpiReport, export_groups, kpi_report, to_records
from portal.metrics.responses import Responses, headline_metric, mapped_metrics, mapped_roles
from portal.metrics.select import (
    EXTRA_COLUMNS,
    as_date,
    breakdown_columns,
    check_column,
    column_label,
    column_labels,
    dates_of,
    groupable_columns,
    parse_date,
    segment_column,
    segment_columns,
    select,
)
from portal.metrics.stats import (
    ALPHA,
    Z95,
    bh_adjust,
    bounded_mean_interval,
    nps_interval,
    nps_score,
    nps_test,
    nps_variance,
    proportion_test,
    t_interval,
    welch_test,
    wilson_interval,
)
from portal.metrics.tables import (
    compare_selections,
    kpis,
    kpis_by,
    kpis_by_period,
    period_end,
    period_label,
    period_start,
    period_starts,
)
from portal.metrics.views import (
    MISSING_LABEL,
    before_after_frame,
    group_frame,
    group_label,
    largest_cells,
    largest_groups,
    status_of,
    trend_frame,
)
from portal.metrics.wording import (
    date_span,
    day_text,
    describe,
    describe_change,
    describe_csat,
    describe_difference,
    describe_nps,
    describe_rating,
    describe_recommend,
    describe_revenue_at_risk,
    describe_selection,
    format_change,
    format_interval,
    format_money,
    format_p,
    format_value,
    interval_digits,
    is_finite,
    metric_label,
    plural,
    unit_word,
    value_digits,
    value_unit,
    verdict_line,
)

__all__ = [
    "ALPHA", "COMPARISON_KEYS", "COUNT_COLUMNS", "DEFAULT_MIN_N", "DEFINITIONS", "ESTIMATE_COLUMNS",
    "METHODS", "MIN_INTERVAL_N", "NO_MARGIN", "P_ADJUSTED_LABEL", "STATUS_LABEL", "bounded_mean_interval", "unit_word",
    "EXTRA_COLUMNS", "INTERVAL_KEYS", "INT_KEYS", "KPI_KEYS", "METRICS", "METRIC_LABELS", "MISSING_LABEL",
    "PERIODS", "PERIOD_FREQUENCIES", "SHORT_LABELS", "STATUSES", "Z95", "Change", "KpiReport", "Overview",
    "PlainTile", "Responses", "SegmentDifference", "Tile", "as_date", "before_after_frame", "bh_adjust",
    "breakdown_columns", "check_column", "column_label", "column_labels", "compare_selections", "count_column", "coverage_line",
    "date_span", "dates_of", "day_text", "describe", "describe_change", "describe_csat", "describe_difference",
    "describe_nps", "describe_recommend", "describe_rating", "describe_revenue_at_risk", "describe_selection", "estimate_column",
    "export_groups", "format_change", "format_interval", "format_money", "format_p", "format_value", "group_frame",
    "group_label", "groupable_columns", "headline_metric", "interval_digits", "is_finite", "kpi_name", "kpi_range", "kpi_report", "kpis", "kpis_by",
    "kpis_by_period", "largest_cells", "largest_groups", "mapped_metrics", "mapped_roles", "metric_label",
    "nps_interval", "nps_score", "nps_test", "nps_variance", "overview", "parse_date", "period_end", "period_label",
    "period_start", "period_starts", "plain_tiles", "plural", "prepare", "proportion_test", "segment_column",
    "segment_columns", "select", "short_label", "status_of", "t_interval", "tile_delta", "tile_detail",
    "to_records", "top_differences", "trend_frame", "value_digits", "value_unit", "verdict_line", "welch_test", "wilson_interval",
]
