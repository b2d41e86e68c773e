"""``tco catalog check``: the curated layer against the imported one, per overlapping offer and date.

For every offer both layers have (one id: the import continues the curated history) and every
date either layer starts a price on, the prices in force then are: ``agree`` (every figure both
sides know is the same; a figure one side does not record is listed, not a difference: unknown
is not 0), ``differ`` (both values and both sources), or known to one side only. A difference is
explained by a note in ``imported/<catalog>/check-notes.yaml`` (offer, date, why), printed next to
it. Offers that share an API name but not a price list (the CNY list of a vendor whose USD list
is imported) are listed apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..engine.api import tier_condition
from .imported import CATALOG
from .loader import Layer, _load_file, read_curated, read_imported

REL_TOL = 1e-9


@dataclass
class Field:
    """One figure of a price point, on both sides (None: not recorded there)."""

    name: str
    curated: Any
    imported: Any


@dataclass
class Row:
    """One offer on one date."""

    offer: str
    date: date
    verdict: str
    """agree, differ, curated only, imported only."""
    differ: list[Field] = field(default_factory=list)
    one_side: list[Field] = field(default_factory=list)
    """Figures only one side records (unknown on the other)."""
    curated_from: date | None = None
    imported_from: date | None = None
    curated_source: str | None = None
    imported_source: str | None = None
    note: str | None = None
    """The explanation from check-notes.yaml, for a difference."""


@dataclass
class Apart:
    """A curated offer and an imported one with the same API name but another price list."""

    curated: str
    imported: str
    why: str


@dataclass
class Check:
    rows: list[Row]
    apart: list[Apart]
    stale_notes: list[tuple[str, date]]
    """Notes that explain no difference any more."""

    def counts(self) -> dict[str, int]:
        out = {"agree": 0, "differ": 0, "explained": 0, "curated only": 0, "imported only": 0, "after retirement": 0}
        for r in self.rows:
            out[r.verdict] += 1
            if r.verdict == "differ" and r.note:
                out["explained"] += 1
        out["offers"] = len({r.offer for r in self.rows})
        out["apart"] = len(self.apart)
        return out

    @property
    def unexplained(self) -> list[Row]:
        return [r for r in self.rows if r.verdict == "differ" and not r.note]


def _in_force(offer: Any, day: date) -> Any:
    current = None
    for p in offer.prices:
        if p.effective_from <= day:
            current = p
    return current


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return abs(a - b) <= REL_TOL * max(abs(a), abs(b), 1e-300)
    return bool(a == b)


def figures(p: Any) -> dict[str, Any]:
    """A price point's figures per 1M tokens (in its currency), by name; None where not recorded."""
    mt = p.per_mtok
    out: dict[str, Any] = {"currency": p.currency, "input": mt(p.input), "output": mt(p.output),
                           "cached_input": mt(p.cached_input), "cache_write": mt(p.cache_write),
                           "batch_discount": p.batch_discount, "per_1k_requests": p.per_1k_requests}
    for t in p.tiers:  # named by condition: >32,000 (prompt), out >200 (output), or both
        cond = tier_condition(t.above_input_tokens, getattr(t, "above_output_tokens", 0))
        for k in ("input", "output", "cached_input", "cache_write"):
            out[f"tier {cond} {k}"] = mt(getattr(t, k))
    off = p.offpeak
    if off is not None:
        out.update({"offpeak input": mt(off.input), "offpeak output": mt(off.output),
                    "offpeak cached_input": mt(off.cached_input),
                    "offpeak windows": ", ".join(sorted(f"{a}-{b}" for a, b in off.windows())),  # order-free
                    **({"offpeak weekends": True} if off.weekends else {})})
    return out


def compare(cp: Any, ip: Any) -> tuple[list[Field], list[Field]]:
    """(figures that differ, figures one side only records) of two price points."""
    a, b = figures(cp), figures(ip)
    differ, one = [], []
    for name in dict.fromkeys([*a, *b]):
        x, y = a.get(name), b.get(name)
        if x is None and y is None:
            continue
        if x is None or y is None:
            one.append(Field(name, x, y))
        elif not _same(x, y):
            differ.append(Field(name, x, y))
    return differ, one


def read_notes(root: Path) -> dict[tuple[str, date], str]:
    from ..schema.imported import CheckNotesFile

    path = root / "imported" / CATALOG / "check-notes.yaml"
    if not path.is_file():
        return {}
    notes = _load_file(path, CheckNotesFile, root)[0]
    return {(n.offer, n.date): n.why for n in notes.notes}


def compare_layers(curated: Layer, imported: Layer, notes: dict[tuple[str, date], str]) -> Check:
    rows: list[Row] = []
    for oid in sorted(set(curated.offers) & set(imported.offers)):
        c, i = curated.offers[oid], imported.offers[oid]
        for day in sorted({p.effective_from for p in (*c.prices, *i.prices)}):
            cp, ip = _in_force(c, day), _in_force(i, day)
            row = Row(oid, day, "", curated_from=cp.effective_from if cp else None,
                      imported_from=ip.effective_from if ip else None,
                      curated_source=cp.provenance.source if cp else None,
                      imported_source=ip.provenance.source if ip else None)
            if cp is None or ip is None:
                row.verdict = "curated only" if ip is None else "imported only"
            elif c.retired is not None and day >= c.retired:  # the import still lists a shut-down model
                row.verdict = "after retirement"
                row.note = f"retired {c.retired}: the import's price is not continued"
            else:
                row.differ, row.one_side = compare(cp, ip)
                row.verdict = "differ" if row.differ else "agree"
                if row.differ:
                    row.note = notes.get((oid, day))
            rows.append(row)
    apart = []
    for iid, o in sorted(imported.offers.items()):
        if iid in curated.offers or o.imported_from is None:
            continue
        for cid, c in curated.offers.items():
            if (curated.offer_provider[cid] == imported.offer_provider[iid] and o.api_name
                    and o.api_name.lower() in {n.lower() for n in (c.api_name, *c.aliases) if n}
                    and c.prices[-1].currency != o.prices[-1].currency):
                apart.append(Apart(cid, iid, f"the same API name, priced in {c.prices[-1].currency} in the curated "
                                             f"offer and in {o.prices[-1].currency} in the imported one: two price "
                                             "lists, not compared"))
    explained = {(r.offer, r.date) for r in rows if r.verdict == "differ"}
    stale = sorted(k for k in notes if k not in explained)
    return Check(rows, apart, stale)


def check(root: Path) -> Check:
    """Compare the curated and the imported layers of the catalog at ``root``."""
    curated = read_curated(root)
    imported = read_imported(root, dict(curated.models))
    return compare_layers(curated, imported, read_notes(root))
