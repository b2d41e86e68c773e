"""Quality in plain view: which models have which benchmarks (``tco catalog coverage``) and
how far imputation can be trusted (``tco catalog impute-check``)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from ..catalog import Catalog
from ..errors import NotAvailable, TcoError
from .text import fit_table

MEASURED, IMPUTED, MISSING = "●", "~", "·"


def offer_models(cat: Catalog, as_of: date | None) -> dict[str, list[str]]:
    """Model id -> offers serving it on ``as_of`` (every offer when None)."""
    out: dict[str, list[str]] = {}
    for oid, offer in sorted(cat.offers.items()):
        if as_of is not None:
            try:
                point = cat.price_at(oid, as_of)
            except NotAvailable:
                continue
            model = point.model or offer.model
        else:
            model = offer.model
        out.setdefault(model, []).append(oid)
    return out


def coverage_data(cat: Catalog, profile: str, as_of: date | None, impute: bool = True) -> dict[str, Any]:
    """The models x benchmarks matrix of a profile for the models behind the offers."""
    weights = cat.profile(profile).weights
    benches = list(weights)
    total = sum(weights.values())
    imputation = None
    rows = []
    for model, offers in offer_models(cat, as_of).items():
        cells: dict[str, Any] = {}
        measured = imputed = 0.0
        m = cat.models.get(model)
        for b in benches:
            found = cat.scores.get((model, b))
            if found:
                cells[b] = {"state": "measured", "score": found[0].value}
                measured += weights[b]
                continue
            got = None
            if impute and m is not None:
                from ..plan.quality import imputation as fit_for  # the fitted model, cached per catalog

                imputation = fit_for(cat, m.variant)
                got = imputation.predict(model, b)
            if got is not None:
                bench = cat.benchmarks[b]
                span = bench.scale_max - bench.scale_min
                cells[b] = {"state": "imputed", "score": round(bench.scale_min + got[0] / 100 * span, 2),
                            "half_width": round(got[1] / 100 * span, 2)}
                imputed += weights[b]
            else:
                cells[b] = {"state": "missing"}
        rows.append({"model": model, "offers": offers, "measured_share": measured / total,
                     "imputed_share": imputed / total, "cells": cells})
    rows.sort(key=lambda r: (-r["measured_share"], -r["imputed_share"], r["model"]))
    n = len(rows)
    return {
        "profile": profile, "weights": dict(weights), "as_of": as_of.isoformat() if as_of else None,
        "models": n, "offers": sum(len(r["offers"]) for r in rows),
        "offers_fully_measured": sum(len(r["offers"]) for r in rows if r["measured_share"] >= 1 - 1e-9),
        "offers_measured_at_least_half": sum(len(r["offers"]) for r in rows if r["measured_share"] >= 0.5 - 1e-9),
        "offers_ranked_with_imputation": sum(len(r["offers"]) for r in rows
                                             if r["measured_share"] + r["imputed_share"] >= 0.5 - 1e-9),
        "rows": rows,
    }


def render_coverage(cat: Catalog, profile: str, as_of: date | None, fmt: str = "table",
                    width: int | None = None, impute: bool = True) -> str:
    data = coverage_data(cat, profile, as_of, impute)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    benches = list(data["weights"])
    key = {b: f"b{i + 1}" for i, b in enumerate(benches)}
    lines = [f"Quality coverage of profile {profile!r}" + (f" for the offers of {data['as_of']}" if as_of else ""),
             f"  {MEASURED} measured  " + (f"{IMPUTED} imputed  " if impute else "") + f"{MISSING} missing; columns: "
             + ", ".join(f"{key[b]} {b} (x{data['weights'][b]:g})" for b in benches), ""]
    rows = [{"model": r["model"], **{key[b]: {"measured": MEASURED, "imputed": IMPUTED, "missing": MISSING}[
        r["cells"][b]["state"]] for b in benches}, "measured": f"{r['measured_share']:.0%}",
        "with imputed": f"{r['measured_share'] + r['imputed_share']:.0%}", "offers": str(len(r["offers"]))}
        for r in data["rows"]]
    cols = [("model", "model", "<"), *[(key[b], key[b], "<") for b in benches], ("measured", "measured", ">"),
            *([("with imputed", "+imputed", ">")] if impute else []), ("offers", "offers", ">")]
    table, _ = fit_table(rows, cols, width, steps=(("shrink", "model", 16),))
    lines += table
    rankable = (f", {data['offers_ranked_with_imputation']} rankable with --impute (min coverage 50%)" if impute
                else " (imputation not shown: --no-impute)")
    lines += ["", f"{data['models']} models behind {data['offers']} offers: {data['offers_fully_measured']} offers "
              f"fully measured, {data['offers_measured_at_least_half']} measured on half the weight or more"
              + rankable]
    return "\n".join(lines) + "\n"


def render_impute_check(data: dict[str, Any], fmt: str = "table", width: int | None = None) -> str:
    """The leave-one-out report of :func:`tco.plan.quality.impute_check`."""
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    lines = [f"Imputation checked by leave-one-out: every measured score hidden in turn, refitted "
             f"(rank {data['rank']}), predicted; intervals at the nominal {data['level']:.0%} level"]
    for variant, g in data["groups"].items():
        lines.append("")
        if not g["held_out"]:
            lines.append(f"{variant} models: {g['models']} models x {g['benchmarks']} benchmarks, "
                         f"{g['measured']} scores: too few to check")
            continue
        lines.append(f"{variant} models: {g['models']} models x {g['benchmarks']} benchmarks, {g['measured']} "
                     f"scores; {g['held_out']} held out: median absolute error {g['median_abs_error']:.1f} points, "
                     f"{g['inside']:.0%} inside their interval (target 75-85%)")
        rows = []
        for r in g["per_benchmark"]:
            if r["imputed"]:
                note = ""
                if not r["held_out"]:
                    note = "none held out: the interval is the group's, unchecked here"
                elif r["inside"] is not None and abs(r["inside"] - data["level"]) > 2 * (
                        data["level"] * (1 - data["level"]) / r["held_out"]) ** 0.5:
                    # beyond chance (two binomial standard errors of the share inside at this count)
                    note = ("intervals too narrow for this benchmark" if r["inside"] < data["level"]
                            else "intervals wider than needed for this benchmark")
                rows.append({"benchmark": r["benchmark"], "models": str(r["models"]), "held": str(r["held_out"]),
                             "median err": f"{r['median_abs_error']:.1f}" if r["median_abs_error"] is not None else "-",
                             "inside": f"{r['inside']:.0%}" if r["inside"] is not None else "-",
                             "± (80%)": f"{r['half_width']:.1f}", "note": note})
            else:
                rows.append({"benchmark": r["benchmark"], "models": str(r["models"]), "held": "-",
                             "median err": "-", "inside": "-", "± (80%)": "-", "note": "not imputed: " + r["why"]})
        cols = [("benchmark", "benchmark", "<"), ("models", "models", ">"), ("held", "held out", ">"),
                ("median err", "median |err|", ">"), ("inside", "inside", ">"), ("± (80%)", "± (80%)", ">"),
                ("note", "note", "<")]
        table, _ = fit_table(rows, cols, width, steps=(("shrink", "note", 20), ("shrink", "benchmark", 14)))
        lines += ["  " + x for x in table]
    lines += ["", "Errors and widths are on the 0-100 scale of each benchmark (scores normalized by its range)."]
    return "\n".join(lines) + "\n"


def check_profile(cat: Catalog, profile: str) -> None:
    if profile not in cat.profiles:
        cat.profile(profile)  # raises the lookup error with suggestions
        raise TcoError(f"unknown profile {profile!r}")
