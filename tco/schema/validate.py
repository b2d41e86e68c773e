"""Validate a located YAML document against a pydantic schema: a ``ValidationError``
becomes a ``file:line:col: field: message`` :class:`~tco.errors.TcoError`.

The error's ``loc`` is walked down the document's node tree; a missing key falls back to
its nearest ancestor; an unknown key points at the key itself.
"""

from __future__ import annotations

import math
import re
from typing import Any, TypeVar

import yaml

from ..errors import MAX_ECHO, TcoError, did_you_mean, shorten
from ..yamlio import Document
from .lengths import LENGTH_TAGS
from .scenario import CANDIDATE_TAGS

T = TypeVar("T")



def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc) if loc else "(top level)"


_TYPE_TAGS = {"str", "int", "float", "bool", "dict", "list", "tuple", "date", "constrained-str"}


def dotted(loc: Any) -> str:
    """A pydantic error's ``loc`` as a dotted field path without pydantic's union and validator
    tags (``utilization``, not ``utilization.function-after[forbid_inf_nan_check(), ...]``)."""
    return ".".join(str(p) for p in _clean_loc(tuple(loc), None))


def _clean_loc(loc: tuple[Any, ...], node: yaml.Node | None) -> tuple[Any, ...]:
    """``loc`` without the union/validator tags pydantic adds ('str', 'function-after[...]',
    a discriminator tag): a part that names a key present in the document is always kept."""
    out: list[Any] = []
    cur = node
    for p in loc:
        if isinstance(p, int):
            out.append(p)
            cur = cur.value[p] if isinstance(cur, yaml.SequenceNode) and 0 <= p < len(cur.value) else None
            continue
        key = str(p)
        if isinstance(cur, yaml.MappingNode):
            nxt = next((v for k, v in cur.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)
            if nxt is not None:
                out.append(p)
                cur = nxt
                continue
        if key in _TYPE_TAGS or key in CANDIDATE_TAGS or key in LENGTH_TAGS or "[" in key or key[:1].isupper():
            continue  # a union member's tag (a type, a validator, a model class such as VolumeRange)
        out.append(p)
        cur = None
    return tuple(out)


_ALIASES = {"label": "name", "name": "label", "date": "as_of", "price_date": "as_of"}
"""Fields that play the same part in different kinds of entry (an offer's label, a deployment's name)."""


_PER_CANDIDATE = {
    "reasoning_tokens": "reasoning_tokens is per candidate: - {offer: openai/gpt-5.5, reasoning_tokens: 1200}",
    "discount": "discount is per candidate: - {offer: openai/gpt-4o, discount: 0.15}",
    "price_factor": "price_factor is per candidate: - {offer: openai/gpt-4o, price_factor: 0.8}",
}
"""Candidate fields a user may write in the workload or at the top: where they go."""

MAX_ERRORS = 20
"""Independent errors of one file reported at once; more are counted, not listed."""

FIELD_HELP: dict[str, tuple[str, str]] = {
    "name": ("the scenario's title", "name: Support assistant"),
    "description": ("free text", "description: what this compares"),
    "currency": ("the report currency, an ISO code", "currency: EUR"),
    "as_of": ("the price date", "as_of: 2024-06-01"),
    "fx": ("exchange-rate overrides, units per USD", "fx: {CNY: 7.2}"),
    "workload": ("what the application sends", "workload: {requests_per_day: 10000, input_tokens: 1500, "
                 "output_tokens: 500}"),
    "requests_per_day": ("requests per day", "requests_per_day: 10000 or 10k"),
    "requests_per_month": ("requests per month", "requests_per_month: 300000 or 300k"),
    "input_tokens": ("prompt tokens per request: a mean, a named mix or percentiles",
                     "input_tokens: 1500, input_tokens: chat or input_tokens: {p50: 800, p90: 3000, p99: 12000}"),
    "output_tokens": ("output tokens per request: a mean, a named mix or percentiles",
                      "output_tokens: 500, output_tokens: chat or output_tokens: {p50: 200, p90: 600}"),
    "layout": ("replica layout", "layout: auto, or tp2pp1"),
    "total_gpus": ("every GPU of the deployment", "total_gpus: 16"),
    "slo_percentile": ("the percentile latency targets are on", "slo_percentile: 99 (50, 90 or 99)"),
    "days_per_month": ("days in a billing month", "days_per_month: 30"),
    "cached_input_share": ("share of input tokens served from the prompt cache", "cached_input_share: 0.3 or 30%"),
    "batch_share": ("share of requests sent through a batch API", "batch_share: 0.5 or 50%"),
    "offpeak_share": ("share of requests sent in off-peak hours", "offpeak_share: 0.25 or 25%"),
    "peak_to_average": ("peak load over average load", "peak_to_average: 2"),
    "quality": ("how quality is scored", "quality: {profile: general}"),
    "profile": ("a built-in profile or benchmark weights", "profile: general or {mmlu-cot: 1, humaneval: 1}"),
    "min_coverage": ("share of the profile's weight a candidate needs scores for", "min_coverage: 0.5 or 50%"),
    "benchmarks": ("your own benchmarks", "benchmarks: {my-eval: {name: Our eval}}"),
    "scores": ("your own scores: model -> benchmark -> score", "scores: {gpt-4o: {my-eval: 81}}"),
    "candidates": ("the offers and deployments to compare", "candidates: [openai/gpt-4o]"),
    "offer": ("a catalog offer id", "offer: openai/gpt-4o"),
    "label": ("the row's display name", "label: \"GPT-4o (our contract)\""),
    "discount": ("negotiated discount off list price", "discount: 0.2 or 20%"),
    "selfhost": ("a self-hosted deployment", "selfhost: {model: llama-3.1-70b-instruct, gpu: h100-sxm-80gb}"),
    "model": ("a catalog model id", "model: llama-3.1-70b-instruct"),
    "model_file": ("a YAML file describing your own model", "model_file: my-model.yaml"),
    "precision": ("weight precision", "precision: fp8; bf16, fp8, int8 or int4"),
    "kv_precision": ("KV-cache precision", "kv_precision: fp8; bf16 or fp8"),
    "gpu": ("an accelerator id", "gpu: h100-sxm-80gb"),
    "gpus_per_node": ("GPUs per server", "gpus_per_node: 8"),
    "gpus": ("GPUs per replica, a whole number", "gpus: 8"),
    "rent_per_gpu_hour": ("rental price per GPU-hour, in the candidate's currency (default USD)",
                          "rent_per_gpu_hour: 2.49"),
    "rental": ("a rental offer id", "rental: lambda-h100-sxm"),
    "buy": ("owning the servers, a mapping; {} takes the catalog's defaults",
            "buy: {} or buy: {server_price: 250000, lifetime_years: 4}"),
    "server": ("a server id", "server: dgx-h100"),
    "server_price": ("price of one server node, in the candidate's currency (default USD)",
                     "server_price: 250000 or 250k"),
    "lifetime_years": ("years to spread the price over", "lifetime_years: 4"),
    "cost_of_capital": ("annual rate", "cost_of_capital: 0.08 or 8%"),
    "power_kw": ("maximum power of one node, kW", "power_kw: 10.2"),
    "power_load_factor": ("average draw as a share of power_kw", "power_load_factor: 0.7 or 70%"),
    "pue": ("power usage effectiveness", "pue: 1.3"),
    "electricity_per_kwh": ("electricity per kWh, in the candidate's currency (default USD)",
                            "electricity_per_kwh: 0.12"),
    "hosting_per_kw_month": ("facility cost per kW per month, in the candidate's currency (default USD)",
                             "hosting_per_kw_month: 150"),
    "staff_per_month": ("staff and operations per month, in the candidate's currency (default USD)",
                        "staff_per_month: 20000"),
    "latency": ("latency targets", "latency: {ttft_ms: 2000, tpot_ms: 100}"),
    "ttft_ms": ("time to first token target, milliseconds", "ttft_ms: 2000"),
    "tpot_ms": ("time per output token target, milliseconds", "tpot_ms: 100"),
    "engine": ("a serving-engine profile", "engine: trtllm"),
    "utilization": ("share of a replica's throughput planned at peak", "utilization: 0.8 or 80%"),
    "throughput_factor": ("your throughput over the modelled one", "throughput_factor: 1.2, or {low: 0.8, high: 1.1}"),
    "quality_delta": ("quality change in points versus the published scores", "quality_delta: -1.5"),
}
"""What a scenario field means and a valid example, for messages in the user's words."""

SELFHOST_HELP: dict[str, tuple[str, str]] = {
    "currency": ("the currency of this candidate's rent and buy amounts, an ISO code (default USD)", "currency: CNY"),
}
"""Fields of a ``selfhost:`` candidate whose meaning differs from the scenario's field of that name."""


def _help(word: str, loc: tuple[Any, ...]) -> tuple[str, str] | None:
    """What the field ``word`` at ``loc`` means and an example (:data:`FIELD_HELP`)."""
    if word in SELFHOST_HELP and any(str(p).startswith("selfhost") for p in loc[:-1]):
        return SELFHOST_HELP[word]
    return FIELD_HELP.get(word)

_PLAIN = {
    "greater_than": "must be more than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "finite_number": "must be a finite number (not .nan or .inf)",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "dict_type": "must be a mapping (key: value entries)",
    "model_type": "must be a mapping (key: value entries)",
    "model_attributes_type": "must be a mapping (key: value entries)",
    "list_type": "must be a list (lines starting with '- ')",
    "too_short": "must not be empty",
    "string_too_long": "is too long (at most {max_length} characters)",
    "date_type": "must be a date YYYY-MM-DD",
    "date_parsing": "must be a date YYYY-MM-DD",
    "date_from_datetime_parsing": "must be a date YYYY-MM-DD",
    "date_from_datetime_inexact": "must be a date YYYY-MM-DD, without a time",
}
"""Pydantic error types in plain words ({names} come from the error's context)."""


def _number(v: Any) -> str:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    return f"{int(v):,}" if float(v).is_integer() and abs(v) < 1e15 else f"{v:g}"


def plain_message(e: dict[str, Any]) -> str:
    """A pydantic error (one item of ``ValidationError.errors()``) in the tool's words: "must be at least 1"."""
    t, ctx = e.get("type", ""), e.get("ctx") or {}
    inp = e.get("input")
    if isinstance(inp, float) and not math.isfinite(inp):
        return "must be a finite number (not .nan or .inf)"
    if t.startswith(("date", "datetime")):
        return "must be a date YYYY-MM-DD"
    if t in ("too_short", "too_long") and isinstance(ctx.get("actual_length"), int):
        lo, hi, n = ctx.get("min_length"), ctx.get("max_length"), ctx["actual_length"]
        if t == "too_short" and lo and lo > 1:
            return f"must have {'at least ' if hi != lo else ''}{lo} items (got {n})"
        if t == "too_long" and hi is not None:
            return f"must have {'at most ' if lo != hi else ''}{hi} items (got {n})"
    if isinstance(inp, str) and inp.strip().endswith("%") and t in ("less_than_equal", "greater_than_equal",
                                                                      "greater_than"):
        bound = ctx.get("le", ctx.get("ge", ctx.get("gt")))
        if isinstance(bound, (int, float)):
            word = {"less_than_equal": "at most", "greater_than_equal": "at least", "greater_than": "more than"}[t]
            return f"must be {word} {bound * 100:g}%"
    if t in _PLAIN:
        try:
            return _PLAIN[t].format(**{k: _number(v) if isinstance(v, (int, float)) else v for k, v in ctx.items()})
        except (KeyError, ValueError):
            pass
    if t == "literal_error" and "expected" in ctx:
        return f"must be one of {ctx['expected']}"
    if t == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        if "x00" in pattern:
            return "must be one line of text, without control characters"
        if pattern == "^[A-Z]{3}$":
            return "must be a 3-letter ISO currency code"
        if pattern.startswith("^[a-z0-9]"):
            if isinstance(inp, str) and inp != inp.lower() and re.fullmatch(pattern, inp.lower()):
                return f"must be an id in lowercase: write '{inp.lower()}'"
            return "must be an id of lowercase letters, digits, '.', '_' and '-'"
        return f"has the wrong form (expected the pattern {pattern})"
    msg = re.sub(r"^Value error, ", "", str(e.get("msg", "")))
    return re.sub(r" or instance of \w+", "", msg)


def _one(doc: Document, e: dict[str, Any], allowed: dict[tuple[Any, ...], list[str]] | None,
         field_prefix: tuple[Any, ...]) -> TcoError:
    """One pydantic error as a located ``TcoError`` in the user's words."""
    loc = _clean_loc(tuple(e["loc"]), doc.node)
    full = field_prefix + loc
    hint = None
    word = next((str(p) for p in reversed(loc) if not isinstance(p, int)), "")
    if e["type"] == "extra_forbidden":
        line, col = doc.locate(full, key=True)
        msg = "unknown field"
        if allowed is not None:
            choices = allowed.get(tuple(p for p in loc[:-1] if not isinstance(p, int)), [])
            # a field that exists in a sibling kind of entry (an offer's label: on a selfhost entry)
            hint = did_you_mean(word, [c for c in choices if c != word])
            alias = _ALIASES.get(word)
            if alias in choices:
                hint = f"did you mean {alias!r}?"
            if word in choices:
                hint = "not allowed in this kind of entry" + (f"; {hint}" if hint else "")
            if word in _PER_CANDIDATE and "candidates" not in loc:
                hint = _PER_CANDIDATE[word]
            if "selfhost-spec" in e["loc"] and loc[-2:-1] != ("selfhost",) and _selfhost_field(word):
                hint = f"on a self-hosted candidate, {word} goes inside selfhost: {{...}}"
            if hint is None and choices:
                hint = "allowed: " + ", ".join(choices)
        return TcoError(msg, file=doc.path, line=line, col=col, field=_field(full), hint=hint)
    line, col = doc.locate(full)
    if e["type"] == "missing":
        msg = "required field is missing"
        help_ = _help(word, loc)
        hint = f"{help_[0]}, e.g. {help_[1]}" if help_ else None
        return TcoError(msg, file=doc.path, line=line, col=col, field=_field(full), hint=hint)
    msg = plain_message(e)
    inp = e.get("input")
    if isinstance(inp, (str, int, float)) and not isinstance(inp, bool):
        # a long text is cut inside its quotes: 'xxx…' (100,000 characters)
        got = (f"'{shorten(inp).split('… (')[0]}…' ({len(inp):,} characters)" if isinstance(inp, str)
               and len(inp) > MAX_ECHO else shorten(repr(inp)))
        if not (isinstance(inp, str) and (repr(inp) in msg or got in msg)):  # a parse error may quote it already
            msg += f" (got {got})"
    elif isinstance(inp, bool):
        msg += f" (got {str(inp).lower()})"
    elif inp is None and "input" in e:  # YAML null, ~ or an empty value
        msg += " (got null: an empty value)"
    help_ = _help(word, loc)
    if help_ is not None:
        hint = f"{help_[0]}, e.g. {help_[1]}"
    elif e["type"].startswith(("date", "datetime")):
        hint = "write dates as YYYY-MM-DD"
    return TcoError(msg, file=doc.path, line=line, col=col, field=_field(full), hint=hint)


def validation_error(doc: Document, err: Any, allowed: dict[tuple[Any, ...], list[str]] | None = None,
                     field_prefix: tuple[Any, ...] = ()) -> TcoError:
    """A pydantic ``ValidationError`` as located ``TcoError``s: the first (in file order) is
    raised; every other independent error (one per field, at most :data:`MAX_ERRORS`) rides
    along in ``also`` so the command line can print them all at once."""
    errors = err.errors(include_url=False) or [{"loc": (), "msg": str(err), "type": ""}]

    # per field, the most specific, most actionable error: unknown keys and missing fields
    # over bad values, deeper paths over union noise
    locs = [tuple(e["loc"]) for e in errors]

    def rank(e: dict[str, Any]) -> tuple[int, int]:
        order = {"extra_forbidden": 0, "missing": 1}
        t = e["type"]
        loc = tuple(e["loc"])
        if t == "too_short" and any(len(o) > len(loc) and o[:len(loc)] == loc for o in locs):
            # "must not be empty" of a list whose only item failed: the item's own error says why
            return (5, -len(loc))
        # a union's other member says "wrong type" (a range given where a number also fits):
        # the member that understood the input has the useful message
        wrong_type = t.endswith(("_type", "_parsing")) or t in ("model_attributes_type", "is_instance_of")
        return (order.get(t, 3 if wrong_type else 2), -len(e["loc"]))

    best: dict[tuple[Any, ...], dict[str, Any]] = {}
    for e in sorted(errors, key=rank):
        key = _clean_loc(tuple(e["loc"]), doc.node)
        if e["type"] == "extra_forbidden":
            key = key + ("<key>",)
        if not any(key[:len(k)] == k or k[:len(key)] == key for k in best):  # one error per field path
            best[key] = e
    # a misspelt required key ('hihg' for 'high') is one mistake, not two: its "unknown field ...
    # did you mean 'high'?" says all, so the "high: required field is missing" beside it goes
    unknown = [(k[:-2], str(k[-2])) for k in best if k[-1:] == ("<key>",) and len(k) >= 2]
    for k in [k for k, e in best.items() if e["type"] == "missing" and k]:
        if any(parent == k[:-1] and did_you_mean(word, [str(k[-1])]) for parent, word in unknown):
            del best[k]
    found = [_one(doc, e, allowed, field_prefix) for e in best.values()]
    found.sort(key=lambda x: (x.line or 0, x.col or 0))
    return TcoError.collect(found, MAX_ERRORS)


def allowed_fields(model: type) -> dict[tuple[str, ...], list[str]]:
    """Field names of a pydantic model and of its nested models, keyed by path (lists skipped)."""
    from pydantic import BaseModel

    out: dict[tuple[str, ...], list[str]] = {}

    def walk(m: type, path: tuple[str, ...], depth: int) -> None:
        if depth > 6:
            return
        names = out.setdefault(path, [])
        if all(f in names for f in m.model_fields):
            return
        names.extend(f for f in m.model_fields if f not in names)
        for name, f in m.model_fields.items():
            for sub in _models_in(f.annotation):
                if issubclass(sub, BaseModel):
                    walk(sub, path + (name,), depth + 1)

    walk(model, (), 0)
    return out


def _models_in(tp: Any) -> list[type]:
    import typing

    from pydantic import BaseModel

    found: list[type] = []
    stack = [tp]
    while stack:
        t = stack.pop()
        if isinstance(t, type) and issubclass(t, BaseModel):
            found.append(t)
            continue
        stack.extend(typing.get_args(t))
    return found


def validate(doc: Document, model: type[T], context: dict[str, Any] | None = None) -> T:
    """Validate a document against a pydantic model, raising a located ``TcoError``."""
    from pydantic import ValidationError

    try:
        return model.model_validate(doc.data, context=context)  # type: ignore[attr-defined, no-any-return]
    except ValidationError as err:
        raise validation_error(doc, err, allowed_fields(model)) from None


def _selfhost_field(name: str) -> bool:
    """Whether ``name`` is a field of a self-hosted candidate's ``selfhost:`` spec."""
    from .selfhost import SelfhostSpec

    return name in SelfhostSpec.model_fields
