"""tco: cost and total-cost-of-ownership planner for large language models.

The public API is loaded lazily (PEP 562) so ``import tco`` and ``tco --help`` stay fast:

    import tco
    scenario = tco.load_scenario("scenarios/support-assistant.yaml")
    result = tco.estimate(scenario)            # or tco.estimate("file.yaml")
    result.to_dict()                           # the JSON output of `tco estimate --format json`
    catalog = tco.load_catalog()               # offers, models, scores, fx rates
    grid = tco.sweep(scenario, requests_per_day=np.logspace(2, 7, 1000))  # arrays (C, P)
    bigger = tco.vary(scenario, requests_per_day=50_000)   # a validated copy with one value changed
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers see; at run time the names below load on first use
    from tco.catalog import find_catalog_dir as find_catalog_dir, load_catalog as load_catalog
    from tco.errors import TcoError as TcoError
    from tco.plan.compile import compile_scenario as compile_scenario
    from tco.plan.estimate import estimate as estimate
    from tco.plan.evaluate import evaluate as evaluate, sweep as sweep
    from tco.plan.result import CandidateResult as CandidateResult, Estimate as Estimate
    from tco.plan.scenario import load_scenario as load_scenario, parse_scenario as parse_scenario, vary as vary
    from tco.report import render as render
    from tco.schema.scenario import Scenario as Scenario

__version__ = "0.1.0"

_LAZY = {
    "load_scenario": "tco.plan.scenario",
    "parse_scenario": "tco.plan.scenario",
    "vary": "tco.plan.scenario",
    "estimate": "tco.plan.estimate",
    "sweep": "tco.plan.evaluate",
    "compile_scenario": "tco.plan.compile",
    "evaluate": "tco.plan.evaluate",
    "load_catalog": "tco.catalog",
    "find_catalog_dir": "tco.catalog",
    "Scenario": "tco.schema.scenario",
    "Estimate": "tco.plan.result",
    "CandidateResult": "tco.plan.result",
    "TcoError": "tco.errors",
    "render": "tco.report",
}

__all__ = sorted(_LAZY) + ["__version__"]


if not TYPE_CHECKING:  # a module __getattr__ would tell type checkers that any name exists

    def __getattr__(name: str) -> Any:
        try:
            module_name = _LAZY[name]
        except KeyError:
            raise AttributeError(f"module 'tco' has no attribute {name!r}") from None
        from importlib import import_module

        value = getattr(import_module(module_name), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return __all__
