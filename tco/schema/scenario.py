"""The scenario file: a workload, a quality profile and the candidates to compare."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, PrivateAttr, Tag, field_validator, model_validator

from .base import Currency, Line, Slug, Strict, number
from .currency import normalize_currency
from .lengths import length_field
from .lengths import parse as parse_length
from .ranges import central, is_range, number_or_range
from .selfhost import SelfhostSpec


def _num(gt: float | None = None, le: float | None = None, ge: float | None = None) -> Any:
    return number(gt=gt, ge=ge, le=le)


Volume = _num(gt=0)
"""A positive, finite number (``10k``, ``1.5M`` and ``10,000`` accepted; booleans are errors)."""
OfferRef = Annotated[str, Field(min_length=1, max_length=200)]
"""An offer id as typed; checked against the catalog (with suggestions) when the scenario is resolved."""
Fraction = number(ge=0, le=1, share=True)
"""A share of a whole: 0.3 or 30%."""
Weight = number(ge=0)

DEFAULT_DAYS_PER_MONTH = 365 / 12


class TrafficByHour(Strict):
    """When the requests come, hour by hour of the day, in the workload's own time zone: each
    offer's off-peak share is the part of this traffic inside its off-peak windows."""

    utc_offset: number(ge=-12, le=14) = 0.0  # type: ignore[valid-type]
    """Hours ahead of UTC of the hours below (8 for Beijing, -5 for New York in winter, 5.5 for India)."""
    weights: tuple[Weight, ...] = Field(min_length=24, max_length=24)  # type: ignore[valid-type]
    """24 relative volumes, midnight to 1 am first (any scale: requests, shares, percentages)."""

    @model_validator(mode="after")
    def _some(self) -> TrafficByHour:
        if sum(self.weights) <= 0:
            raise ValueError("the 24 weights are all 0: give the relative traffic of each hour")
        return self


class Workload(Strict):
    """What the application sends: volume and request shape (means per request)."""

    requests_per_day: number_or_range("VolumeRange", gt=0, le=1e11) | None = None  # type: ignore[valid-type]
    """Requests per day; give this or ``requests_per_month``. A number or a range."""
    requests_per_month: number_or_range("MonthlyVolumeRange", gt=0, le=3.1e12) | None = None  # type: ignore[valid-type]
    """Requests per month; give this or ``requests_per_day``."""
    input_tokens: length_field(1e8, "InputTokensRange")  # type: ignore[valid-type]
    """Prompt tokens per request (cached ones included): a mean, a range of it ({low, likely,
    high}), a named mix (chat, code, long-context) or a distribution ({p50: 800, p90: 3000},
    {histogram: ...}, {shape: chat, mean: 2000}). After validation this field holds the mean;
    the spread between requests is ``input_shape``."""
    output_tokens: length_field(1e7, "OutputTokensRange")  # type: ignore[valid-type]
    """Generated tokens per request: a mean, a range, a named mix or a distribution (as input_tokens)."""
    days_per_month: _num(ge=1, le=31) = DEFAULT_DAYS_PER_MONTH  # type: ignore[valid-type]
    """Days in a billing month (default 365/12 = 30.4167)."""
    cached_input_share: number_or_range("ShareRange", ge=0, le=1, share=True) = 0.0  # type: ignore[valid-type]
    """Share of input tokens that hit the provider's prompt cache (billed at the cached price)."""
    cache_write_share: number_or_range("ShareRange", ge=0, le=1, share=True) = 0.0  # type: ignore[valid-type]
    """Share of input tokens written to the prompt cache (billed at the cache-write price
    where the vendor charges one, e.g. Anthropic's 1.25x input)."""
    batch_share: number_or_range("ShareRange", ge=0, le=1, share=True) = 0.0  # type: ignore[valid-type]
    """Share of requests sent through an asynchronous batch API (billed at the batch prices)."""
    offpeak_share: Fraction | None = None
    """Share of requests sent in each offer's off-peak hours (for offers with time-of-day
    prices). Default: from ``traffic_by_hour`` when given, else traffic spread evenly, i.e. the
    off-peak windows' share of the week."""
    traffic_by_hour: TrafficByHour | None = None
    """The day's traffic hour by hour (local time): each offer's off-peak share follows from its own
    windows (DeepSeek's night in Beijing is not another vendor's). Give this or ``offpeak_share``."""
    peak_to_average: number_or_range("PeakRange", ge=1, le=100) = 2.0  # type: ignore[valid-type]
    """Peak load over average load; self-hosted capacity is sized for the peak."""

    _input_shape: Any = PrivateAttr(default=None)
    _output_shape: Any = PrivateAttr(default=None)

    @property
    def input_shape(self) -> Any:
        """Distribution of input tokens over their mean (:class:`tco.engine.selfhost.LengthShape`)."""
        return self._input_shape

    @property
    def output_shape(self) -> Any:
        return self._output_shape

    @model_validator(mode="after")
    def _lengths(self) -> Workload:
        for name, side in (("input_tokens", "input"), ("output_tokens", "output")):
            if is_range(getattr(self, name)):  # a range of the mean (the scenario centres it); no spread
                setattr(self, f"_{side}_shape", parse_length(1.0, side)[1])
                continue
            mean, shape = parse_length(getattr(self, name), side)
            object.__setattr__(self, name, float(mean))  # consumers read the mean
            setattr(self, f"_{side}_shape", shape)
        return self

    @model_validator(mode="after")
    def _one_volume(self) -> Workload:
        if (self.requests_per_day is None) == (self.requests_per_month is None):
            raise ValueError("give exactly one of requests_per_day or requests_per_month")
        if self.offpeak_share is not None and self.traffic_by_hour is not None:
            raise ValueError("give offpeak_share (one share for every offer) or traffic_by_hour (each offer's "
                             "share from its own off-peak windows), not both")
        cached, write = central(self.cached_input_share), central(self.cache_write_share)
        if cached + write > 1 + 1e-12:
            raise ValueError(f"cached_input_share ({cached:g}) and cache_write_share "
                             f"({write:g}) are shares of the same input tokens: together at most 1")
        return self

    @property
    def monthly_requests(self) -> float:
        if self.requests_per_month is not None:
            return central(self.requests_per_month)  # type: ignore[no-any-return]
        assert self.requests_per_day is not None
        return central(self.requests_per_day) * self.days_per_month  # type: ignore[no-any-return]


