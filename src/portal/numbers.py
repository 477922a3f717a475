"""Counts, shares and money as people read them, used by every library, page and command.

One place decides how a count is written ("1,085 responses", "1 theme"), how a share below the display
precision reads ("less than 0.1%", never "-0.0%") and how an amount of money carries its currency.
"""

from __future__ import annotations

import math
from typing import Any


def count(n: Any) -> str:
    """Return a count with thousands separators: "1,085"."""
    return f"{int(n):,}"


def plural(n: Any, word: str, many: str | None = None) -> str:
    """Return ``"1,208 responses"`` or ``"1 response"``; ``many`` is the plural when it is not ``word + "s"``."""
    n = int(n)
    return f"{n:,} {word}" if n == 1 else f"{n:,} {many or word + 's'}"


def percent(share: Any, digits: int = 1) -> str:
    """Return a share (0.25 = 25%) as a percentage: "25.0%", "less than 0.1%" below the precision, never "-0.0%"."""
    value = 100.0 * float(share)
    step = 10.0 ** -digits
    if abs(value) < step / 2:
        return f"less than {step:g}%"
    return f"{value:.{digits}f}%"


def money(amount: Any, currency: str, digits: int = 0) -> str:
    """Return an amount with its currency: "£469,507", "€2.7M", "-£12" (a dash when there is none).

    A currency of letters (a code such as "USD" or "CHF") follows the figure: "469,507 CHF".
    """
    if amount is None or isinstance(amount, bool) or not math.isfinite(float(amount)):
        return "–"
    x = float(amount)
    figure = f"{abs(x) / 1_000_000:,.1f}M" if abs(x) >= 10_000_000 else f"{abs(x):,.{digits}f}"
    sign = "-" if x < 0 and figure.strip("0.,M") else ""
    if currency[:1].isalpha():
        return f"{sign}{figure} {currency}"
    return f"{sign}{currency}{figure}"
