"""``tco diff OLD NEW``: what a change to a scenario does to the answer.

Either side is a scenario file (estimated now, with the same catalog) or a saved JSON
estimate (``tco estimate -f json``). Per candidate present on both sides: monthly cost,
cost per quality point and rank before and after, the change in money and in percent;
candidates added and removed; and the inputs that changed (validated values, so ``10k``
and ``10000`` are no change).

Currencies: two scenarios in different currencies are compared in the old one's (the new
scenario is estimated again in it, at its own as-of date's rate, and the result says so);
two saved estimates in different currencies are refused, since converting them would mix
exchange-rate moves into price moves.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.money import round_half_up
from ..errors import TcoError

if TYPE_CHECKING:
    from ..catalog import Catalog


@dataclass
class Side:
    path: str
    kind: str
    """'scenario' or 'estimate' (a saved JSON estimate)."""
    result: dict[str, Any]
    """The estimate as its JSON dict."""
    inputs: dict[str, Any]
    """Flattened inputs: ``workload.requests_per_day`` -> value."""
    derived: dict[str, Any] = field(default_factory=dict)
    """What the result records of each candidate's inputs (its price and source, a self-hosted
    deployment and its cost basis): compared when a side is a saved estimate, which keeps no
    scenario to compare."""


@dataclass
class Diff:
    old: Side
    new: Side
    currency: str
    rows: list[dict[str, Any]]
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    inputs: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    gate: dict[str, Any] | None = None
    """With ``--fail-above``: ``{fail_above, failed, reasons}``, the verdict the exit code gives."""

    def rises_above(self, pct: float) -> list[dict[str, Any]]:
        """Candidates on both sides whose monthly cost rose by more than ``pct`` percent."""
        return [r for r in self.rows if r["change_pct"] is not None and r["change_pct"] > pct]

    def lost_cost(self) -> list[dict[str, Any]]:
        """Candidates on both sides with a monthly cost before and none after (retired, price unknown):
        no percentage, but no gate should pass them."""
        return [r for r in self.rows if r["monthly_cost"][0] is not None and r["monthly_cost"][1] is None]

    def to_dict(self) -> dict[str, Any]:
        rows = [{**r, "change_pct": None, "from_zero": True} if r["change_pct"] == math.inf else r for r in self.rows]
        return {"schema_version": 1, "old": self.old.path, "new": self.new.path, "currency": self.currency,
                "candidates": rows, "added": self.added, "removed": self.removed, "inputs": self.inputs,
                "notes": self.notes, **({"gate": self.gate} if self.gate is not None else {})}


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(value, (list, tuple)) and value and all(isinstance(v, dict) for v in value):
        for i, v in enumerate(value):
            _flatten(v, f"{prefix}[{i}]", out)
    else:
        out[prefix] = list(value) if isinstance(value, tuple) else value


def _candidate_key(c: Any) -> str:
    """A candidate as the file names it: the offer id, or the self-hosted deployment's name."""
    if isinstance(c, str):
        return c
    if isinstance(c, dict):
        if "selfhost" in c:
            return str(c["selfhost"].get("name") or c["selfhost"].get("model"))
        return str(c.get("offer"))
    return str(c)


def _scenario_inputs(scenario: Any) -> dict[str, Any]:
    data = scenario.model_dump(mode="json", exclude_none=True)
    data.pop("candidates", None)
    data.pop("ranges", None)
    out: dict[str, Any] = {}
    _flatten(data, "", out)
    ranges = getattr(scenario, "ranges", None) or {}
    if ranges:  # a range written in place of a number: its ends (the number itself is its central value)
        from .uncertainty import describe_range

        for path, r in ranges.items():
            out[f"range {path}"] = describe_range(r)
    for c in scenario.candidates:
        if isinstance(c, str):
            out[f"candidates[{c}]"] = "included"
            continue
        dump = c.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        key = _candidate_key(dump)
        out[f"candidates[{key}]"] = "included"  # an id written alone or with settings: the same candidate
        flat: dict[str, Any] = {}
        _flatten(dump, "", flat)
        for k, v in flat.items():
            if k not in ("offer", "selfhost.name"):
                out[f"candidates[{key}].{k}"] = v
    return out


