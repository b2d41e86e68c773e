"""The scenario file: a workload, a quality profile and the candidates to compare."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Discriminator, Field, PrivateAttr, Tag, field_validator, model_validator

from .base import Slug, Strict, number
from .currency import currency_or_text, normalize_currency
from .lengths import length_field
from .lengths import parse as parse_length
from .selfhost import SelfhostSpec


def _num(gt: float | None = None, le: float | None = None, ge: float | None = None) -> Any:
    return number(gt=gt, ge=ge, le=le)


Volume = _num(gt=0)
"""A positive, finite number (``10k``, ``1.5M`` and ``10,000`` accepted; booleans are errors)."""
Line = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]
"""One line of display text: no newlines or control characters."""
OfferRef = Annotated[str, Field(min_length=1, max_length=200)]
"""An offer id as typed; checked against the catalog (with suggestions) when the scenario is resolved."""
Fraction = number(ge=0, le=1, share=True)
"""A share of a whole: 0.3 or 30%."""
Weight = number(ge=0)
Currency = Annotated[str, BeforeValidator(currency_or_text), Field(pattern=r"^[A-Z]{3}$")]
"""An ISO 4217 code; ``cny``, ``RMB`` and ``yuan`` are read as ``CNY`` (see :mod:`.currency`)."""

DEFAULT_DAYS_PER_MONTH = 365 / 12


class Workload(Strict):
    """What the application sends: volume and request shape (means per request)."""

    requests_per_day: _num(gt=0, le=1e11) | None = None  # type: ignore[valid-type]
    """Requests per day; give this or ``requests_per_month``."""
    requests_per_month: _num(gt=0, le=3.1e12) | None = None  # type: ignore[valid-type]
    """Requests per month; give this or ``requests_per_day``."""
    input_tokens: length_field(1e8)  # type: ignore[valid-type]
    """Prompt tokens per request (cached ones included): a mean, a named mix (chat, code,
    long-context) or a distribution ({p50: 800, p90: 3000}, {histogram: ...}, {shape: chat,
    mean: 2000}). After validation this field holds the mean; the spread is ``input_shape``."""
    output_tokens: length_field(1e7)  # type: ignore[valid-type]
    """Generated tokens per request: a mean, a named mix or a distribution (as input_tokens)."""
    days_per_month: _num(ge=1, le=31) = DEFAULT_DAYS_PER_MONTH  # type: ignore[valid-type]
    """Days in a billing month (default 365/12 = 30.4167)."""
    cached_input_share: Fraction = 0.0
    """Share of input tokens that hit the provider's prompt cache (billed at the cached price)."""
    cache_write_share: Fraction = 0.0
    """Share of input tokens written to the prompt cache (billed at the cache-write price
    where the vendor charges one, e.g. Anthropic's 1.25x input)."""
    batch_share: Fraction = 0.0
    """Share of requests sent through an asynchronous batch API (billed at the batch prices)."""
    offpeak_share: Fraction | None = None
    """Share of requests sent in each offer's off-peak hours (for offers with time-of-day
    prices). Default: traffic spread evenly, i.e. the off-peak windows' share of the week."""
    peak_to_average: number(ge=1, le=100) = 2.0  # type: ignore[valid-type]
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
            mean, shape = parse_length(getattr(self, name), side)
            object.__setattr__(self, name, float(mean))  # consumers read the mean
            setattr(self, f"_{side}_shape", shape)
        return self

    @model_validator(mode="after")
    def _one_volume(self) -> Workload:
        if (self.requests_per_day is None) == (self.requests_per_month is None):
            raise ValueError("give exactly one of requests_per_day or requests_per_month")
        if self.cached_input_share + self.cache_write_share > 1 + 1e-12:
            raise ValueError(f"cached_input_share ({self.cached_input_share:g}) and cache_write_share "
                             f"({self.cache_write_share:g}) are shares of the same input tokens: together at most 1")
        return self

    @property
    def monthly_requests(self) -> float:
        if self.requests_per_month is not None:
            return self.requests_per_month
        assert self.requests_per_day is not None
        return self.requests_per_day * self.days_per_month


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
    discount: Fraction = 0.0
    """Negotiated discount off list price (0.2 = 20 % off)."""


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


class Scenario(Strict):
    """A ``tco`` scenario file."""

    name: Line = "Untitled scenario"
    description: str | None = None
    currency: Currency = "USD"
    """Report currency; prices in other currencies are converted with a dated rate."""
    as_of: date | None = None
    """Price date (default: today)."""
    fx: dict[Currency, _num(ge=1e-4, le=1e6)] = {}  # type: ignore[valid-type]
    """Exchange-rate overrides: units of the currency per 1 USD, e.g. ``{CNY: 7.1159}``."""
    workload: Workload
    quality: QualitySpec = Field(default_factory=QualitySpec)
    candidates: list[Candidate] = Field(min_length=1)
    """Offer ids (``provider/model``), offers with adjustments, or self-hosted deployments."""
    _source: Any = PrivateAttr(default=None)
    """The parsed YAML document this scenario came from (for located errors), if any."""

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