class CustomBenchmark(Strict):
    """A team's own benchmark, usable in the profile and in ``scores``."""

    name: Line
    scale_min: float = 0.0
    scale_max: float = 100.0

    @model_validator(mode="after")
    def _scale(self) -> CustomBenchmark:
        if not self.scale_max > self.scale_min:
            raise ValueError("scale_max must be greater than scale_min")
        return self


class QualitySpec(Strict):
    """How quality is scored: a weighted mean of normalized benchmark scores."""

    profile: Slug | dict[Slug, Weight] = "general"
    """A built-in profile name (see ``tco catalog list --kind profile``) or benchmark weights."""
    min_coverage: Fraction = 0.5
    """Share of the profile's weight a candidate must have scores for to be ranked by value."""
    benchmarks: dict[Slug, CustomBenchmark] = {}
    """Your own benchmarks (ids must not clash with the catalog's)."""
    scores: dict[Slug, dict[Slug, Annotated[float, Field(strict=True, allow_inf_nan=False)]]] = {}
    """Your own eval results: model id -> benchmark id -> score. They add to or override the catalog's."""
    impute: bool = False
    """Fill a candidate's missing profile benchmarks from a low-rank model of the catalog's
    scores, with an interval calibrated by leave-one-out (``tco catalog impute-check``).
    Off by default: without it a missing score stays missing."""

    @field_validator("profile", mode="before")
    @classmethod
    def _profile_shape(cls, v: Any) -> Any:
        if not isinstance(v, (str, dict)):
            raise ValueError("give a built-in profile name (general, code, ...) or benchmark weights "
                             "such as {mmlu-cot: 1, humaneval: 1}")
        return v

    @field_validator("profile")
    @classmethod
    def _weights(cls, v: Any) -> Any:
        if isinstance(v, dict):
            if not v:
                raise ValueError("a custom profile needs at least one benchmark")
            if sum(v.values()) <= 0:
                raise ValueError("profile weights must not all be zero")
        return v


