"""Monte Carlo and the tornado for the app: what ``tco estimate --samples`` and ``tco
sensitivity`` compute, run on the session's compiled scenario (the app runs :func:`compute`
in a worker thread). No textual here.

The samples are the scenario's ``samples:`` (at most :data:`MOST_SAMPLES`) or
:data:`DEFAULT_SAMPLES`, with the scenario's ``seed:`` or :data:`DEFAULT_SEED`: quick, and the
same numbers every time for the same scenario. The results are kept apart from the session's
estimate, which stays the plain one: turning the samples off shows exactly what it showed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

DEFAULT_SAMPLES = 2_000
"""Samples drawn when the scenario does not say (P10/P90 within a few percent; a few ms per candidate)."""
DEFAULT_SEED = 7
"""Seed when the scenario gives none: the same scenario gives the same numbers every time."""
MOST_SAMPLES = 200_000
"""The app draws at most this many (a scenario asking more is sampled at this many, and the
app says so): about 2 s for 6 candidates, where 10,000,000 would hold the screen for minutes."""


@dataclass(frozen=True)
class SamplePlan:
    """How many samples the app draws for a scenario, with which seed."""

    samples: int
    seed: int
    asked: int | None = None
    """The scenario's ``samples:`` when it asked for more than :data:`MOST_SAMPLES`."""

    def describe(self) -> str:
        """``2,000 samples, seed 7`` (``200,000 of the 10,000,000 asked``)."""
        n = f"{self.samples:,} of the {self.asked:,} asked" if self.asked else f"{self.samples:,}"
        return f"{n} samples, seed {self.seed}"


def sample_plan(scenario: Any) -> SamplePlan:
    asked = getattr(scenario, "samples", None)
    seed = getattr(scenario, "seed", None)
    n = int(asked) if asked else DEFAULT_SAMPLES
    return SamplePlan(min(n, MOST_SAMPLES), DEFAULT_SEED if seed is None else int(seed),
                      int(asked) if asked and asked > MOST_SAMPLES else None)


@dataclass
class Sampled:
    """What the samples say about one version of the scenario (a session generation)."""

    generation: int
    plan: SamplePlan
    per_candidate: dict[str, dict[str, Any]]
    """Candidate id -> what ``tco estimate --samples`` puts in ``CandidateResult.uncertainty``
    (``monthly_cost`` and ``cost_per_quality_point`` P10/P50/P90, ``p_best_value``,
    ``p_cheapest``, ``p_cheaper`` for a self-hosted candidate)."""
    inputs: list[str]
    """Every input drawn, by path (the written ranges and tco's default throughput spreads)."""
    labels: dict[str, str] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    """The ranges the scenario itself writes (empty: only the default spreads were drawn)."""
    seconds: float = 0.0


@dataclass
class Computed:
    """One worker run: the samples and/or the tornado of one generation."""

    generation: int
    sampled: Sampled | None = None
    tornado: dict[str, Any] | None = None
    """What :func:`tco.plan.sensitivity.sensitivity` returns."""
    seconds: float = 0.0


def compute(compiled: Any, generation: int, samples: bool, tornado: bool) -> Computed:
    """The samples (when ``samples``) and the tornado (when ``tornado``) of ``compiled``."""
    start = time.perf_counter()
    out = Computed(generation)
    if tornado:
        from ..plan.sensitivity import sensitivity

        out.tornado = sensitivity(compiled)
    if samples:
        out.sampled = run_samples(compiled, generation)
    out.seconds = time.perf_counter() - start
    return out


def run_samples(compiled: Any, generation: int) -> Sampled:
    from ..plan.uncertainty import monte_carlo

    plan = sample_plan(compiled.scenario)
    start = time.perf_counter()
    unc = monte_carlo(compiled, plan.samples, plan.seed)
    ids = [r.id for r in compiled.candidates]
    per = {cid: unc.for_candidate(ci, ids) for ci, cid in enumerate(ids)}
    written = sorted((getattr(compiled.scenario, "ranges", None) or {}).keys())
    return Sampled(generation, plan, per, list(unc.inputs), dict(unc.labels), written,
                   time.perf_counter() - start)


def input_name(path: str, label: str = "") -> str:
    """An input as a person says it: ``workload.requests_per_day`` -> ``requests per day``,
    ``prices.api`` -> ``API list prices``, ``fx.EUR`` -> ``EUR exchange rate`` (the words of
    every other output); a candidate's input keeps its label (``discount of azure/...``)."""
    from ..plan.uncertainty import path_words

    return label if label and label != path else path_words(path)
