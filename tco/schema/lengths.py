"""Tokens per request as a distribution: the ``input_tokens`` / ``output_tokens`` of a
workload may be a mean (a number, as always), a named mix, or a distribution.

```yaml
workload:
  input_tokens: 1500                          # a mean, as before
  output_tokens: chat                         # a named mix (chat, code, long-context)
  input_tokens: {p50: 800, p90: 3000, p99: 12000}        # percentiles (log-linear between them)
  input_tokens: {shape: chat, mean: 2000}                # a named mix rescaled to a mean
  output_tokens: {histogram: {edges: [0, 100, 500, 2000], weights: [0.5, 0.4, 0.1]}}
```

API prices use the mean; self-hosting also uses the spread (KV capacity, batch, latency
tails). :func:`parse` turns any form into ``(mean, LengthShape)``. The named mixes and their
sources are :data:`tco.engine.selfhost.mix.NAMED`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from ..engine.selfhost import mix
from .base import Strict, number
from .ranges import is_range, range_of

MixName = Literal["chat", "code", "long-context"]
PERCENTILE_KEYS = ("p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99")

Tokens = number(gt=0, le=1e8)


class Histogram(Strict):
    """Requests per bin of tokens: ``weights[k]`` of them between ``edges[k]`` and ``edges[k+1]``."""

    edges: list[number(ge=0, le=1e8)] = Field(min_length=2, max_length=201)  # type: ignore[valid-type]
    weights: list[number(ge=0)] = Field(min_length=1, max_length=200)  # type: ignore[valid-type]


class LengthDistribution(Strict):
    """Tokens per request as percentiles, a histogram or a named mix (optionally rescaled to ``mean``)."""

    shape: MixName | None = None
    """A named mix: chat (Azure conversation trace 2023), code (Azure code trace 2023),
    long-context (constructed around MLPerf's Llama 3.1 405B task)."""
    mean: Tokens | None = None  # type: ignore[valid-type]
    """The mean; with percentiles, a histogram or a shape it rescales them (their spread is kept)."""
    histogram: Histogram | None = None
    p1: Tokens | None = None  # type: ignore[valid-type]
    p5: Tokens | None = None  # type: ignore[valid-type]
    p10: Tokens | None = None  # type: ignore[valid-type]
    p25: Tokens | None = None  # type: ignore[valid-type]
    p50: Tokens | None = None  # type: ignore[valid-type]
    """Median tokens per request."""
    p75: Tokens | None = None  # type: ignore[valid-type]
    p90: Tokens | None = None  # type: ignore[valid-type]
    p95: Tokens | None = None  # type: ignore[valid-type]
    p99: Tokens | None = None  # type: ignore[valid-type]

    def percentiles(self) -> dict[float, float]:
        return {float(k[1:]): getattr(self, k) for k in PERCENTILE_KEYS if getattr(self, k) is not None}

    @model_validator(mode="after")
    def _one_form(self) -> LengthDistribution:
        forms = [name for name, given in (("percentiles", bool(self.percentiles())), ("histogram", self.histogram),
                                          ("shape", self.shape)) if given]
        if len(forms) > 1:
            raise ValueError(f"give one of percentiles (p50, p90, ...), histogram or shape (got {' and '.join(forms)})")
        if not forms and self.mean is None:
            raise ValueError("give percentiles (p50, p90, ...), a histogram, a shape (chat, code, long-context) or a mean")
        parse(self)  # negative, decreasing or inconsistent values are errors here, located at this mapping
        return self


RANGE_KEYS = frozenset({"low", "likely", "high", "dist"})


def _kind(v: Any) -> str:
    """Which form a length spec takes: a mapping of low/likely/high a range of the mean (what
    you do not know), another mapping a distribution (how lengths vary between requests), a
    word a named mix, anything else a mean (a number, or one written as text: 1.5k)."""
    if is_range(v) or (isinstance(v, dict) and v and set(v) <= RANGE_KEYS):
        return "length-range"
    if isinstance(v, (dict, LengthDistribution)):
        return "length-distribution"
    if isinstance(v, str) and v.strip()[:1].isalpha() and v.strip()[-1:].lower() not in ("k", "m"):
        return "length-named"
    return "length-mean"


def length_field(le: float, range_name: str) -> Any:
    """The annotation of a workload's ``input_tokens``/``output_tokens``: a mean, a range of
    the mean (``{low, likely, high}``), a named mix or a distribution, told apart by the
    value's form (one clear error per form)."""
    return Annotated[Annotated[number(gt=0, le=le), Tag("length-mean")] | Annotated[MixName, Tag("length-named")]
                     | Annotated[range_of(range_name, gt=0, le=le), Tag("length-range")]
                     | Annotated[LengthDistribution, Tag("length-distribution")], Discriminator(_kind)]


LENGTH_TAGS = frozenset({"length-mean", "length-named", "length-range", "length-distribution"})
"""The union tags of :func:`length_field` (left out of error locations)."""


def parse(spec: Any, which: str = "input") -> tuple[float, mix.LengthShape]:
    """``(mean, shape)`` of a length spec; ``which`` ('input' or 'output') picks a named mix's
    side. Raises ValueError with what would work."""
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        return float(spec), mix.FIXED
    if isinstance(spec, str):
        return mix.named(spec, which)
    if isinstance(spec, LengthDistribution):
        if spec.shape is not None:
            return mix.named(spec.shape, which, spec.mean)
        if spec.histogram is not None:
            _check_histogram(spec.histogram.edges, spec.histogram.weights, spec.mean)
            return mix.from_histogram(spec.histogram.edges, spec.histogram.weights, spec.mean)
        pcts = spec.percentiles()
        if pcts:
            _check_percentiles(pcts, spec.mean)
            return mix.from_percentiles(pcts, spec.mean)
        assert spec.mean is not None
        return float(spec.mean), mix.FIXED
    raise ValueError(f"tokens per request: give a number, a named mix or a distribution (got {spec!r})")


def _check_percentiles(pcts: dict[float, float], mean: float | None) -> None:
    """What a reader of a written distribution would not expect to be taken silently: one
    percentile (``{p90: 3000}`` would price every request at 3,000 tokens; with a mean it would be
    dropped), or a mean below what the percentiles allow: at least (q2 - q1) x v1 + ... + (100 - qk) x vk
    over 100, since a share of requests is at least each percentile's value (``{p50: 200, p90: 600,
    mean: 5}``). A mean above the top percentile is a heavy tail, and taken."""
    if len(pcts) == 1:
        (q, v), = pcts.items()
        with_mean = " (with a mean it would be dropped)" if mean is not None else ""
        raise ValueError(f"one percentile alone (p{q:g} = {v:,.0f}) gives no spread{with_mean}: give two or more "
                         "(e.g. p50 and p90), or the mean as a plain number")
    qs = sorted(pcts)
    floor = sum((b - a) / 100 * pcts[a] for a, b in zip(qs, [*qs[1:], 100.0], strict=True))
    if mean is not None and mean < floor:
        raise ValueError(f"mean {mean:,.0f} is below what the percentiles allow (at least {floor:,.0f}: "
                         f"{100 - qs[0]:g} % of requests have {pcts[qs[0]]:,.0f} tokens or more): give a larger mean, "
                         "or leave it out (the percentiles then give the mean)")


def _check_histogram(edges: list[float], weights: list[float], mean: float | None) -> None:
    """Shares that do not add up to 1 (``[0.5, 0.3, 0.1]``: is a tenth missing?), or a mean
    outside the bins. Whole numbers are counts of requests, rescaled as they are."""
    total = sum(weights)
    counts = all(float(w).is_integer() for w in weights)
    if not counts and total > 0 and abs(total - 1) > 0.01:
        raise ValueError(f"histogram weights add up to {total:g}: shares must add up to 1 (or give counts of "
                         "requests, whole numbers, which are rescaled)")
    if mean is not None and len(edges) >= 2 and not edges[0] <= mean <= edges[-1]:
        raise ValueError(f"mean {mean:,.0f} is outside the histogram's bins ({edges[0]:,.0f} .. {edges[-1]:,.0f})")