class OfferCandidate(Strict):
    """An API offer with optional adjustments."""

    offer: OfferRef
    """Catalog offer id, e.g. ``openai/gpt-4o``."""
    label: Line | None = None
    """Display name (default: the offer id)."""
    discount: number_or_range("ShareRange", ge=0, le=1, share=True) = 0.0  # type: ignore[valid-type]
    """Negotiated discount off list price (0.2 = 20 % off); a number or a range."""
    price_factor: number_or_range("FactorRange", gt=0, le=100) = 1.0  # type: ignore[valid-type]
    """Multiplier on every list price, for a price you expect to change (0.7 = 30 % cheaper):
    a number, or a range such as {low: 0.5, likely: 0.8, high: 1.0}."""
    reasoning_tokens: number_or_range("ReasoningRange", ge=0, le=1e6) = 0.0  # type: ignore[valid-type]
    """Hidden reasoning (thinking) tokens per request: billed as output at the output price and
    counted against the context window, never returned. ``workload.output_tokens`` is what the
    user sees; reasoning models add these on top (measure them: the API's usage field reports
    them, e.g. ``reasoning_tokens``). A number or a range. Default 0: none added."""
    mode: Slug | None = None
    """Score the offer as its weights in another mode, for requests that turn thinking on or off:
    a catalog model whose ``mode_of`` names the offer's model, e.g. ``deepseek-v4-flash-thinking``
    (``tco catalog show MODEL`` lists a model's other modes). The price stays the offer's; a
    thinking mode's hidden tokens are billed as output (give ``reasoning_tokens``). Default: the
    mode the offer serves."""


class SelfhostCandidate(Strict):
    """A self-hosted deployment of an open model."""

    selfhost: SelfhostSpec
    """Deployment spec: model, precision, GPU, rent or buy, latency targets (see docs/selfhost-model.md)."""


def _candidate_kind(v: Any) -> str:
    if isinstance(v, dict):
        return "selfhost-spec" if "selfhost" in v else "api-offer"
    if isinstance(v, (OfferCandidate, SelfhostCandidate)):
        return "selfhost-spec" if isinstance(v, SelfhostCandidate) else "api-offer"
    return "api-id"


CANDIDATE_TAGS = frozenset({"api-id", "api-offer", "selfhost-spec"})
"""Union tags pydantic puts into error locations; the YAML locator skips them."""

Candidate = Annotated[
    Annotated[OfferRef, Tag("api-id")] | Annotated[OfferCandidate, Tag("api-offer")]
    | Annotated[SelfhostCandidate, Tag("selfhost-spec")],
    Discriminator(_candidate_kind),
]


class HorizonSpec(Strict):
    """How months beyond the first are priced (``horizon_months`` > 1)."""

    discount_rate: Fraction = 0.08
    """Cost of capital a year, for the net present cost (0.08 = 8 %)."""
    resale_value: Fraction = 0.1
    """Share of a bought server's price it still fetches at the end of its lifetime
    (straight-line in between)."""
    api_price_trend: number(gt=0, le=10) | None = None  # type: ignore[valid-type]
    """API price factor a year (0.5 = halve every year); default: fitted from the catalog per provider class."""
    rental_price_trend: number(gt=0, le=10) | None = None  # type: ignore[valid-type]
    """GPU rental price factor a year; default: fitted from the catalog's rental histories."""


