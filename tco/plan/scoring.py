"""The quality half of compiling a scenario: the profile's weights (a built-in profile or the
scenario's own), the scenario's own scores checked against the catalog, the normalized score
matrix with where each score came from, and the imputed cells (quality.impute)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.quality import normalize
from ..errors import TcoError, did_you_mean
from .locate import locate, relocate

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..schema.scenario import Scenario
    from .compile import Resolved


def score_doubts(scenario: Scenario, catalog: Catalog) -> list[str]:
    """A score of the scenario's own that looks like a fraction written for a percentage: 0.887 on a
    0-100 benchmark whose catalog scores are all above 5 (it is taken as written, and ranks low)."""
    out = []
    for model_id, row in scenario.quality.scores.items():
        for b, v in row.items():
            if not 0 < v <= 1:  # the catalog's scores are read only for a value that could be a fraction
                continue
            lo, hi = _scale(catalog, scenario, b)
            known = [s.value for (m, bb), lst in catalog.scores.items() if bb == b for s in lst[:1]] if hi >= 100 else []
            if known and min(known) > 5:
                out.append(f"quality.scores: {model_id} {b} {v:g} is taken as {v:g} of {lo:g}-{hi:g} (the catalog's "
                           f"lowest {b} is {min(known):g}): if it is a fraction, write {v * 100:g}")
    return out


def profile_weights(scenario: Scenario, catalog: Catalog, extra_models: set[str] = frozenset()  # type: ignore[assignment]
             ) -> tuple[list[str], np.ndarray, str]:
    q = scenario.quality
    custom = q.benchmarks
    for b in custom:
        if b in catalog.benchmarks:
            raise TcoError(f"benchmark {b!r} already exists in the catalog",
                           **locate(scenario, ("quality", "benchmarks", b), key=True), hint="pick another id")
    if isinstance(q.profile, str):
        try:
            weights = catalog.profile(q.profile).weights
        except TcoError as e:
            raise relocate(e, scenario, ("quality", "profile")) from None
        name = q.profile
    else:
        weights = q.profile
        name = "custom"
        for b in weights:
            if b not in catalog.benchmarks and b not in custom:
                raise TcoError(f"unknown benchmark {b!r}", **locate(scenario, ("quality", "profile", b), key=True),
                               hint=did_you_mean(b, list(catalog.benchmarks) + list(custom))
                               or "see `tco catalog list --kind benchmark`")
    for model_id, row in q.scores.items():
        if model_id not in catalog.models and model_id not in extra_models:
            raise TcoError(f"unknown model {model_id!r}", **locate(scenario, ("quality", "scores", model_id), key=True),
                           hint=did_you_mean(model_id, catalog.models) or "see `tco catalog list --kind model`")
        for b, v in row.items():
            if b not in catalog.benchmarks and b not in custom:
                raise TcoError(f"unknown benchmark {b!r}",
                               **locate(scenario, ("quality", "scores", model_id, b), key=True),
                               hint=did_you_mean(b, list(catalog.benchmarks) + list(custom))
                               or "declare your own under quality.benchmarks")
            lo, hi = _scale(catalog, scenario, b)
            if not lo <= v <= hi:
                raise TcoError(f"score {v} outside the benchmark's scale {lo:g}-{hi:g}",
                               **locate(scenario, ("quality", "scores", model_id, b)))
    ids = list(weights)
    return ids, np.array([weights[b] for b in ids], dtype=np.float64), name


def _scale(catalog: Catalog, scenario: Scenario, bench: str) -> tuple[float, float]:
    if bench in scenario.quality.benchmarks:
        cb = scenario.quality.benchmarks[bench]
        return cb.scale_min, cb.scale_max
    b = catalog.benchmarks[bench]
    return b.scale_min, b.scale_max


def impute_cells(scenario: Scenario, catalog: Catalog, resolved: list[Resolved], bench_ids: list[str],
            norm: np.ndarray, detail: list[list[dict[str, Any] | None]]) -> tuple[np.ndarray, np.ndarray]:
    """Fill missing profile cells from the low-rank model (in place); return the mask and
    half-widths. Scenario benchmarks and models the catalog has too few scores for stay missing."""
    from .quality import imputation  # loaded only when a scenario asks for imputation

    imputed = np.zeros(norm.shape, dtype=bool)
    half = np.zeros(norm.shape)
    for ci, r in enumerate(resolved):
        model = catalog.models.get(r.model)
        if model is None:
            continue
        imp = imputation(catalog, model.variant)
        why_not: dict[str, list[str]] = {}
        for bi, b in enumerate(bench_ids):
            if not np.isnan(norm[ci, bi]) or b not in catalog.benchmarks:
                continue
            got = imp.predict(r.model, b)
            if got is None:
                why_not.setdefault(imp.why_not(r.model, b) or "the low-rank model gives no finite value", []).append(b)
                continue
            value, width = got
            bench = catalog.benchmarks[b]
            span = bench.scale_max - bench.scale_min
            norm[ci, bi] = value
            imputed[ci, bi] = True
            half[ci, bi] = width
            lo, hi = max(value - width, 0.0), min(value + width, 100.0)
            detail[ci][bi] = {
                "benchmark": b, "score": round(bench.scale_min + value / 100 * span, 2), "imputed": True,
                "interval": [round(bench.scale_min + lo / 100 * span, 2), round(bench.scale_min + hi / 100 * span, 2)],
                "source": (f"imputed from {len(imp.matrix.models)} {imp.matrix.variant} models x "
                           f"{len(imp.matrix.benchmarks)} benchmarks (low-rank model; interval: leave-one-out "
                           f"{imp.calibration.level:.0%}, see tco catalog impute-check)"),
                "setting": None, "alternatives": [],
            }
        for why, benches in why_not.items():  # said, not silent: the quality stays partial or unranked
            r.warnings.append(f"not imputed: {', '.join(benches)} ({why})")
    return imputed, half


def score_matrix(scenario: Scenario, catalog: Catalog, resolved: list[Resolved],
                  bench_ids: list[str]) -> tuple[np.ndarray, list[list[dict[str, Any] | None]]]:
    C, B = len(resolved), len(bench_ids)
    raw = np.full((C, B), np.nan)
    detail: list[list[dict[str, Any] | None]] = [[None] * B for _ in range(C)]
    user = scenario.quality.scores
    for ci, r in enumerate(resolved):
        for bi, b in enumerate(bench_ids):
            if b in user.get(r.model, {}):
                raw[ci, bi] = user[r.model][b]
                detail[ci][bi] = {"benchmark": b, "score": raw[ci, bi], "source": "scenario quality.scores",
                                  "setting": None, "alternatives": []}
                continue
            found = catalog.scores.get((r.model, b))
            if not found:
                continue
            best = found[0]
            raw[ci, bi] = best.value
            s = best.setting
            detail[ci][bi] = {
                "benchmark": b, "score": best.value, "source": best.source,
                "setting": {"shots": s.shots, "cot": s.cot, "note": s.note},
                "alternatives": [{"score": a.value, "source": a.source} for a in found[1:]],
            }
    for ci, r in enumerate(resolved):
        if r.model and all(d is None for d in detail[ci]):
            r.scored_modes = [k for k in catalog.other_modes(r.model)
                              if any(catalog.scores.get((k, b)) for b in bench_ids)]
    lo = np.array([_scale(catalog, scenario, b)[0] for b in bench_ids], dtype=np.float64)
    hi = np.array([_scale(catalog, scenario, b)[1] for b in bench_ids], dtype=np.float64)
    return normalize(raw, lo, hi), detail
