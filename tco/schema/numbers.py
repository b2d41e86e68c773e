"""Numbers as people write them, in files and in the app: ``10000``, ``10,000``, ``10 000``,
``10_000``, ``10k``, ``1.5M``, ``2B``, ``1e6``, and shares as ``0.3`` or ``30%``.

One reading everywhere: a scenario file and the app's fields accept the same text with
the same meaning. Ambiguous text is an error, never a guess: ``1,5`` (a decimal comma?) is
refused with the plain number to write instead. No pydantic here (the app imports it).
"""

from __future__ import annotations

import math
import re

SUFFIXES = {"k": 1e3, "m": 1e6, "b": 1e9}
"""Case-insensitive multipliers: 10k, 1.5M (million, never milli), 2B (billion)."""

_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:([, _])\d{3})(?:\1\d{3})*(?:\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
PATTERN = r"^\s*[+-]?[0-9][0-9,_ .]*(?:[eE][+-]?[0-9]+)?\s*[kKmMbB%]?\s*$"
"""What the JSON Schema lets through as a number written as text (tco checks it exactly)."""


def _plain(text: str, original: str) -> float:
    s = text.strip()
    if re.search(r"\d", s) and re.search(r"[^\W\deE_]", s):  # a word beside the number: '1500 tokens', '10 requests'
        raise ValueError(f"not a number: {original.strip()!r} (write the number alone, e.g. 10000, 10k or 1.5M)")
    if _GROUPED.match(s):
        s = re.sub(r"[, _]", "", s)
    elif re.search(r"[, ]", s):
        digits = s.replace(" ", "")
        if re.fullmatch(r"[+-]?\d+,\d{1,2}", digits):
            guess = digits.replace(",", ".")
            raise ValueError(f"{original.strip()!r} is ambiguous (a decimal comma?): write {guess} or "
                             f"{digits.replace(',', '')}")
        raise ValueError(f"not a number: {original.strip()!r} (thousands are grouped by three: 10,000)")
    s = s.replace("_", "")
    if not _PLAIN.match(s):
        raise ValueError(f"not a number: {original.strip()!r} (write e.g. 10000, 10,000, 10k or 1.5M)")
    return float(s)


def parse_number(text: str) -> float:
    """``10000``, ``10,000``, ``10_000``, ``10 000``, ``10k``, ``1.5M``, ``1e4`` -> a number
    (an int when whole). Raises ValueError with a message for a person."""
    s = str(text).strip()
    if not s:
        raise ValueError("a number is required")
    mult = 1.0
    if s[-1].lower() in SUFFIXES and not s.lower().startswith("0x"):
        mult = SUFFIXES[s[-1].lower()]
        s = s[:-1]
    v = _plain(s, str(text)) * mult
    if not math.isfinite(v):
        raise ValueError("must be a finite number")
    return int(v) if v.is_integer() and abs(v) < 1e15 else v


def parse_share(text: str) -> float:
    """A share of a whole: ``0.3`` or ``30%`` -> 0.3 (bounds are checked by the caller)."""
    s = str(text).strip()
    if s.endswith("%"):
        v = parse_number(s[:-1]) / 100
        return int(v) if float(v).is_integer() else float(v)
    return parse_number(s)


def human_number(value: object) -> object:
    """Pydantic before-validator: text written as a number becomes the number; anything else
    is left for the field's own validation (booleans stay errors)."""
    return parse_number(value) if isinstance(value, str) else value


def human_share(value: object) -> object:
    """Pydantic before-validator for shares: ``30%`` or ``0.3`` (text or number)."""
    return parse_share(value) if isinstance(value, str) else value
