"""Rounding an amount to the cent as an invoice does: halves up (away from zero), on the decimal
value the arithmetic meant, not on its binary approximation.

``f"{684.375:.2f}"`` is fine, but an amount computed as 0.15 x 4,562.5 arrives as 684.3749999999999
and prints 684.37; Python's ``round`` also rounds exact halves to even (0.125 -> 0.12). A bill that
is "correct to the cent" rounds both up: 684.38, 0.13."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

SIGNIFICANT = 15
"""Significant digits kept before rounding: a double holds ~16, and the noise of a few operations
lives in the last one; 15 hold ten trillion to the cent (13 digits before the point)."""


def round_half_up(v: float, digits: int = 2) -> float:
    """``v`` rounded to ``digits`` decimals, halves away from zero; NaN and inf pass through."""
    if not math.isfinite(v) or abs(v) >= 1e13:  # past what 15 digits hold to the cent: left as it is
        return v
    exact = Decimal(f"{v:.{SIGNIFICANT}g}")
    return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
