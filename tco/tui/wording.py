"""Reasons in the words of the screen: a scenario path becomes the label of the field or form
row the user typed into, and a schema message becomes a short rule with its unit.

``candidates.6.selfhost.latency.ttft_ms: Input should be less than or equal to 600000``
reads ``ttft ms: at most 600,000 ms``. One table (:data:`LABELS`) maps scenario paths to the
labels shown in the workload panel and the self-hosted form; a path it does not know keeps
its last key, with underscores as spaces. No textual here.
"""

from __future__ import annotations

from typing import Any

from .fields import FIELDS

LABELS: dict[tuple[str, ...], tuple[str, str]] = {
    ("workload", "requests_per_day"): (FIELDS["volume"].label, ""),
    ("workload", "requests_per_month"): ("req/mo", ""),
    ("workload", "input_tokens"): (FIELDS["input_tokens"].label, " tokens"),
    ("workload", "output_tokens"): (FIELDS["output_tokens"].label, " tokens"),
    ("workload", "cached_input_share"): (FIELDS["cached"].label, ""),
    ("workload", "peak_to_average"): (FIELDS["peak"].label, ""),
    ("as_of",): (FIELDS["as_of"].label, ""),
    ("currency",): (FIELDS["currency"].label, ""),
    ("fx", "*"): ("rate per USD of {key}", ""),
    ("quality", "profile"): (FIELDS["profile"].label, ""),
    ("quality", "profile", "*"): ("quality weight of {key}", ""),
    ("candidates", "*", "selfhost", "latency", "ttft_ms"): (FIELDS["ttft"].label, " ms"),
    ("candidates", "*", "selfhost", "latency", "tpot_ms"): (FIELDS["tpot"].label, " ms"),
    ("candidates", "*", "selfhost", "gpus"): ("GPUs per replica", ""),
    ("candidates", "*", "selfhost", "gpus_per_node"): ("GPUs per node", ""),
    ("candidates", "*", "selfhost", "rent_per_gpu_hour"): ("rent per GPU-hour", ""),  # in its currency: (USD)
    ("candidates", "*", "selfhost", "buy", "server_price"): ("server price", ""),
    ("candidates", "*", "selfhost", "buy", "lifetime_years"): ("lifetime years", ""),
    ("candidates", "*", "selfhost", "precision"): ("precision", ""),
    ("candidates", "*", "selfhost", "gpu"): ("GPU", ""),
    ("candidates", "*", "selfhost", "name"): ("name", ""),
    ("candidates", "*", "label"): ("name", ""),
}
"""Scenario path (``*`` for any key or index) -> (the label on screen, the unit after a number)."""

_NOISE = {"api-id", "api-offer", "selfhost-spec", "length-mean", "length-named", "length-range", "length-distribution"}
"""Union tags pydantic puts into error locations."""

_SHAPE = {"string_type", "dict_type", "model_type", "model_attributes_type", "union_tag_invalid", "list_type"}
"""Errors that only say a value is not of one branch of a union (another error is the reason)."""


def _clean(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(p for p in loc if p not in _NOISE and not (isinstance(p, str) and (
        "[" in p or p.startswith("constrained") or p[:1].isupper())))  # a model class such as VolumeRange


def label(path: tuple[Any, ...]) -> tuple[str, str]:
    """(label on screen, unit) of a scenario path."""
    for pattern, (text, unit) in LABELS.items():
        if len(pattern) == len(path) and all(p == "*" or p == str(q) for p, q in zip(pattern, path, strict=True)):
            return text.format(key=path[-1]), unit
    last = next((str(p) for p in reversed(path) if not isinstance(p, int)), "value")
    return last.replace("_", " "), ""


def _number(v: Any) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if f.is_integer() and abs(f) < 1e15:
        return f"{int(f):,}"
    return f"{f:,g}" if abs(f) >= 1e-4 else f"{f:g}"


def rule(err: dict[str, Any], unit: str = "") -> str:
    """A schema error as a short rule: ``at most 600,000 ms``, ``a whole number``."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    bounds = {"less_than_equal": ("at most", "le"), "less_than": ("less than", "lt"),
              "greater_than_equal": ("at least", "ge"), "greater_than": ("more than", "gt")}
    if kind in bounds:
        words, key = bounds[kind]
        return f"{words} {_number(ctx.get(key))}{unit}"
    if kind in ("int_type", "int_from_float", "int_parsing"):
        return "a whole number"
    if kind in ("float_type", "float_parsing", "finite_number"):
        return "a number"
    if kind == "literal_error":
        return f"one of {ctx.get('expected', '')}".replace("'", "")
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "not a setting here"
    if kind in ("string_too_long", "too_long"):
        return "too long"
    msg = str(err.get("msg", "not valid"))
    return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def validation_reason(errors: list[dict[str, Any]]) -> str:
    """The first real error of a pydantic validation, in the screen's words."""
    if not errors:
        return "not valid"
    # a range typed where a number may go fails both branches of the union: the number branch
    # only says "not a number" (float_type), the range branch why (its high end too large)
    real = [e for e in errors if e.get("type") not in _SHAPE]
    err = next((e for e in real if e.get("type") not in ("float_type", "int_type")), real[0] if real else errors[0])
    path = _clean(tuple(err.get("loc", ())))
    if not path:
        return rule(err)
    end = ""
    if len(path) > 1 and path[-1] in ("low", "likely", "high"):  # an end of a range
        end, path = f"{path[-1]} end ", path[:-1]
    text, unit = label(path)
    return f"{text}: {end}{rule(err, unit)}"
