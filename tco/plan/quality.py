"""The catalog's models x benchmarks score matrix, and imputation of missing cells from it
(opt in: ``quality: {impute: true}``, ``--impute``).

Scores are normalized to 0-100 with each benchmark's scale. Base (pretrained) and
instruct/chat models are fitted separately: their scores never mix. The low-rank model
and its leave-one-out calibration are :mod:`tco.engine.impute`; the calibration (the slow
part: one refit per measured cell) is cached next to the catalog cache, keyed by the
catalog's fingerprint and this code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine import impute as im

if TYPE_CHECKING:
    from ..catalog import Catalog

MIN_ROW_SCORES = 3
"""A model needs this many measured (usable) benchmarks before any of its cells is imputed..."""
MIN_ROW_CATEGORIES = 2
"""... in at least this many categories (general, code, math, chinese, ...): three AlignBench
sub-scores say little about a model's MMLU."""


@dataclass
class ScoreMatrix:
    """Normalized scores of one variant group (models x benchmarks), NaN where missing."""

    variant: str
    """'instruct' (instruct and chat models) or 'base'."""
    models: list[str]
    benchmarks: list[str]
    values: np.ndarray

    def row(self, model: str) -> int | None:
        return self._rows().get(model)

    def col(self, bench: str) -> int | None:
        return self._cols().get(bench)

    def _rows(self) -> dict[str, int]:
        if not hasattr(self, "_r"):
            self._r = {m: i for i, m in enumerate(self.models)}
        return self._r

    def _cols(self) -> dict[str, int]:
        if not hasattr(self, "_c"):
            self._c = {b: i for i, b in enumerate(self.benchmarks)}
        return self._c


def group_of(variant: str) -> str:
    return "base" if variant == "base" else "instruct"


def score_matrix(catalog: Catalog, variant: str) -> ScoreMatrix:
    """The catalog's preferred score of every (model, benchmark) of one variant group."""
    group = group_of(variant)
    models = sorted({m for (m, _b) in catalog.scores if m in catalog.models
                     and group_of(catalog.models[m].variant) == group})
    benches = sorted({b for (m, b) in catalog.scores if m in models})
    values = np.full((len(models), len(benches)), np.nan)
    mi = {m: i for i, m in enumerate(models)}
    bi = {b: i for i, b in enumerate(benches)}
    for (m, b), lst in catalog.scores.items():
        if m in mi:
            bench = catalog.benchmarks[b]
            values[mi[m], bi[b]] = (lst[0].value - bench.scale_min) / (bench.scale_max - bench.scale_min) * 100.0
    return ScoreMatrix(group, models, benches, values)


@dataclass
class Imputation:
    """A fitted model of one variant group and its calibration."""

    matrix: ScoreMatrix
    fit: im.LowRankFit
    calibration: im.Calibration
    categories: list[str]
    """Category of each benchmark column."""

    def why_not(self, model: str, bench: str) -> str | None:
        """Why a cell is not imputed, in words for the user (benchmark with too few models, model with
        too few scores or categories, or not in the matrix); None where it can be."""
        r, c = self.matrix.row(model), self.matrix.col(bench)
        if c is None or not self.fit.usable[c]:
            return f"{bench} is scored by too few {self.matrix.variant} models"
        if r is None:
            return f"{model} has no measured score"
        have = ~np.isnan(self.matrix.values[r]) & self.fit.usable
        n = int(have.sum())
        if n < MIN_ROW_SCORES:
            return f"{model} has {n} measured score{'s' if n != 1 else ''} to impute from, {MIN_ROW_SCORES} are needed"
        cats = sorted({self.categories[i] for i in np.flatnonzero(have)})
        if len(cats) < MIN_ROW_CATEGORIES:
            return f"{model}'s measured scores are all {cats[0]}, {MIN_ROW_CATEGORIES} categories are needed"
        return None

    def predict(self, model: str, bench: str) -> tuple[float, float] | None:
        """(score 0-100, interval half-width) for a cell, or None where it is not imputed
        (:meth:`why_not` says why, or the low-rank model gives no finite value)."""
        if self.why_not(model, bench) is not None:
            return None
        r, c = self.matrix.row(model), self.matrix.col(bench)
        value = float(np.clip(self.fit.predict()[r, c], 0.0, 100.0))
        half = float(self.calibration.half_width[c])
        return (value, half) if np.isfinite(value) and np.isfinite(half) else None