def _estimate_inputs(d: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in ("as_of", "currency"):
        out[k] = d.get(k)
    _flatten({"workload": d.get("workload") or {}, "quality": d.get("quality_profile") or {}}, "", out)
    for cur, f in (d.get("fx") or {}).items():
        out[f"fx.{cur}"] = f.get("per_usd")
    for c in d.get("candidates") or []:
        out[f"candidates[{c.get('id')}]"] = "included"
    return out


def _result_inputs(d: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    u, h = d.get("uncertainty") or {}, d.get("horizon") or {}
    if u:
        out["samples"] = u.get("samples")
        out["seed"] = u.get("seed")
        for path, text in (u.get("ranges") or {}).items():
            out[f"range drawn {(u.get('labels') or {}).get(path, path)}"] = text
    if h:
        out["horizon_months"] = h.get("months")
    for c in d.get("candidates") or []:
        key = f"candidates[{c.get('id')}]"
        p, sh = c.get("price"), c.get("selfhost")
        if p:
            unit = "per 1K" if p.get("unit") == "per_1k_tokens" else "per 1M"
            out[f"{key}.price"] = (f"{p.get('input')} / {p.get('output')} {p.get('currency')} {unit} tokens from "
                                   f"{p.get('effective_from')}" + (f", {p['discount']:.0%} off" if p.get("discount")
                                                                   else ""))
        if sh:
            out[f"{key}.deployment"] = (f"{sh.get('total_gpus')}x {sh.get('gpu')} ({sh.get('gpus_per_node')} per node), "
                                        f"{sh.get('precision')}, {sh.get('engine')}")
            out[f"{key}.cost basis"] = sh.get("price_source")
    return out


def _read_estimate(path: str) -> dict[str, Any]:
    from .. import yamlio

    text = yamlio.read_text(path)
    try:
        d = json.loads(text)
    except json.JSONDecodeError as e:
        raise TcoError(f"not valid JSON: {e.msg}", file=path, line=e.lineno, col=e.colno,
                       hint="a saved estimate is the output of tco estimate -f json") from None
    if not isinstance(d, dict) or "candidates" not in d or "schema_version" not in d:
        raise TcoError("not a saved tco estimate (no schema_version and candidates)", file=path,
                       hint="save one with tco estimate FILE -f json -o FILE.json, or give the scenario file")
    if d["schema_version"] != 1:
        raise TcoError(f"a saved estimate of schema version {d['schema_version']} (this tco reads version 1)",
                       file=path, field="schema_version", hint="estimate the scenario again with this tco")
    _check_estimate(d, path)
    return d


_NUMBERS = ("monthly_cost", "cost_per_quality_point", "cost_per_mtok", "quality", "quality_coverage")


def _check_estimate(d: dict[str, Any], path: str) -> None:
    """The fields a diff reads, checked as ``tco estimate -f json`` writes them: a file edited by
    hand or cut short gets a located one-line error, not an internal error or a wrong verdict."""
    hint = "a saved estimate is the output of tco estimate -f json, unedited"

    def bad(field: str, what: str, got: Any) -> TcoError:
        return TcoError(f"{what} (got {json.dumps(got)[:60]})", file=path, field=field, hint=hint)

    if not isinstance(d.get("currency"), str):
        raise bad("currency", "must be a currency code", d.get("currency"))
    cands = d["candidates"]
    if not isinstance(cands, list):
        raise bad("candidates", "must be a list of candidates", cands)
    seen: set[str] = set()
    for i, c in enumerate(cands):
        if not isinstance(c, dict):
            raise bad(f"candidates.{i}", "must be a mapping of a candidate's results", c)
        if not isinstance(c.get("id"), str) or not c["id"]:
            raise bad(f"candidates.{i}.id", "must be the candidate's id", c.get("id"))
        if c["id"] in seen:
            raise bad(f"candidates.{i}.id", "appears twice", c["id"])
        seen.add(c["id"])
        for k in _NUMBERS:
            v = c.get(k)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v)):
                raise bad(f"candidates.{i}.{k}", "must be a number or null", v)
        if c.get("monthly_cost") is not None and c["monthly_cost"] < 0:
            raise bad(f"candidates.{i}.monthly_cost", "must be zero or more", c["monthly_cost"])
        rank = c.get("rank")
        if rank is not None and (isinstance(rank, bool) or not isinstance(rank, int) or rank < 1):
            raise bad(f"candidates.{i}.rank", "must be a whole number from 1, or null", rank)


def is_estimate_file(path: str) -> bool:
    if path.lower().endswith(".json"):
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(64).lstrip().startswith(b"{")
    except OSError:
        return False


