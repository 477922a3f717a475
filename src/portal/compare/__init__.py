"""Comparison of groups (brands, segments, periods): figures per group and theme from counts, gaps, market needs.

Pure: DataFrames in, DataFrames out. ``count`` turns a responses frame and its theme mentions into the sums
(``portal.compare.counts``), ``compare`` computes every figure from those sums (``portal.compare.engine`` and
``portal.compare.market``), and ``records`` writes the CLI's JSON (``portal.compare.records``).
"""

from portal.compare.counts import Counts, count
from portal.compare.engine import ALPHA, Comparison, compare, find_group
from portal.compare.market import needs, rating_link, spearman_interval, trend
from portal.compare.records import records

__all__ = ["ALPHA", "Comparison", "Counts", "compare", "count", "find_group", "needs", "rating_link", "records",
           "spearman_interval", "trend"]
