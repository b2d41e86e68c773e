"""Scenario to estimate: resolve ids against the catalog, compile numpy arrays, run the
engine, build result objects; self-hosted candidates, break-even volumes and sweeps.

Modules, each importing only those above it:

- :mod:`.locate`: candidate kinds, and errors located in the scenario file;
- :mod:`.deployment`: a ``selfhost:`` spec resolved against the hardware catalog into the
  engine's :class:`~tco.engine.selfhost.Deployment`;
- :mod:`.compile`: :func:`compile_scenario` (dated prices, exchange rates, scores);
- :mod:`.scenario`: :func:`load_scenario`, :func:`parse_scenario`, :func:`check_scenario`;
- :mod:`.selfhost`: self-hosted candidates in a scenario, and the ``tco selfhost`` answer;
- :mod:`.evaluate`: :func:`evaluate` and :func:`sweep` over workload points;
- :mod:`.result`: :class:`Estimate` and :class:`CandidateResult`;
- :mod:`.breakeven`: the volumes at which each self-hosted candidate beats each API;
- :mod:`.estimate`: :func:`estimate` and :func:`estimate_file`, the whole path.
"""
