"""``tco breakeven FILE``: the break-even ranges of an estimate, in words or JSON."""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING

from ..errors import TcoError
from ..plan.estimate import estimate
from ..plan.locate import locate
from .estimate import why_no_cost
from .format import money

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..schema.scenario import Scenario


def breakeven_report(scenario: Scenario, catalog: Catalog, *, as_of: date | None = None,
                     currency: str | None = None, fmt: str = "table") -> str:
    """`tco breakeven FILE`."""
    est = estimate(scenario, catalog, as_of=as_of, currency=currency)
    where = locate(scenario, ("candidates",))
    if not any(c.kind == "selfhost" for c in est.candidates):
        raise TcoError("no self-hosted candidate in the scenario", **where,
                       hint="add one: - selfhost: {model: llama-3.1-70b-instruct, precision: fp8, gpu: h100-sxm-80gb}")
    if not any(c.kind == "api" for c in est.candidates):
        raise TcoError("no API candidate in the scenario to compare with", **where,
                       hint="add an offer id such as openai/gpt-4o")
    for kind, words in (("selfhost", "self-hosted candidate"), ("api", "API candidate")):
        side = [c for c in est.candidates if c.kind == kind]
        if not any(math.isfinite(c.monthly_cost) for c in side):  # nothing to compare: say why, per candidate
            why = "; ".join(f"{c.label}: {why_no_cost(est.as_of, c.available_from, c.reason)}" for c in side)
            raise TcoError(f"no {words} can be priced on {est.as_of} ({why})", **where,
                           hint="choose an as_of date when they are on sale (--as-of), or see tco estimate's warnings")
    if fmt == "json":
        import json

        return json.dumps({"schema_version": 1, "scenario": est.scenario, "as_of": est.as_of,
                           "currency": est.currency, "breakeven": est.breakeven}, indent=2) + "\n"
    w = est.workload
    per_month = bool(est.breakeven) and est.breakeven[0].get("volume_unit") == "requests/month"
    unit = "requests/month" if per_month else "requests/day"
    current = w["requests_per_month"] if per_month else w["requests_per_day"]
    lines = [f"{est.scenario}: where self-hosting is cheaper (as of {est.as_of}, {w['input_tokens']:,.0f} in + "
             f"{w['output_tokens']:,.0f} out tokens/request, peak/average {w['peak_to_average']:g})",
             f"  current volume: {current:,.0f} {unit}" if current else "", ""]
    for b in est.breakeven:
        now = "self-hosting cheaper" if b["cheaper_at_current_volume"] else "API cheaper"
        lines.append(f"  {b['selfhost']} vs {b['api']}: {b['note']}")
        lines.append(f"      API {money(b['api_cost_per_request'] * 1000, est.currency)} per 1,000 requests; "
                     f"at the current volume: {now}")
        if len(b["ranges"]) > 1 or b["ranges_total"] > len(b["ranges"]):
            for f, t in b["volume_ranges"]:
                lines.append(f"      {f:>15,.0f} " + (f"to {t:,.0f} {unit}" if t is not None else f"{unit} or more"))
            if b["ranges_total"] > len(b["ranges"]):
                lines.append(f"      ({b['ranges_total'] - len(b['ranges'])} more ranges not listed; -f json)")
    if not est.breakeven:
        lines.append("  no pair to compare: no self-hosted candidate and API candidate both have a cost")
    return "\n".join(lines) + "\n"

