"""Schemas of the files under ``pricing/``: API price history, models, benchmarks,
quality scores and exchange rates.

Units live in field names: ``*_per_mtok`` is per one million tokens in the price point's
``currency``. A price point may be written per 1K tokens (``unit: per_1k_tokens``, the
way Chinese vendors quote); it is normalized to per 1M on load, keeping the original.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from ..engine.api import offpeak_week_share, offpeak_windows
from .base import NonNeg, OfferId, Pos, Provenance, Share, Slug, Strict

Unit = Literal["per_1m_tokens", "per_1k_tokens"]
UNIT_TO_MTOK = {"per_1m_tokens": 1.0, "per_1k_tokens": 1000.0}
"""Multiply a price in this unit by the factor to get the price per 1M tokens."""


class ContextTier(Strict):
    """A price tier conditioned on a request's length: its prompt, its output, or both.

    A request is billed entirely at the prices of the LAST tier, in list order, whose
    conditions all hold: prompt longer than ``above_input_tokens`` AND billed output (output
    plus hidden reasoning tokens, which vendors bill as output) longer than
    ``above_output_tokens``; a threshold of 0 is no condition. Where no tier holds, the
    point's own prices apply. This is the "cliff" rule Google, Anthropic and ByteDance use
    for prompt length, and Zhipu's and ByteDance's output-length bands (GLM-4.6: output of
    at most 200 tokens at the point's prices, more at ``{above_output_tokens: 200}``'s;
    a prompt over 32K at ``{above_input_tokens: 32000}``'s, listed last so that it wins).
    At least one threshold is above 0."""

    above_input_tokens: int = Field(default=0, ge=0)
    """Prompt length (tokens) above which this tier applies; 0: no prompt condition."""
    above_output_tokens: int = Field(default=0, ge=0)
    """Billed output length (output plus reasoning tokens) above which this tier applies;
    0: no output condition."""
    input: NonNeg
    """Input price in the point's unit and currency."""
    output: NonNeg | None = None
    """Output price in the point's unit and currency; None means unknown."""
    cached_input: NonNeg | None = None
    """Cache-hit input price in this tier; None: the point's cached price scaled like its input price."""
    cache_write: NonNeg | None = None
    """Cache-write price in this tier; None: the point's cache-write price scaled like its input price."""

    @model_validator(mode="after")
    def _a_condition(self) -> ContextTier:
        if self.above_input_tokens == 0 and self.above_output_tokens == 0:
            raise ValueError("a tier needs a condition: above_input_tokens or above_output_tokens above 0 "
                             "(prices without a condition are the point's own)")
        return self


_HHMM = r"(?:[01]\d|2[0-3]):[0-5]\d"


class OffPeak(Strict):
    """Time-of-day prices: requests made inside the windows (UTC) pay these prices.

    A window may cross midnight (``16:30-00:30``). Without ``workload.offpeak_share`` a
    scenario assumes traffic spread evenly over the week, so the off-peak share is the
    windows' share of the week's hours (whole days with ``weekends``)."""

    input: NonNeg | None
    """Off-peak uncached input price (point's unit and currency); None: unknown."""
    output: NonNeg | None
    """Off-peak output price; None: unknown."""
    cached_input: NonNeg | None = None
    """Off-peak cache-hit price; None: unknown (cached tokens then pay the off-peak input price)."""
    start_utc: str | None = Field(default=None, pattern=f"^{_HHMM}$")
    """Start of a single window (shorthand for ``windows_utc``)."""
    end_utc: str | None = Field(default=None, pattern=f"^{_HHMM}$")
    windows_utc: tuple[tuple[str, str], ...] = ()
    """Off-peak windows as [start, end] UTC times of day."""
    weekends: bool = False
    """Saturday and Sunday (the vendor's calendar) are off-peak all day."""
    all_day: str | None = None
    """Other whole days the vendor treats as off-peak (public holidays), as text: not counted
    in the default share."""

    @model_validator(mode="after")
    def _windows(self) -> OffPeak:
        import re

        if (self.start_utc is None) != (self.end_utc is None):
            raise ValueError("give both start_utc and end_utc, or windows_utc")
        for w in self.windows_utc:
            if not all(re.fullmatch(_HHMM, t) for t in w):
                raise ValueError(f"window {list(w)} must be two times HH:MM")
        if not self.windows() and not self.weekends:
            raise ValueError("an off-peak price needs windows (start_utc/end_utc or windows_utc) or weekends: true")
        return self

    def windows(self) -> list[tuple[str, str]]:
        """Every window, the shorthand included."""
        return offpeak_windows(self)

    @property
    def week_share(self) -> float:
        """Share of the week's hours that are off-peak (traffic spread evenly)."""
        return offpeak_week_share(self.windows(), self.weekends)


class PricePoint(Strict):
    """One price of one offer, in force from ``effective_from`` until the next point."""

    effective_from: date
    """First day this price applies (inclusive); the next point's date ends it."""
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    """ISO 4217 code of the prices below, as the vendor quotes them."""
    unit: Unit = "per_1m_tokens"
    """The unit the vendor quotes; prices are normalized to per 1M tokens on load."""
    input: NonNeg | None
    """Price of uncached input tokens. None means unknown (never 0: a free model is an explicit 0)."""
    output: NonNeg | None
    """Price of output tokens. None means unknown."""
    cached_input: NonNeg | None = None
    """Price of cache-hit input tokens, where the vendor offers caching and it is known."""
    cache_write: NonNeg | None = None
    """Price of input tokens written to the prompt cache, where billed apart (Anthropic's
    5-minute write: 1.25x input); None: unknown or not billed apart (billed as input)."""
    batch_discount: Share | None = None
    """Fraction taken off every price for asynchronous batch requests (0.5 = half price)."""
    per_1k_requests: NonNeg | None = None
    """A fee per 1,000 requests on top of the token prices, where the vendor charges one."""
    offpeak: OffPeak | None = None
    """Time-of-day prices (DeepSeek's night discount), if any."""
    tiers: tuple[ContextTier, ...] = ()
    """Length tiers (prompt and/or output length), in increasing order of ``above_input_tokens``,
    then of ``above_output_tokens``: a request pays the last one whose conditions hold (see
    :class:`ContextTier`)."""
    model: Slug | None = None
    """The model this price point serves, where an alias moved (``openai/gpt-4o`` served
    gpt-4o-2024-08-06 from 2024-10-02); None: the offer's model."""
    provenance: Provenance
    """Source, checked date and status of this price point."""

    @field_validator("tiers")
    @classmethod
    def _tiers_sorted(cls, tiers: tuple[ContextTier, ...]) -> tuple[ContextTier, ...]:
        # strictly increasing (input, output) thresholds: every tier is the last that holds for some request
        bounds = [(t.above_input_tokens, t.above_output_tokens) for t in tiers]
        if bounds != sorted(set(bounds)):
            given = ", ".join(f"{i}/{o}" for i, o in bounds)
            raise ValueError("tiers must be in increasing order of above_input_tokens, then of above_output_tokens, "
                             "without duplicates: the last tier whose conditions hold prices the request, so a tier "
                             f"after one with no lower thresholds would hide it (input/output thresholds: {given})")
        return tiers

    @property
    def factor(self) -> float:
        """Multiplier from the quoted unit to per 1M tokens."""
        return UNIT_TO_MTOK[self.unit]

    def per_mtok(self, value: float | None) -> float | None:
        """A price of this point in per-1M-token units (None stays None)."""
        return None if value is None else value * self.factor


class ImportedFrom(Strict):
    """Where an imported offer comes from, as that catalog names it."""

    catalog: str
    """The maintained catalog, e.g. ``genai-prices``."""
    version: str
    """Its version the import was made from."""
    provider: str
    """The provider id exactly as the catalog writes it."""
    model: str
    """The model id exactly as the catalog writes it."""


class Offer(Strict):
    """A priced API endpoint: one provider selling one model under one name."""

    id: OfferId
    """``provider/model`` slug, e.g. ``openai/gpt-4o``."""
    name: str
    """Display name as the provider writes it."""
    model: Slug
    """Id of the model in ``models.yaml`` this offer serves."""
    api_name: str | None = None
    """The model string sent to the provider's API, if it differs from the slug."""
    launched: date | None = None
    """Date the offer became available, where known."""
    alias_of: str | None = None
    """For a moving alias, a note of which snapshot it points to and when it moved."""
    context_window: int | None = Field(default=None, gt=0)
    """Maximum prompt plus output tokens, where known."""
    aliases: tuple[str, ...] = ()
    """Other API names that mean this offer (dated snapshots such as ``claude-sonnet-4-20250514``)."""
    retired: date | None = None
    """The day it was shut down, where it was: it no longer answers from that day (the vendor's
    stated retirement date; the next day where the source says access ends after it or during it)."""
    retired_source: str | None = None
    """Where that shutdown date is stated (a vendor's deprecation page, with its words)."""
    imported_from: ImportedFrom | None = None
    """For an offer generated from a maintained catalog: which one, and where in it."""
    prices: tuple[PricePoint, ...] = Field(min_length=1)
    """Price history, oldest first."""

    @model_validator(mode="after")
    def _history_sorted(self) -> Offer:
        dates = [p.effective_from for p in self.prices]
        if dates != sorted(set(dates)):
            raise ValueError(f"{self.id}: prices must be in increasing effective_from order, one per date")
        if self.retired is not None and dates[-1] >= self.retired:
            raise ValueError(f"{self.id}: a price from {dates[-1]} after its retirement on {self.retired}: "
                             "nothing is in force after an offer is shut down")
        return self


class RetiredOffer(Strict):
    """An offer shut down before any price of it can be dated: the maintained catalog still lists
    it (undated, known only on its release day), so it is not on sale on any date on record. Kept
    so that a scenario naming it is told when and why, not that it does not exist."""

    id: OfferId
    name: str
    model: Slug | None = None
    """The model it served (its scores and other hosts' offers stay on record)."""
    api_name: str | None = None
    aliases: tuple[str, ...] = ()
    """Other API names it answered to."""
    retired: date
    """The day it was shut down: it no longer answers from that day."""
    retired_source: str = Field(min_length=1)
    """Where that is stated, with its words."""
    successor: str | None = None
    """What the vendor names as the replacement, where it does."""
    imported_from: ImportedFrom | None = None


class ProviderFile(Strict):
    """``pricing/api/<provider>.yaml``: one provider's offers."""

    provider: Slug
    """Provider slug; every offer id starts with it."""
    name: str
    """Display name."""
    kind: Literal["first-party", "host"] = "first-party"
    """first-party: sells its own models; host: serves someone else's (open) models."""
    pricing_urls: tuple[str, ...] = ()
    """Official pricing pages."""
    offers: tuple[Offer, ...] = Field(min_length=1)
    retired_offers: tuple[RetiredOffer, ...] = ()
    """Offers shut down before any of their prices can be dated (imported layers only)."""

    @model_validator(mode="after")
    def _offers_match_provider(self) -> ProviderFile:
        for offer in (*self.offers, *self.retired_offers):
            if offer.id.split("/", 1)[0] != self.provider:
                raise ValueError(f"offer {offer.id!r} does not start with provider {self.provider!r}/")
        ids = [o.id for o in (*self.offers, *self.retired_offers)]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate offer ids: {', '.join(dupes)}")
        return self


class MoE(Strict):
    """Mixture-of-experts layout."""

    experts: int = Field(gt=0)
    """Routed experts per MoE layer."""
    active_experts: int = Field(gt=0)
    """Experts each token is routed to."""
    shared_experts: int = Field(default=0, ge=0)
    """Always-active shared experts, if any."""


class CompressedLayers(Strict):
    """Attention layers that keep a window of full entries and, beyond it, one compressed entry per
    ``ratio`` tokens (DeepSeek V4's CSA and HCA layers)."""

    layers: int = Field(gt=0)
    ratio: int = Field(gt=1)
    """Tokens per compressed cache entry."""
    index_elements: int = Field(default=0, ge=0)
    """Indexer key elements kept per compressed entry (a sparse-attention selector), if any."""


class AttentionLayout(Strict):
    """Which layers keep what, for a model whose layers are not all softmax attention over
    every earlier token: sliding-window layers (Gemma, gpt-oss) keep at most ``window`` tokens,
    linear-attention or state-space layers (Gated DeltaNet, Mamba-2) keep a fixed state per
    sequence. ``heads``, ``kv_heads`` and ``head_dim`` of the architecture are those of the
    softmax-attention layers (full and window)."""

    full_layers: int = Field(ge=0)
    """Layers whose KV cache grows with every token of the sequence (a whole entry per token)."""
    window_layers: int = Field(default=0, ge=0)
    """Sliding-window softmax-attention layers."""
    window: int | None = Field(default=None, gt=0)
    """Tokens a sliding-window layer attends to (and keeps in its KV cache)."""
    linear_layers: int = Field(default=0, ge=0)
    """Linear-attention / state-space layers: a fixed-size state per sequence, no KV cache."""
    linear_state_elements: int | None = Field(default=None, gt=0)
    """Elements of one sequence's state in one linear layer (recurrent state + convolution state)."""
    compressed: tuple[CompressedLayers, ...] = ()
    """Groups of compressed-attention layers; they also keep the last ``window`` tokens whole."""
    entry_elements: int | None = Field(default=None, gt=0)
    """Elements of one token's cache entry in an attention layer when it is not ``2 x kv_heads x
    head_dim`` (one shared K=V entry: ``kv_heads x head_dim``)."""
    index_layers: int = Field(default=0, ge=0)
    """Full-attention layers that also cache a sparse-attention indexer's keys (DeepSeek V3.2's and
    GLM-5's DSA, MiniMax M3's MSA)."""
    index_elements: int = Field(default=0, ge=0)
    """Indexer key elements per token on each of those layers."""
    ffn_only_layers: int = Field(default=0, ge=0)
    """Layers with no attention or state of their own, only an MLP or MoE block (Nemotron-H counts its
    mixers and its FFNs as separate layers)."""
    linear_state_dtype: Literal["bf16", "fp32"] = "bf16"
    """What the engine keeps the state in (the config's ``mamba_ssm_dtype``; BF16 by default)."""
    window_kv_heads: int | None = Field(default=None, gt=0)
    """KV heads of a sliding-window layer when they differ from the architecture's (Gemma 4)."""
    window_head_dim: int | None = Field(default=None, gt=0)
    """Head dimension of a sliding-window layer when it differs from the architecture's."""

    @model_validator(mode="after")
    def _complete(self) -> AttentionLayout:
        if self.window_layers and self.window is None:
            raise ValueError("window_layers needs window (the tokens a sliding-window layer keeps)")
        if self.compressed and self.window is None:
            raise ValueError("compressed layers need window (the tokens they keep whole)")
        if (self.window_kv_heads or self.window_head_dim) and not self.window_layers:
            raise ValueError("window_kv_heads or window_head_dim is given but window_layers is 0")
        if self.window is not None and not (self.window_layers or self.compressed):
            raise ValueError("window is given but window_layers is 0 and no layers are compressed")
        if self.linear_layers and self.linear_state_elements is None:
            raise ValueError("linear_layers needs linear_state_elements (the state one sequence keeps per layer)")
        if self.linear_state_elements is not None and not self.linear_layers:
            raise ValueError("linear_state_elements is given but linear_layers is 0")
        if bool(self.index_layers) != bool(self.index_elements):
            raise ValueError("index_layers and index_elements go together (the layers with an indexer, its keys per token)")
        if self.index_layers > self.full_layers:
            raise ValueError(f"index_layers ({self.index_layers}) cannot exceed full_layers ({self.full_layers})")
        if not (self.window_layers or self.linear_layers or self.ffn_only_layers or self.compressed or self.entry_elements
                or self.index_layers):
            raise ValueError("every layer is full attention: leave the attention block out")
        return self


class Architecture(Strict):
    """Transformer shape numbers (from the model's config.json)."""

    layers: int = Field(gt=0)
    hidden_size: int = Field(gt=0)
    heads: int = Field(gt=0)
    """Attention (query) heads."""
    kv_heads: int = Field(gt=0)
    """Key/value heads (GQA: fewer than ``heads``)."""
    head_dim: int = Field(gt=0)
    ffn_size: int = Field(gt=0)
    """Intermediate size of the feed-forward block (per expert for MoE)."""
    vocab_size: int = Field(gt=0)
    kv_lora_rank: int | None = Field(default=None, gt=0)
    """Multi-head latent attention (DeepSeek-V2): compressed KV rank per token per layer."""
    rope_head_dim: int | None = Field(default=None, gt=0)
    """Multi-head latent attention: decoupled RoPE key dimension cached per token per layer."""
    moe: MoE | None = None
    """Mixture-of-experts layout; None for a dense model."""
    attention: AttentionLayout | None = None
    """Layers that are not full attention (sliding window, linear); None: every layer is."""

    @model_validator(mode="after")
    def _gqa(self) -> Architecture:
        if self.heads % self.kv_heads:
            raise ValueError(f"heads ({self.heads}) must be a multiple of kv_heads ({self.kv_heads})")
        a = self.attention
        comp = sum(g.layers for g in a.compressed) if a is not None else 0
        if a is not None and a.full_layers + a.window_layers + a.linear_layers + a.ffn_only_layers + comp != self.layers:
            ffn = f" + ffn_only_layers ({a.ffn_only_layers})" if a.ffn_only_layers else ""
            ffn += f" + compressed layers ({comp})" if comp else ""
            raise ValueError(f"attention: full_layers ({a.full_layers}) + window_layers ({a.window_layers}) + "
                             f"linear_layers ({a.linear_layers}){ffn} must add up to layers ({self.layers})")
        return self


class Checkpoint(Strict):
    """How the maker published the weights: the precision a self-hosted model defaults to."""

    precision: Literal["bf16", "fp8", "int8", "int4", "fp4"]
    """The precision of the main checkpoint the maker released (fp4: MXFP4/NVFP4; int4: e.g. QAT)."""
    format: str
    """What the checkpoint stores, in words (e.g. "FP8 e4m3 with 128x128 block scales; BF16 norms")."""
    source: str
    """Public source: the config.json (quantization_config) or the maker's model card, with its commit."""
    bits_per_weight: float | None = Field(default=None, gt=0, le=32)
    """Stored bits per weight at ``precision``, block scales included (MXFP4: 4.25; INT4 with a BF16
    scale per 32 weights: 4.5); None: tco's figure for the precision."""
    also_published: tuple[Literal["bf16", "fp8", "int8", "int4", "fp4"], ...] = ()
    """Other precisions the maker publishes the same model in (its FP8 or INT4 repositories, named in
    ``format``): a self-hosted answer at the default precision says so."""
    dense_precision: Literal["bf16", "fp8", "int8", "int4", "fp4"] | None = None
    """Mixture of experts: the precision of everything outside the routed experts when it differs
    (gpt-oss and Kimi: bf16; DeepSeek V4: fp8)."""


Variant = Literal["base", "instruct", "chat"]


class Model(Strict):
    """Facts about one model (open or closed)."""

    id: Slug
    name: str
    vendor: str
    open_weights: bool | None
    """True when the weights can be downloaded and self-hosted; None: not on record (a model
    known only from an imported catalog, which does not say)."""
    license: str
    variant: Variant
    """base (pretrained) or instruct/chat (post-trained): scores of the two never mix silently."""
    params_b: Pos | None = None
    """Total parameters, billions (None for closed models whose size is not public)."""
    active_params_b: Pos | None = None
    """Parameters active per token, billions (equals params_b for a dense model)."""
    context_window: int | None = Field(default=None, gt=0)
    released: date | None = None
    architecture: Architecture | None = None
    """Required for self-hosting; open models in the catalog carry it."""
    checkpoint: Checkpoint | None = None
    """The published weights' precision (self-hosting defaults to it; bf16 where not on record)."""
    mode_of: Slug | None = None
    """This entry is another serving mode (thinking on or off) of the weights recorded under
    ``mode_of``: the same size and architecture, with the scores of that mode. Its id extends the
    weights' id (``deepseek-v4-flash-thinking`` of ``deepseek-v4-flash``)."""
    provenance: Provenance


class ModelsFile(Strict):
    """``pricing/models.yaml``."""

    models: tuple[Model, ...] = Field(min_length=1)


class Benchmark(Strict):
    """A benchmark and the scale its scores are on."""

    id: Slug
    name: str
    category: str
    """general, reasoning, code, math, tool-use, long-context, multilingual, chinese, instruction-following."""
    scale_min: float = 0.0
    scale_max: float = 100.0
    """Scores are normalized to 0-100 as (score - min) / (max - min) * 100 before they are combined."""
    description: str = ""


class BenchmarksFile(Strict):
    """``pricing/benchmarks.yaml``."""

    benchmarks: tuple[Benchmark, ...] = Field(min_length=1)


class Setting(Strict):
    """How a score was measured."""

    shots: int | None = Field(default=None, ge=0)
    cot: bool | None = None
    note: str | None = None


class ScoreDetail(Setting):
    """A score whose setting differs from its table's default for that benchmark."""

    score: float


class QualityFile(Strict):
    """``pricing/quality/<source>.yaml``: one published table of benchmark scores.

    Cells the source leaves blank or unreadable are simply absent: missing, never 0.
    """

    title: str
    provenance: Provenance
    preference: int = Field(default=100, ge=0)
    """When two sources score the same model on the same benchmark, the lower preference wins
    (the other is reported as an alternative)."""
    settings: dict[Slug, Setting] = {}
    """Default setting per benchmark in this table."""
    scores: dict[Slug, dict[Slug, float | ScoreDetail]]
    """model id -> benchmark id -> score (or a score with its own setting)."""


class FxRate(Strict):
    """A dated exchange rate: units of ``currency`` per 1 USD."""

    currency: str = Field(pattern=r"^[A-Z]{3}$")
    per_usd: Pos
    kind: Literal["monthly-average", "daily"]
    """monthly-average: the average of ``period`` (YYYY-MM), known from the first day of the next month;
    daily: the rate of ``period`` (YYYY-MM-DD), known from that day."""
    period: str = Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$")
    rate_type: str
    """e.g. 'Fed G.5 noon buying rate' or 'PBOC central parity'."""
    default: bool = True
    """Used for lookups unless a scenario asks otherwise; alternatives are kept for sensitivity."""
    provenance: Provenance

    @model_validator(mode="after")
    def _period_matches_kind(self) -> FxRate:
        want = 7 if self.kind == "monthly-average" else 10
        if len(self.period) != want:
            raise ValueError(f"period {self.period!r} does not match kind {self.kind!r}")
        return self

    @property
    def known_from(self) -> date:
        """First day this rate can be used for a lookup."""
        if self.kind == "daily":
            return date.fromisoformat(self.period)
        y, m = (int(x) for x in self.period.split("-"))
        return date(y + (m == 12), m % 12 + 1, 1)


class FxFile(Strict):
    """``pricing/fx.yaml``."""

    rates: tuple[FxRate, ...] = Field(min_length=1)


class Profile(Strict):
    """A named quality profile: benchmark weights for a kind of work."""

    description: str
    weights: dict[Slug, Annotated[float, Field(gt=0)]]
    """Benchmark id -> weight; a candidate's quality is the weighted mean of the scores it has."""


class ReasoningDefault(Strict):
    """What a model's API does when a request says nothing about reasoning."""

    reasons: bool
    """True: it generates hidden reasoning tokens by default (billed as output)."""
    setting: str = Field(min_length=1, max_length=200)
    """The default in the vendor's words, e.g. ``reasoning effort medium``, ``thinking off``."""
    source: str = Field(min_length=1)
    """Where the default is stated."""


class ReasoningDefaultsFile(Strict):
    """``pricing/reasoning-defaults.yaml``."""

    checked: date
    models: dict[Slug, ReasoningDefault]


class ProfilesFile(Strict):
    """``pricing/profiles.yaml``."""

    profiles: dict[Slug, Profile]
