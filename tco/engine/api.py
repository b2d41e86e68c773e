"""API (pay-per-token) cost over candidates x workload points.

Prices are per 1M tokens (fees per 1,000 requests), already converted to the report
currency; unknown prices are NaN, so an unknown price yields a NaN cost (reported as
unknown), never a silent 0.

One request of ``i`` input and ``o`` output tokens, of which the shares ``c`` hit the prompt
cache and ``w`` are written to it, costs at one set of prices::

    i x (1 - c - w) x p_in + i x c x p_cached + i x w x p_write + (o + r) x p_out    (per 1M)
      + p_request                                                                  (per 1,000)

where ``r`` is the candidate's hidden reasoning tokens per request (billed as output, counted
in the context window, never returned), and the prices are those of the length tier the request
falls in, the whole request at the tier's prices (the "cliff" rule): the LAST tier, in the offer's
order, whose conditions all hold, the prompt longer than its ``tier_threshold`` and the billed
output ``o + r`` longer than its ``tier_out_threshold`` (a threshold of 0 is no condition; the
vendors with output-length bands, Zhipu and ByteDance, bill reasoning tokens as output, so they
count towards the band), else the base prices. A share ``s`` of requests made off-peak pays the
off-peak prices, a share ``b`` sent through the batch API pays the batch prices (off-peak
discounts do not stack on batch ones; without a batch price on record, batch requests are
billed like the others), and a negotiated discount applies to what is left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

MTOK = 1_000_000.0

PRICE_KINDS = ("input", "output", "cached_input", "cache_write")
"""Per-token prices that tiers, off-peak and batch prices have their own value of."""


@dataclass(frozen=True)
class ApiPrices:
    """Compiled price arrays per candidate (C,) and per prompt-length tier (C, T), per 1M
    tokens in the report currency. NaN = unknown, except where a fallback is documented."""

    input: np.ndarray
    output: np.ndarray
    cached_input: np.ndarray
    """NaN where the vendor has no cached price: cached tokens are billed as input."""
    tier_threshold: np.ndarray
    """(C, T): prompt length above which tier t applies (0: no prompt condition); inf = no tier."""
    tier_input: np.ndarray
    """(C, T) prices of each tier (NaN where unknown)."""
    tier_output: np.ndarray
    batch_discount: np.ndarray
    """Fraction off for batch requests; NaN where unknown (batch traffic then pays list price)."""
    discount: np.ndarray
    """Negotiated discount off list price, 0 for none."""
    context_window: np.ndarray
    """Maximum prompt + output tokens per request; inf where unknown. A longer request cannot be
    served: its cost is NaN (unknown), never a price."""
    cache_write: np.ndarray = field(default=None)  # type: ignore[assignment]
    """NaN where not billed apart: written tokens are billed as input."""
    tier_cached_input: np.ndarray = field(default=None)  # type: ignore[assignment]
    """(C, T); NaN: the base cached price scaled like the tier's input price."""
    tier_cache_write: np.ndarray = field(default=None)  # type: ignore[assignment]
    per_request: np.ndarray = field(default=None)  # type: ignore[assignment]
    """Fee per request (not per 1,000), 0 where none."""
    offpeak_input: np.ndarray = field(default=None)  # type: ignore[assignment]
    """Off-peak prices; NaN where the offer has no time-of-day price (then the normal one)."""
    offpeak_output: np.ndarray = field(default=None)  # type: ignore[assignment]
    offpeak_cached_input: np.ndarray = field(default=None)  # type: ignore[assignment]
    offpeak_share: np.ndarray = field(default=None)  # type: ignore[assignment]
    """Share of requests made off-peak per candidate (0 where there is no off-peak price)."""
    batch_input: np.ndarray = field(default=None)  # type: ignore[assignment]
    """Explicit batch prices where the vendor lists them; NaN: list price x (1 - batch_discount)."""
    batch_output: np.ndarray = field(default=None)  # type: ignore[assignment]
    reasoning_tokens: np.ndarray = field(default=None)  # type: ignore[assignment]
    """Hidden reasoning tokens per request per candidate, billed at the output price; 0 for none."""
    tier_out_threshold: np.ndarray = field(default=None)  # type: ignore[assignment]
    """(C, T): billed output (output + reasoning tokens) above which tier t applies; 0 (the
    default): no output condition. A request pays the last tier whose conditions all hold."""

    def __post_init__(self) -> None:
        c = len(self.input)
        nan = np.full(c, np.nan)
        defaults = {"cache_write": nan, "per_request": np.zeros(c), "offpeak_input": nan, "offpeak_output": nan,
                    "offpeak_cached_input": nan, "offpeak_share": np.zeros(c), "batch_input": nan,
                    "batch_output": nan, "reasoning_tokens": np.zeros(c)}
        for name, value in defaults.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, value.copy())
        for name in ("tier_threshold", "tier_input", "tier_output"):
            a = np.asarray(getattr(self, name), dtype=np.float64)
            object.__setattr__(self, name, a.reshape(c, -1) if a.ndim == 1 else a)
        t = self.tier_threshold.shape[1]
        for name in ("tier_cached_input", "tier_cache_write"):
            if getattr(self, name) is None:
                object.__setattr__(self, name, np.full((c, t), np.nan))
        if self.tier_out_threshold is None:
            object.__setattr__(self, "tier_out_threshold", np.zeros((c, t)))
        else:
            a = np.asarray(self.tier_out_threshold, dtype=np.float64)
            object.__setattr__(self, "tier_out_threshold", a.reshape(c, -1) if a.ndim == 1 else a)

    @classmethod
    def from_columns(cls, **cols: object) -> ApiPrices:
        return cls(**{k: np.asarray(v, dtype=np.float64) for k, v in cols.items()})  # type: ignore[arg-type]