def imputation(catalog: Catalog, variant: str = "instruct") -> Imputation:
    """The fitted model and calibration of a variant group (calibration cached on disk)."""
    memos = catalog.__dict__.setdefault("_imputations", {})  # one per loaded catalog object
    memo = memos.get(group_of(variant))
    if memo is not None:
        return memo
    from threadpoolctl import threadpool_limits

    matrix = score_matrix(catalog, variant)
    with threadpool_limits(limits=1, user_api="blas"):  # tiny matrices: BLAS threads only wait on each other
        fit = im.fit(matrix.values)
        calibration = _cached_calibration(catalog, matrix)
    out = Imputation(matrix, fit, calibration, [catalog.benchmarks[b].category for b in matrix.benchmarks])
    memos[group_of(variant)] = out
    return out


def _cached_calibration(catalog: Catalog, matrix: ScoreMatrix) -> im.Calibration:
    from ..catalog import CATALOG_CODE, PACKAGE_DIR, cache, code_fingerprint

    digest = cache.key(matrix.values.tobytes(), "|".join(matrix.models + ["#"] + matrix.benchmarks).encode(),
                       (code_fingerprint(PACKAGE_DIR, ("engine", *CATALOG_CODE)) or "").encode(),
                       f"{im.DEFAULT_RANK}|{im.DEFAULT_RIDGE}|{im.DEFAULT_MIN_MODELS}|{im.DEFAULT_LEVEL}".encode())
    path = cache.cache_dir() / f"impute-{matrix.variant}-{digest}.pickle" if cache.enabled() else None
    if path is not None:
        hit = cache.read(path)
        if isinstance(hit, im.Calibration):
            return hit
    import sys

    if sys.stderr.isatty():  # tens of seconds once per catalog: said rather than silent (not in pipes)
        print(f"tco: calibrating the imputed-score intervals on this catalog ({matrix.variant} models, leave-one-out "
              f"over {int((~np.isnan(matrix.values)).sum()):,} scores: half a minute, once, then cached)...",
              file=sys.stderr, flush=True)
    calibration = im.leave_one_out(matrix.values)
    if path is not None:
        cache.write(path, calibration)
    return calibration


def impute_check(catalog: Catalog) -> dict[str, Any]:
    """Leave-one-out over every measured cell: per benchmark the median absolute error and
    the share of held-out cells inside their interval; benchmarks not imputed, and why."""
    out: dict[str, Any] = {"level": im.DEFAULT_LEVEL, "rank": im.DEFAULT_RANK, "groups": {}}
    for variant in ("instruct", "base"):
        imp = imputation(catalog, variant)
        m, cal = imp.matrix, imp.calibration
        inside = cal.inside()
        held = np.isfinite(cal.errors)
        rows = []
        for bi, b in enumerate(m.benchmarks):
            n = int((~np.isnan(m.values[:, bi])).sum())
            if not imp.fit.usable[bi]:
                rows.append({"benchmark": b, "models": n, "imputed": False,
                             "why": f"only {n} model{'s' if n != 1 else ''} scored (needs {im.DEFAULT_MIN_MODELS})"})
                continue
            e = np.abs(cal.errors[held[:, bi], bi])
            rows.append({"benchmark": b, "models": n, "imputed": True, "held_out": int(len(e)),
                         "median_abs_error": float(np.median(e)) if len(e) else None,
                         "inside": float(inside[held[:, bi], bi].mean()) if len(e) else None,
                         "half_width": float(cal.half_width[bi])})
        all_e = np.abs(cal.errors[held])
        out["groups"][m.variant] = {
            "models": len(m.models), "benchmarks": len(m.benchmarks), "measured": int((~np.isnan(m.values)).sum()),
            "held_out": int(held.sum()),
            "median_abs_error": float(np.median(all_e)) if len(all_e) else None,
            "inside": float(inside[held].mean()) if held.any() else None,
            "per_benchmark": rows,
        }
    return out