class Scenario(Strict):
    """A ``tco`` scenario file."""

    name: Line = "Untitled scenario"
    description: str | None = None
    currency: Currency = "USD"
    """Report currency; prices in other currencies are converted with a dated rate."""
    as_of: date | None = None
    """Price date (default: today)."""
    fx: dict[Currency, number_or_range("RateRange", ge=1e-4, le=1e6)] = {}  # type: ignore[valid-type]
    """Exchange-rate overrides: units of the currency per 1 USD, e.g. ``{CNY: 7.1159}``."""
    workload: Workload
    quality: QualitySpec = Field(default_factory=QualitySpec)
    candidates: list[Candidate] = Field(min_length=1)
    """Offer ids (``provider/model``), offers with adjustments, or self-hosted deployments."""
    horizon_months: int = Field(default=1, ge=1, le=240)
    """Months to plan (1 = today's monthly view): month-by-month cost with price trends,
    purchases depreciated, a net present cost and the month self-hosting pays back."""
    horizon: HorizonSpec = Field(default_factory=HorizonSpec)
    samples: int | None = Field(default=None, ge=1, le=10_000_000)
    """Monte Carlo samples drawn from the ranges (``--samples``); None: a single estimate."""
    seed: int | None = Field(default=None, ge=0)
    """Seed of the draws: the same seed gives the same numbers."""
    ranges: dict[str, Any] = Field(default_factory=dict)
    """Set by tco, never written: every range of the file by its path (``workload.requests_per_day``,
    ``candidates.2.discount``, ``fx.CNY``), each field holding its central value."""
    _source: Any = PrivateAttr(default=None)
    """The parsed YAML document this scenario came from (for located errors), if any."""
    _catalog_root: Any = PrivateAttr(default=None)
    """The directory of the catalog it was read against, when one was given: ``vary``, ``sweep`` and
    ``estimate`` use it again when no catalog is passed."""

    def __eq__(self, other: object) -> bool:
        """Equal when their fields are: where each was read from (the private source document) does
        not count, so a scenario read twice, or pickled and loaded, equals itself."""
        return type(other) is type(self) and self.model_dump() == other.model_dump()  # type: ignore[union-attr]

    __hash__ = None  # type: ignore[assignment]

    @field_validator("ranges", mode="before")
    @classmethod
    def _no_written_ranges(cls, v: Any) -> Any:
        if v:
            raise ValueError("ranges are written in place of a number, e.g. requests_per_day: {low: 20000, "
                             "likely: 50000, high: 200000}")
        return v

    @model_validator(mode="after")
    def _centre_ranges(self) -> Scenario:
        """Collect every range by its path and leave its central value in the field."""
        found: dict[str, Any] = {}

        def take(owner: Any, name: str, path: str) -> None:
            value = getattr(owner, name)
            if is_range(value):
                found[path] = value
                object.__setattr__(owner, name, value.central)

        for name in ("requests_per_day", "requests_per_month", "input_tokens", "output_tokens",
                     "cached_input_share", "cache_write_share", "batch_share", "peak_to_average"):
            take(self.workload, name, f"workload.{name}")
        for i, cand in enumerate(self.candidates):
            if isinstance(cand, OfferCandidate):
                take(cand, "discount", f"candidates.{i}.discount")
                take(cand, "price_factor", f"candidates.{i}.price_factor")
                take(cand, "reasoning_tokens", f"candidates.{i}.reasoning_tokens")
            elif isinstance(cand, SelfhostCandidate):
                take(cand.selfhost, "utilization", f"candidates.{i}.selfhost.utilization")
                take(cand.selfhost, "throughput_factor", f"candidates.{i}.selfhost.throughput_factor")
                take(cand.selfhost, "reasoning_tokens", f"candidates.{i}.selfhost.reasoning_tokens")
        for code, value in list(self.fx.items()):
            if is_range(value):
                found[f"fx.{code}"] = value
                self.fx[code] = value.central
        if found:
            object.__setattr__(self, "ranges", found)
        return self

    @field_validator("fx", mode="before")
    @classmethod
    def _fx_codes(cls, v: Any) -> Any:
        """``fx: {RMB: 7.2}`` is the CNY rate (never a new currency CNY prices go through USD to reach)."""
        if not isinstance(v, dict):
            return v
        out: dict[Any, Any] = {}
        for key, rate in v.items():
            try:
                code = normalize_currency(key) if isinstance(key, str) else key
            except ValueError:
                code = key
            if code in out:
                raise ValueError(f"{key!r} and another entry are both {code}: give its rate once")
            out[code] = rate
        return out

    @field_validator("candidates", mode="before")
    @classmethod
    def _not_empty(cls, v: Any) -> Any:
        if v is None or v == []:
            raise ValueError("the candidate list is empty: add offer ids such as openai/gpt-4o-mini")
        return v


CandidateKind = Literal["api", "selfhost"]
