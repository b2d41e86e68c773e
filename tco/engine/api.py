"""API (pay-per-token) cost over candidates x workload points.

Prices are per 1M tokens, already converted to the report currency; unknown prices are
NaN, so an unknown price yields a NaN cost (reported as unknown), never a silent 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MTOK = 1_000_000.0


@dataclass(frozen=True)
class ApiPrices:
    """Compiled price arrays, shape (C,) each, per 1M tokens in the report currency."""

    input: np.ndarray
    output: np.ndarray
    cached_input: np.ndarray
    """NaN where the vendor has no cached price: cached tokens are billed as input."""
    tier_threshold: np.ndarray
    """Prompt length above which the whole request is billed at the tier prices; inf = no tier."""
    tier_input: np.ndarray
    tier_output: np.ndarray
    batch_discount: np.ndarray
    """Fraction off for batch requests; NaN where unknown (batch traffic then pays list price)."""
    discount: np.ndarray
    """Negotiated discount off list price, 0 for none."""
    context_window: np.ndarray
    """Maximum prompt + output tokens per request; inf where unknown. A longer request cannot be
    served: its cost is NaN (unknown), never a price."""

    @classmethod
    def from_columns(cls, **cols: object) -> ApiPrices:
        return cls(**{k: np.asarray(v, dtype=np.float64) for k, v in cols.items()})  # type: ignore[arg-type]


@dataclass(frozen=True)
class ApiCost:
    """Monthly cost split, shape (C, P) each."""

    input: np.ndarray
    cached_input: np.ndarray
    output: np.ndarray
    batch_savings: np.ndarray
    discount_savings: np.ndarray
    total: np.ndarray
    long_context: np.ndarray
    """True where the request shape falls in a long-context tier."""


def api_cost(
    prices: ApiPrices,
    requests_per_month: np.ndarray,
    input_tokens: np.ndarray,
    output_tokens: np.ndarray,
    cached_share: np.ndarray | float = 0.0,
    batch_share: np.ndarray | float = 0.0,
) -> ApiCost:
    """Monthly cost of every candidate at every workload point.

    Workload arguments broadcast to shape (P,). Cost = requests x (uncached input x p_in +
    cached input x p_cached + output x p_out) / 1M, then batch and negotiated discounts;
    NaN where a request does not fit the offer's context window.
    """
    rpm = np.asarray(requests_per_month, dtype=np.float64)[None, :]
    inp = np.asarray(input_tokens, dtype=np.float64)[None, :]
    out = np.asarray(output_tokens, dtype=np.float64)[None, :]
    cshare = np.asarray(cached_share, dtype=np.float64)
    bshare = np.asarray(batch_share, dtype=np.float64)
    cshare = cshare[None, :] if cshare.ndim else cshare
    bshare = bshare[None, :] if bshare.ndim else bshare

    thr = prices.tier_threshold[:, None]
    long = inp > thr
    p_in = np.where(long, prices.tier_input[:, None], prices.input[:, None])
    p_out = np.where(long, prices.tier_output[:, None], prices.output[:, None])
    p_cached = np.where(np.isnan(prices.cached_input)[:, None], p_in, prices.cached_input[:, None])

    scale = rpm / MTOK
    cached_tok = inp * cshare
    c_in = scale * (inp - cached_tok) * p_in
    # no cached tokens -> no cached cost, even if the cached price is unknown
    c_cached = np.where(cached_tok > 0, scale * cached_tok * p_cached, 0.0)
    c_out = scale * out * p_out
    gross = c_in + c_cached + c_out
    bdisc = np.nan_to_num(prices.batch_discount, nan=0.0)[:, None]
    batch_savings = gross * bshare * bdisc
    after_batch = gross - batch_savings
    discount_savings = after_batch * prices.discount[:, None]
    total = after_batch - discount_savings
    too_long = (inp + out) > prices.context_window[:, None]
    if too_long.any():
        c_in, c_cached, c_out, batch_savings, discount_savings, total = (
            np.where(too_long, np.nan, a) for a in (c_in, c_cached, c_out, batch_savings, discount_savings, total))
    return ApiCost(c_in, c_cached, c_out, batch_savings, discount_savings, total,
                   np.broadcast_to(long, total.shape))


def api_cost_loop(prices: ApiPrices, requests_per_month, input_tokens, output_tokens,
                  cached_share=0.0, batch_share=0.0) -> np.ndarray:
    """The same total as :func:`api_cost`, one point at a time in plain Python (benchmark baseline)."""
    C = len(prices.input)
    P = len(requests_per_month)
    out = [[0.0] * P for _ in range(C)]
    for c in range(C):
        for p in range(P):
            inp = float(input_tokens[p])
            long = inp > prices.tier_threshold[c]
            p_in = float(prices.tier_input[c] if long else prices.input[c])
            p_out = float(prices.tier_output[c] if long else prices.output[c])
            p_c = float(prices.cached_input[c])
            if p_c != p_c:
                p_c = p_in
            cs = float(cached_share[p]) if np.ndim(cached_share) else float(cached_share)
            bs = float(batch_share[p]) if np.ndim(batch_share) else float(batch_share)
            cached = inp * cs
            gross = float(requests_per_month[p]) / MTOK * (
                (inp - cached) * p_in + (cached * p_c if cached > 0 else 0.0) + float(output_tokens[p]) * p_out)
            bd = float(prices.batch_discount[c])
            bd = 0.0 if bd != bd else bd
            total = gross * (1 - bs * bd) * (1 - float(prices.discount[c]))
            if inp + float(output_tokens[p]) > float(prices.context_window[c]):
                total = float("nan")
            out[c][p] = total
    return np.array(out)