@dataclass(frozen=True)
class ApiCost:
    """Monthly cost split, shape (C, P) each. ``total`` = input + cached_input + cache_write +
    output + reasoning + request_fees - offpeak_savings - batch_savings - discount_savings."""

    input: np.ndarray
    cached_input: np.ndarray
    output: np.ndarray
    batch_savings: np.ndarray
    discount_savings: np.ndarray
    total: np.ndarray
    long_context: np.ndarray
    """True where the request is billed at a tier with a prompt-length condition."""
    cache_write: np.ndarray
    request_fees: np.ndarray
    offpeak_savings: np.ndarray
    reasoning: np.ndarray
    """Cost of the hidden reasoning tokens (at the output price; part of ``total``)."""


def tier_condition(above_input_tokens: int, above_output_tokens: int = 0) -> str:
    """A length tier's condition in words: ``>32,000`` (prompt), ``out >200`` (output, reasoning
    included) or both, ``>32,000 & out >200`` (the catalog check's names and ``catalog show``)."""
    parts = ([f">{above_input_tokens:,}"] if above_input_tokens else []) + (
        [f"out >{above_output_tokens:,}"] if above_output_tokens else [])
    return " & ".join(parts)


def offpeak_windows(off: Any) -> list[tuple[str, str]]:
    """An off-peak price's windows (HH:MM UTC), the ``start_utc``/``end_utc`` shorthand first, then
    ``windows_utc``: of a validated ``OffPeak`` or of its cached record alike."""
    short = [(off.start_utc, off.end_utc)] if off.start_utc is not None and off.end_utc is not None else []
    return short + [(a, b) for a, b in (off.windows_utc or ())]