def load_side(path: str, catalog: Catalog, *, as_of: date | None = None, currency: str | None = None) -> Side:
    if is_estimate_file(path):
        d = _read_estimate(path)
        if currency and d.get("currency") != currency:
            raise TcoError(f"a saved estimate in {d.get('currency')} cannot be shown in {currency}", file=path,
                           field="--currency", hint="diff the scenario files instead, which are estimated again")
        if as_of and d.get("as_of") != as_of.isoformat():
            raise TcoError(f"a saved estimate as of {d.get('as_of')} cannot be shown as of {as_of}", file=path,
                           field="--as-of", hint="diff the scenario files instead, which are estimated again")
        return Side(path, "estimate", d, _estimate_inputs(d), _result_inputs(d))
    from .estimate import estimate
    from .scenario import load_scenario

    scenario = load_scenario(path, catalog)
    est = estimate(scenario, catalog, as_of=as_of, currency=currency)
    d = est.to_dict()
    return Side(path, "scenario", d, _scenario_inputs(scenario), _result_inputs(d))


def _num(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and not math.isfinite(v)) else float(v)


def compare(old: Side, new: Side) -> Diff:
    o = {c["id"]: c for c in old.result["candidates"]}
    n = {c["id"]: c for c in new.result["candidates"]}
    rows = []
    for cid in [c for c in o if c in n]:
        a, b = o[cid], n[cid]
        ma, mb = _num(a.get("monthly_cost")), _num(b.get("monthly_cost"))
        change = round_half_up(mb - ma, 2) if ma is not None and mb is not None else None
        pct = (None if change is None else 0.0 if change == 0 else math.inf if ma == 0
               else round(100.0 * (mb - ma) / ma, 4))
        qa, qb = _num(a.get("cost_per_quality_point")), _num(b.get("cost_per_quality_point"))
        row = {"id": cid, "label": b.get("label") or cid, "monthly_cost": [ma, mb], "change": change,
               "change_pct": pct, "cost_per_quality_point": [qa, qb],
               "cost_per_quality_point_change": round(qb - qa, 4) if qa is not None and qb is not None else None,
               "rank": [a.get("rank"), b.get("rank")], "reason": [a.get("reason"), b.get("reason")]}
        ua, ub = ((x.get("uncertainty") or {}).get("monthly_cost") for x in (a, b))
        if ua and ub:  # both sides sampled: the spread, which can move while the central value does not
            row["monthly_cost_p10_p90"] = [[ua.get("p10"), ua.get("p90")], [ub.get("p10"), ub.get("p90")]]
        rows.append(row)
    rows.sort(key=lambda r: (r["change_pct"] is None, -(r["change_pct"] or 0.0)))
    keep = ("id", "label", "monthly_cost", "cost_per_quality_point", "rank", "reason")
    added = [{k: c.get(k) for k in keep} for cid, c in n.items() if cid not in o]
    removed = [{k: c.get(k) for k in keep} for cid, c in o.items() if cid not in n]
    inputs = []
    both = (old.inputs, new.inputs)
    if "estimate" in (old.kind, new.kind):  # two scenarios say it in their own keys already
        # a saved estimate keeps only what its JSON records: a scenario beside it is read the same
        # way (its own keys would differ in form, not in value: weights vs profile, defaults)
        both = ({**_estimate_inputs(old.result), **old.derived}, {**_estimate_inputs(new.result), **new.derived})
    for key in sorted(set(both[0]) | set(both[1])):
        va, vb = both[0].get(key), both[1].get(key)
        if va != vb:
            inputs.append({"input": key, "old": va, "new": vb})
    return Diff(old, new, new.result["currency"], rows, added, removed, inputs)


def diff_files(old_path: str, new_path: str, catalog: Catalog, *, as_of: date | None = None,
               currency: str | None = None) -> Diff:
    """Compare two scenario files or saved estimates (any mix)."""
    for p in (old_path, new_path):
        if not Path(p).exists():
            raise TcoError("file not found", file=p, hint="give two scenario files or two saved JSON estimates")
    old = load_side(old_path, catalog, as_of=as_of, currency=currency)
    new = load_side(new_path, catalog, as_of=as_of, currency=currency)
    notes = []
    oc, nc = old.result["currency"], new.result["currency"]
    if oc != nc:
        if new.kind == "scenario":
            new = load_side(new_path, catalog, as_of=as_of, currency=oc)
            notes.append(f"{new_path} is in {nc}; compared in {oc}, {old_path}'s currency (estimated again at "
                         f"{new.result['as_of']}'s exchange rate)")
        elif old.kind == "scenario":
            old = load_side(old_path, catalog, as_of=as_of, currency=nc)
            notes.append(f"{old_path} is in {oc}; compared in {nc}, {new_path}'s currency (estimated again at "
                         f"{old.result['as_of']}'s exchange rate)")
        else:
            raise TcoError(f"the saved estimates are in different currencies ({oc} and {nc}): refused, since "
                           "converting them would mix exchange-rate moves into price moves", file=new_path,
                           field="currency", hint="diff the scenario files, or save both with the same --currency")
    d = compare(old, new)
    d.notes = notes
    return d
