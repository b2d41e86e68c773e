"""Formatting of amounts and counts for every renderer and the app: money with its currency
symbol, per-token prices with enough digits, token counts with K/M/B/T."""

from __future__ import annotations

import math

from ..engine.money import round_half_up
from ..engine.sampling import chance  # noqa: F401 - re-exported: the report and the app format chances with it

SYMBOLS = {"USD": "$", "CNY": "¥", "EUR": "€", "GBP": "£", "JPY": "JP¥", "KRW": "₩", "INR": "₹"}
"""Currency signs for amounts; ¥ is the yuan here (the CNY story of the catalog), the yen is JP¥."""


COST_PARTS = {"input": "input", "cached_input": "cached input", "cache_write": "cache writes", "output": "output",
              "reasoning": "reasoning (hidden)", "request_fees": "request fees", "offpeak_savings": "off-peak discount",
              "batch_savings": "batch discount", "discount_savings": "negotiated discount"}
"""The parts of an API bill (the keys of a candidate's ``cost_breakdown``) in words."""


def cost_part(key: str) -> str:
    """A bill part's words: ``offpeak_savings`` is "off-peak discount"; a self-hosted part
    (``gpu_rent``) its key in words."""
    return COST_PARTS.get(key) or key.replace("_", " ")


def money(v: float | None, cur: str, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "unknown"
    sym = SYMBOLS.get(cur)
    body = f"{round_half_up(abs(v), digits):,.{digits}f}"  # halves up, as an invoice rounds
    sign = "-" if v < 0 else ""
    return f"{sign}{sym}{body}" if sym else f"{sign}{body} {cur}"


def share(v: float | None, na: str = "n/a") -> str:
    """A share as a whole percent, halves rounded up as a reader expects: 2.5 of 4 = 62.5 % -> 63%
    (Python's format rounds half to even: 62%)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return na
    return f"{math.floor(v * 100 + 0.5 + 1e-9):.0f}%"


def unit_price(v: float | None, cur: str) -> str:
    """A per-token price: enough digits for sub-cent prices (0.075, 0.0138...)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "unknown"
    digits = 2 if v >= 1 or v == 0 else 4
    return money(v, cur, digits)


def list_price(v: float | None, cur: str) -> str:
    """A price a bill line multiplies by: as :func:`unit_price`, but a converted price keeps four
    significant digits (CNY 9.8 at 7.28 per USD = $1.346, not $1.35), so the line multiplies out."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or not 1 <= v < 1000 or round(v, 2) == round(v, 4):
        return unit_price(v, cur)
    return money(v, cur, max(4 - len(str(int(v))), 2))


def exact_price(v: float | None, quantity: float, cur: str) -> str:
    """A unit price with the fewest digits (cents at least, 8 significant at most) that make ``quantity`` x it round to the
    line's amount: 11,680 GPU-hours x ¥21.371025 = ¥249,613.57, where ¥21.37 gives ¥249,601.60."""
    if v is None or not math.isfinite(v) or v <= 0:
        return list_price(v, cur)
    target = round_half_up(quantity * v, 2)
    most = max(8 - 1 - math.floor(math.log10(v)), 2)
    for digits in range(2, most + 1):  # cents first ($2.99), more only where the line needs them
        if round_half_up(quantity * round_half_up(v, digits), 2) == target:
            return money(v, cur, digits)
    return money(v, cur, most)


def tokens(n: float | None) -> str:
    if n is None:
        return "-"
    r = _three_digits(n)  # three significant digits, zeros kept: 4.56B (not 4.6B), 1.00B, 30.4M, 152M
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(r) >= div:
            v = r / div
            return f"{v:,.{2 if abs(v) < 10 else 1 if abs(v) < 100 else 0}f}{suffix}"
    return f"{n:,.0f}"


def _three_digits(n: float) -> float:
    """``n`` to three significant digits, halves up: 11.25B -> 11.3B (format's 3g gives 11.2B)."""
    if n == 0 or not math.isfinite(n):
        return n
    from decimal import ROUND_HALF_UP, Decimal

    d = Decimal(repr(n))
    return float(d.quantize(Decimal(1).scaleb(d.adjusted() - 2), rounding=ROUND_HALF_UP))


def _count(v: float) -> str:
    """A count as typed: 1,500 but 1,500.5 (never a silently rounded input)."""
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")


def _num(v: float | None, fmt: str, na: str = "n/a") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return na
    return format(v, fmt)
