"""Currency names as people type them: ISO codes in any case (``cny``), and the common
unambiguous names and symbols (``RMB``, ``yuan``, ``€``) as their ISO code. An ambiguous
sign (``¥``: yuan or yen) is an error that names both. No pydantic here (the command line
and the app use it too)."""

from __future__ import annotations

import re

ALIASES = {
    "RMB": "CNY", "YUAN": "CNY", "RENMINBI": "CNY", "CN¥": "CNY", "元": "CNY", "人民币": "CNY",
    "$": "USD", "US$": "USD", "DOLLAR": "USD", "DOLLARS": "USD", "USDOLLAR": "USD",
    "€": "EUR", "EURO": "EUR", "EUROS": "EUR",
    "£": "GBP", "POUND": "GBP", "POUNDS": "GBP", "STERLING": "GBP",
    "YEN": "JPY", "JP¥": "JPY", "円": "JPY",
    "WON": "KRW", "₩": "KRW",
    "RUPEE": "INR", "RUPEES": "INR", "₹": "INR",
    "C$": "CAD", "CA$": "CAD", "A$": "AUD", "AU$": "AUD", "FRANC": "CHF", "FRANCS": "CHF", "SFR": "CHF",
}
"""Unambiguous names and signs -> ISO 4217 code."""

AMBIGUOUS = {"¥": ("CNY", "JPY"), "KR": ("SEK", "NOK", "DKK")}


def normalize_currency(text: str) -> str:
    """An ISO code from what a person typed: ``cny`` -> ``CNY``, ``RMB`` -> ``CNY``.
    Raises ValueError (with what to write) for anything else."""
    raw = str(text).strip()
    key = raw.upper().replace(" ", "").replace(".", "")
    if key in ALIASES:
        return ALIASES[key]
    if key in AMBIGUOUS:
        raise ValueError(f"{raw!r} is ambiguous: write {' or '.join(AMBIGUOUS[key])}")
    if re.fullmatch(r"[A-Z]{3}", key):
        return key
    raise ValueError(f"not a currency: {raw!r} (use an ISO code such as USD, CNY or EUR)")


def currency_or_text(value: object) -> object:
    """Pydantic before-validator: a currency as typed -> its ISO code (bad text is left for
    the field's own error)."""
    if isinstance(value, str):
        try:
            return normalize_currency(value)
        except ValueError:
            return value
    return value
