"""Ranges: an uncertain input written in place of a number.

``requests_per_day: {low: 20000, likely: 50000, high: 200000}`` is triangular (low and
high the extremes, likely the mode); ``{low: 20000, high: 200000, dist: lognormal}`` is
lognormal with low and high as the 10th and 90th percentiles. A plain estimate uses the
range's central value (likely; else the median); ``--samples N`` draws from it.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import Field, create_model, model_validator

from .base import Strict, number

Distribution = Literal["triangular", "lognormal"]


class _RangeBase(Strict):
    dist: Distribution = "triangular"
    """triangular: low and high are the extremes, likely the mode; lognormal: low and high
    are the 10th and 90th percentiles (likely, if given, is ignored for the draw)."""

    @model_validator(mode="after")
    def _ordered(self) -> Any:
        low, likely, high = self.low, self.likely, self.high  # type: ignore[attr-defined]
        if not low < high:
            raise ValueError(f"low ({low:g}) must be less than high ({high:g})")
        if likely is not None and not low <= likely <= high:
            raise ValueError(f"likely ({likely:g}) must lie between low ({low:g}) and high ({high:g})")
        if self.dist == "lognormal" and low <= 0:
            raise ValueError("a lognormal range needs a positive low (it is a 10th percentile of a positive quantity)")
        return self

    @property
    def central(self) -> float:
        """The value a plain (single-number) estimate uses."""
        likely = self.likely  # type: ignore[attr-defined]
        if likely is not None:
            return float(likely)
        if self.dist == "lognormal":
            return math.sqrt(self.low * self.high)  # type: ignore[attr-defined]
        return (self.low + self.high) / 2.0  # type: ignore[attr-defined]

    @property
    def mean(self) -> float:
        """The range's mean: (low + likely + high) / 3 for a triangle; for a lognormal with low and
        high its P10 and P90, exp(mu + sigma^2 / 2) with sigma = ln(high / low) / (2 x 1.2816)."""
        low, high = float(self.low), float(self.high)  # type: ignore[attr-defined]
        if self.dist == "lognormal":
            from ..engine.sampling import Z90

            sigma = math.log(high / low) / (2 * Z90)
            return math.sqrt(low * high) * math.exp(sigma * sigma / 2)
        likely = self.likely  # type: ignore[attr-defined]
        return (low + (float(likely) if likely is not None else (low + high) / 2) + high) / 3


_CLASSES: dict[str, type] = {}


def range_of(name: str, *, gt: float | None = None, ge: float | None = None, le: float | None = None,
             share: bool = False) -> type:
    """A range model whose low/likely/high obey the number's own bounds (one class per kind)."""
    if name not in _CLASSES:
        value = number(gt=gt, ge=ge, le=le, share=share)
        _CLASSES[name] = create_model(  # type: ignore[call-overload]
            name, __base__=_RangeBase, __doc__=f"A range of {name.removesuffix('Range').lower()} values.",
            low=(value, Field(description="low end (extreme for triangular, 10th percentile for lognormal)")),
            likely=(value | None, Field(default=None, description="most likely value (triangular mode)")),
            high=(value, Field(description="high end (extreme for triangular, 90th percentile for lognormal)")),
        )
    return _CLASSES[name]


def number_or_range(name: str, *, gt: float | None = None, ge: float | None = None, le: float | None = None,
                    share: bool = False) -> Any:
    """A field that takes a number (as :func:`~tco.schema.base.number`) or a range of them."""
    return number(gt=gt, ge=ge, le=le, share=share) | range_of(name, gt=gt, ge=ge, le=le, share=share)


def is_range(value: Any) -> bool:
    return isinstance(value, _RangeBase)


def central(value: Any) -> Any:
    """A number as it is; a range as its central value."""
    return value.central if isinstance(value, _RangeBase) else value
