"""The workload panel's editable fields, and parsing what people type into them (``10k``,
``1.5M``, ``30%``, ``EUR 0.92``, ``mmlu-cot:1, humaneval:1``). No textual here."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any


# ---- parsing what people type ----------------------------------------------------------------

_SUFFIX = {"k": 1e3, "m": 1e6, "b": 1e9}


def parse_number(text: str) -> float:
    """``10000``, ``10,000``, ``10_000``, ``10k``, ``1.5M``, ``1e4`` -> a number (int when whole)."""
    s = text.strip().replace(",", "").replace("_", "").replace(" ", "")
    if not s:
        raise ValueError("a number is required")
    mult = 1.0
    if s[-1].lower() in _SUFFIX and not s.lower().startswith("0x"):
        mult = _SUFFIX[s[-1].lower()]
        s = s[:-1]
    try:
        v = float(s) * mult
    except ValueError:
        raise ValueError(f"not a number: {text.strip()!r}") from None
    if not math.isfinite(v):
        raise ValueError("must be a finite number")
    return int(v) if v.is_integer() and abs(v) < 1e15 else v


def _positive(text: str) -> float:
    v = parse_number(text)
    if v <= 0:
        raise ValueError("must be greater than 0")
    return v


def _share(text: str) -> float:
    s = text.strip()
    pct = s.endswith("%")
    v = parse_number(s[:-1] if pct else s)
    if pct:
        v = v / 100
    if not 0 <= v <= 1:
        raise ValueError("must be between 0 and 1 (or 0% and 100%)")
    return int(v) if float(v).is_integer() else float(v)


def _peak(text: str) -> float:
    v = parse_number(text)
    if not 1 <= v <= 100:
        raise ValueError("must be between 1 and 100")
    return v


def _date(text: str) -> date | None:
    s = text.strip()
    if not s or s.lower() == "today":
        return None
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise ValueError("use a date like 2024-06-01") from None


def _currency(text: str) -> tuple[str | None, float | None]:
    """``EUR`` -> ("EUR", None); ``EUR 0.92`` -> ("EUR", 0.92): the code and, optionally, its
    rate in units per USD (the scenario's ``fx:`` entry for it)."""
    parts = text.strip().upper().replace("=", " ").replace(":", " ").split(None, 1)
    if not parts:
        return None, None
    code = parts[0]
    if not re.fullmatch(r"[A-Z]{3}", code) or len(parts) > 2:
        raise ValueError("use a 3-letter ISO code such as USD, CNY, EUR, optionally with its rate per USD: EUR 0.92")
    if len(parts) == 1:
        return code, None
    if code == "USD":
        raise ValueError("USD is the base: it takes no rate")
    rate = ranged(_rate)(parts[1])
    return code, rate


def _rate(text: str) -> float:
    rate = parse_number(text)
    if not 1e-4 <= rate <= 1e6:
        raise ValueError("the rate (units per USD) must be between 0.0001 and 1,000,000")
    return rate


_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def parse_profile(text: str) -> str | dict[str, float]:
    """A built-in profile name (``general``) or weights (``mmlu-cot:1, humaneval:1``)."""
    s = text.strip()
    if not s:
        raise ValueError("a profile name (general, code, ...) or weights like mmlu-cot:1, humaneval:1")
    if ":" not in s and "=" not in s:
        if not _SLUG.match(s):
            raise ValueError(f"not a profile name: {s!r}")
        return s
    weights: dict[str, float] = {}
    for part in re.split(r"[,;]", s.strip("{} ")):
        part = part.strip()
        if not part:
            continue
        name, sep, w = _split_weight(part)
        if not _SLUG.match(name):
            raise ValueError(f"not a benchmark id: {name!r}")
        try:
            weight = parse_number(w) if sep else 1
        except ValueError:
            raise ValueError(f"weight of {name} is not a number: {w!r}") from None
        if weight < 0:
            raise ValueError(f"weight of {name} must not be negative")
        weights[name] = weight
    if not weights:
        raise ValueError("give at least one benchmark")
    if sum(weights.values()) <= 0:
        raise ValueError("weights must not all be zero")
    return weights


def _split_weight(part: str) -> tuple[str, str, str]:
    m = re.match(r"^\s*([^:=\s]+)\s*([:=])?\s*(.*?)\s*$", part)
    if not m:
        return part, "", ""
    return m.group(1), m.group(2) or "", m.group(3)


def format_profile(profile: Any) -> str:
    if isinstance(profile, dict):
        return ", ".join(f"{b}:{format_value(w)}" for b, w in profile.items())
    return str(profile)


def _latency(text: str) -> Any:
    """A target in ms; ``none``: no target (None); empty: the default (``latency.DEFAULT``)."""
    from .latency import DEFAULT

    s = text.strip()
    if not s:
        return DEFAULT
    if s.lower() in ("none", "-"):
        return None
    v = parse_number(s.removesuffix("ms").removesuffix("MS"))
    if v <= 0:
        raise ValueError("must be greater than 0 ms (none: no target; empty: the default)")
    return v


def format_value(v: Any) -> str:
    if v is None:
        return ""
    if is_range_data(v):
        return format_range(v)
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        v = int(v)
    return str(v)


# ---- ranges: an uncertain value written in place of a number ---------------------------------

RANGE_HELP = "a range: low..high or low..likely..high (30k..100k..300k; add 'log' for a lognormal P10..P90)"


def is_range_data(v: Any) -> bool:
    """Whether ``v`` is a range as the scenario writes it (``{low:, likely:, high:}``)."""
    return isinstance(v, dict) and "low" in v and "high" in v


def _short(v: Any) -> str:
    """A range end as typed: ``30k``, ``1.5M``, ``800``."""
    if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer() and abs(v) >= 10_000:
        for suffix, unit in (("M", 1_000_000), ("k", 1_000)):
            if v % unit == 0:
                return f"{int(v) // unit}{suffix}"
    return format_value(v)


def format_range(r: dict[str, Any]) -> str:
    """``{low: 30000, likely: 100000, high: 300000}`` -> ``30k..100k..300k`` (`` log`` for a
    lognormal one): what :func:`ranged` reads back."""
    ends = [r.get("low"), r.get("likely"), r.get("high")]
    text = "..".join(_short(v) for v in ends if v is not None)
    return text + (" log" if r.get("dist") == "lognormal" else "")


def ranged(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """``parse``, also taking a range: ``low..high`` or ``low..likely..high``, each end read by
    ``parse``, with `` log`` for a lognormal range (low and high its 10th and 90th percentiles)."""
    def read(text: str) -> Any:
        s = text.strip()
        if ".." not in s:
            return parse(s)
        dist = None
        m = re.fullmatch(r"(.*?)\s*\b(log|lognormal)$", s, re.IGNORECASE)
        if m:
            s, dist = m.group(1), "lognormal"
        parts = s.split("..")
        if len(parts) not in (2, 3) or not all(p.strip() for p in parts):
            raise ValueError(RANGE_HELP)
        vals = [parse(p) for p in parts]
        out: dict[str, Any] = {"low": vals[0]}
        if len(vals) == 3:
            out["likely"] = vals[1]
        out["high"] = vals[-1]
        if not out["low"] < out["high"]:
            raise ValueError("the low end of a range must be below its high end")
        if "likely" in out and not out["low"] <= out["likely"] <= out["high"]:
            raise ValueError("the likely value must lie between the low and the high end")
        if dist:
            out["dist"] = dist
        return out

    return read


# ---- the editable fields ---------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One editable field of the workload panel."""

    key: str
    label: str
    help: str
    parse: Callable[[str], Any]
    recompile: bool
    """Whether a change needs the scenario compiled again (ids, dates, currency, profile)."""
    placeholder: str = ""


FIELDS: dict[str, Field] = {f.key: f for f in (
    Field("volume", "req/day", f"requests per day (10000, 10k, 1.5M), or {RANGE_HELP}", ranged(_positive), False),
    Field("input_tokens", "in tok", f"mean prompt tokens per request, or {RANGE_HELP}", ranged(_positive), False),
    Field("output_tokens", "out tok", f"mean output tokens per request, or {RANGE_HELP}", ranged(_positive), False),
    Field("cached", "cached", f"share of input tokens served from the prompt cache (0.3 or 30%), or {RANGE_HELP}",
          ranged(_share), False),
    Field("peak", "peak/avg", f"peak load over average load (self-hosted capacity is sized for it), or {RANGE_HELP}",
          ranged(_peak), False),
    Field("as_of", "as of", "price date YYYY-MM-DD (empty: today)", _date, True, "today"),
    Field("currency", "cur", "report currency (USD, CNY, EUR, ...); with a rate per USD (EUR 0.92) it is also "
          "written to the scenario's fx: section", _currency, True, "USD"),
    Field("profile", "quality", "built-in profile name or weights like mmlu-cot:1, humaneval:1", parse_profile,
          True),
    Field("ttft", "ttft ms", "time-to-first-token target; typing sets it on every self-hosted candidate "
          "(none: no target; empty: the default, greyed; 'mixed': their targets differ and are left alone until "
          "you type)", _latency, True),
    Field("tpot", "tpot ms", "time-per-output-token target; typing sets it on every self-hosted candidate "
          "(none: no target; empty: the default, greyed; 'mixed': their targets differ and are left alone until "
          "you type)", _latency, True),
)}


class EditError(Exception):
    """An edit that was refused; ``str()`` is the reason shown next to the field."""