def offpeak_week_share(windows: list[tuple[str, str]] | tuple[tuple[str, str], ...], weekends: bool,
                       traffic: tuple[float, ...] | None = None, utc_offset: float = 0.0) -> float:
    """Share of a week's traffic inside the daily ``windows`` (HH:MM UTC, possibly crossing
    midnight; overlaps counted once), with whole weekend days when ``weekends``. ``traffic``: 24
    relative volumes by local hour at ``utc_offset`` hours ahead of UTC (None: spread evenly), the
    same every day.

    Evenly: 16:30-00:30 is 8 h of 24 = 1/3; with weekends, (5 x 8 + 2 x 24) / 168 = 0.5238."""
    minutes = [False] * 1440
    for a, b in windows:
        start = int(a[:2]) * 60 + int(a[3:])
        end = int(b[:2]) * 60 + int(b[3:])
        span = range(start, end) if end > start else list(range(start, 1440)) + list(range(0, end))
        for m in span:
            minutes[m] = True
    if traffic is None:
        day = sum(minutes) / 1440
    else:  # each UTC minute carries its local hour's traffic
        shift = round(utc_offset * 60)
        weight = [traffic[((m + shift) % 1440) // 60] for m in range(1440)]
        day = sum(w for w, off in zip(weight, minutes, strict=True) if off) / sum(weight)
    return (5 * day + 2) / 7 if weekends else day


def select_tier(in_threshold: np.ndarray, out_threshold: np.ndarray, input_tokens: np.ndarray,
                billed_output: np.ndarray) -> np.ndarray:
    """(C, P) index of the tier each request is billed at: 0 for the base prices, t for the t-th
    tier (1-based), the LAST one whose conditions all hold: prompt > ``in_threshold`` and billed
    output (output + reasoning tokens) > ``out_threshold``; a threshold of 0 or less is no
    condition, inf never holds. Thresholds (C, T), prompts (P,), billed output (C, P)."""
    thr_in = np.asarray(in_threshold, dtype=np.float64)
    thr_out = np.asarray(out_threshold, dtype=np.float64)
    inp = np.asarray(input_tokens, dtype=np.float64)
    out = np.asarray(billed_output, dtype=np.float64)
    holds = ((thr_in[:, :, None] <= 0) | (inp[None, None, :] > thr_in[:, :, None])) & (
        (thr_out[:, :, None] <= 0) | (out[:, None, :] > thr_out[:, :, None]))  # (C, T, P)
    rank = np.arange(1, thr_in.shape[1] + 1)[None, :, None]
    return np.where(holds, rank, 0).max(axis=1, initial=0)


def tier_at(tiers: list[tuple[float, float]], input_tokens: float, billed_output: float) -> int:
    """:func:`select_tier` for one request and one offer's (above_input, above_output) thresholds:
    0 for the base prices, t for the t-th tier (1-based). For renderers that show the prices
    the engine billed."""
    if not tiers:
        return 0
    thr = np.asarray(tiers, dtype=np.float64).reshape(1, -1, 2)
    return int(select_tier(thr[:, :, 0], thr[:, :, 1], np.array([input_tokens]), np.array([[billed_output]]))[0, 0])


def _tier_prices(prices: ApiPrices, inp: np.ndarray, billed_out: np.ndarray) -> tuple[np.ndarray, ...]:
    """(p_in, p_out, p_cached, p_write, long) of the tier each request falls in, (C, P);
    ``billed_out`` (C, P) is output plus reasoning tokens per request."""
    tier = select_tier(prices.tier_threshold, prices.tier_out_threshold, inp, billed_out)
    # long: billed at a tier with a prompt-length condition
    has_in = np.concatenate([np.zeros((len(tier), 1), dtype=bool), prices.tier_threshold > 0], axis=1)
    long = np.take_along_axis(has_in, tier, axis=1)
    tiered = tier > 0

    def pick(base: np.ndarray, tiers: np.ndarray) -> np.ndarray:
        table = np.concatenate([base[:, None], tiers], axis=1)  # (C, T + 1)
        return np.take_along_axis(table, tier, axis=1)

    p_in = pick(prices.input, prices.tier_input)
    p_out = pick(prices.output, prices.tier_output)
    # a tier without its own cached / write price scales the base one like its input price
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(prices.input[:, None] > 0, p_in / prices.input[:, None], 1.0)
    p_cached = pick(prices.cached_input, prices.tier_cached_input)
    p_cached = np.where(tiered & np.isnan(np.take_along_axis(
        np.concatenate([np.full((len(p_in), 1), np.nan), prices.tier_cached_input], axis=1), tier, axis=1)),
        prices.cached_input[:, None] * ratio, p_cached)
    p_write = pick(prices.cache_write, prices.tier_cache_write)
    p_write = np.where(tiered & np.isnan(np.take_along_axis(
        np.concatenate([np.full((len(p_in), 1), np.nan), prices.tier_cache_write], axis=1), tier, axis=1)),
        prices.cache_write[:, None] * ratio, p_write)
    return p_in, p_out, p_cached, p_write, long


def api_cost(
    prices: ApiPrices,
    requests_per_month: np.ndarray,
    input_tokens: np.ndarray,
    output_tokens: np.ndarray,
    cached_share: np.ndarray | float = 0.0,
    batch_share: np.ndarray | float = 0.0,
    cache_write_share: np.ndarray | float = 0.0,
    reasoning_tokens: np.ndarray | None = None,
) -> ApiCost:
    """Monthly cost of every candidate at every workload point (see the module docstring).

    Workload arguments broadcast to shape (P,). ``reasoning_tokens`` (C, P) replaces the
    prices' per-candidate figure (drawn values). NaN where a request does not fit the offer's
    context window, or a price it needs is unknown.
    """
    rpm = np.asarray(requests_per_month, dtype=np.float64)[None, :]
    inp = np.atleast_1d(np.asarray(input_tokens, dtype=np.float64))
    out = np.asarray(output_tokens, dtype=np.float64)[None, :]

    def row(v: np.ndarray | float) -> np.ndarray:
        a = np.asarray(v, dtype=np.float64)
        return a[None, :] if a.ndim else a

    cshare, bshare, wshare = row(cached_share), row(batch_share), row(cache_write_share)
    reason = (prices.reasoning_tokens[:, None] if reasoning_tokens is None
              else np.asarray(reasoning_tokens, dtype=np.float64)) + np.zeros_like(out)
    # the vendors' output-length bands count reasoning tokens: they are billed as output
    p_in, p_out, p_cached, p_write, long = _tier_prices(prices, inp, out + reason)
    inp = inp[None, :]
    p_cached = np.where(np.isnan(p_cached), p_in, p_cached)  # no cached price: cached tokens pay input
    p_write = np.where(np.isnan(p_write), p_in, p_write)  # no write price: written tokens pay input

    scale = rpm / MTOK
    cached_tok = inp * cshare
    write_tok = inp * wshare
    plain_tok = inp - cached_tok - write_tok
    c_in = scale * plain_tok * p_in
    # no cached (written) tokens -> no cached (write) cost, even if that price is unknown
    c_cached = np.where(cached_tok > 0, scale * cached_tok * p_cached, 0.0)
    c_write = np.where(write_tok > 0, scale * write_tok * p_write, 0.0)
    c_out = scale * out * p_out
    # no reasoning tokens -> no reasoning cost, even where the output price is unknown
    c_reason = np.where(reason > 0, scale * reason * p_out, 0.0)
    fees = rpm * prices.per_request[:, None] + np.zeros_like(c_in)
    gross = c_in + c_cached + c_write + c_out + c_reason + fees

    # off-peak: the share made in the off-peak hours pays the off-peak prices (tiers scale them too)
    share = prices.offpeak_share[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        f_in = np.where(prices.input[:, None] > 0, prices.offpeak_input[:, None] / prices.input[:, None], np.nan)
        f_out = np.where(prices.output[:, None] > 0, prices.offpeak_output[:, None] / prices.output[:, None], np.nan)
        f_cached = np.where(prices.cached_input[:, None] > 0,
                            prices.offpeak_cached_input[:, None] / prices.cached_input[:, None], f_in)
    f_in, f_out, f_cached = (np.where(np.isnan(f), 1.0, f) for f in (f_in, f_out, f_cached))
    offpeak_gross = c_in * f_in + c_cached * f_cached + c_write * f_in + (c_out + c_reason) * f_out + fees
    has_offpeak = ~np.isnan(prices.offpeak_input[:, None]) & (share > 0)
    offpeak_savings = np.where(has_offpeak, (gross - offpeak_gross) * share, 0.0)
    timed = gross - offpeak_savings

    # batch: explicit batch prices where listed, else list prices x (1 - discount); unknown: list price
    disc = np.nan_to_num(prices.batch_discount, nan=0.0)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        bf_in = np.where(np.isnan(prices.batch_input)[:, None], 1.0 - disc,
                         prices.batch_input[:, None] / prices.input[:, None])
        bf_out = np.where(np.isnan(prices.batch_output)[:, None], 1.0 - disc,
                          prices.batch_output[:, None] / prices.output[:, None])
    bf_in, bf_out = (np.where(np.isfinite(f), f, 1.0 - disc) for f in (bf_in, bf_out))
    batch_gross = (c_in + c_cached + c_write) * bf_in + (c_out + c_reason) * bf_out + fees
    # no batch price on record: batch traffic is billed like the rest (its off-peak share included)
    priced = ~(np.isnan(prices.batch_discount) & np.isnan(prices.batch_input) & np.isnan(prices.batch_output))
    batch_savings = np.where((bshare > 0) & priced[:, None], (timed - batch_gross) * bshare, 0.0)
    after_batch = timed - batch_savings
    discount_savings = after_batch * prices.discount[:, None]
    total = after_batch - discount_savings
    too_long = (inp + out + reason) > prices.context_window[:, None]
    parts = (c_in, c_cached, c_write, c_out, fees, offpeak_savings, batch_savings, discount_savings, total, c_reason)
    if too_long.any():
        parts = tuple(np.where(too_long, np.nan, a) for a in parts)
    c_in, c_cached, c_write, c_out, fees, offpeak_savings, batch_savings, discount_savings, total, c_reason = parts
    return ApiCost(c_in, c_cached, c_out, batch_savings, discount_savings, total,
                   np.broadcast_to(long, total.shape), c_write, fees, offpeak_savings, c_reason)


def api_cost_loop(prices: ApiPrices, requests_per_month, input_tokens, output_tokens,  # type: ignore[no-untyped-def]
                  cached_share=0.0, batch_share=0.0):
    """Plain Python loop over candidates and points: the benchmark's reference (list prices,
    one tier, no off-peak or batch prices), same results as :func:`api_cost` for such prices."""
    C = len(prices.input)
    P = len(requests_per_month)
    out = np.empty((C, P))
    for ci in range(C):
        for pi in range(P):
            rpm = requests_per_month[pi]
            inp = input_tokens[pi]
            outp = output_tokens[pi]
            cs = cached_share[pi] if np.ndim(cached_share) else cached_share
            bs = batch_share[pi] if np.ndim(batch_share) else batch_share
            long = inp > prices.tier_threshold[ci, 0]
            p_in = prices.tier_input[ci, 0] if long else prices.input[ci]
            p_out = prices.tier_output[ci, 0] if long else prices.output[ci]
            p_c = prices.cached_input[ci]
            if np.isnan(p_c):
                p_c = p_in
            elif long:
                p_c = p_c * (p_in / prices.input[ci] if prices.input[ci] > 0 else 1.0)
            cached = inp * cs
            c = rpm / MTOK * ((inp - cached) * p_in + (cached * p_c if cached > 0 else 0.0) + outp * p_out)
            bd = 0.0 if np.isnan(prices.batch_discount[ci]) else prices.batch_discount[ci]
            c = c * (1 - bs * bd)
            c = c * (1 - prices.discount[ci])
            if inp + outp > prices.context_window[ci]:
                c = np.nan
            out[ci, pi] = c
    return out
