"""The app's document: the scenario being edited, its last valid results, saving and export.

No textual here: the session is plain Python so the benchmark and the tests can drive it
directly, and the widgets only display what it holds.

An edit is applied to a copy of the scenario data, validated (pydantic), and run:
workload-only edits re-evaluate the compiled arrays; edits to ids, dates, currency, the
quality profile or the candidates recompile first. Any failure leaves the previous data and
results in place and returns the reason (in the fields' own words, :mod:`.wording`), so the
screen keeps the last valid numbers. Every change is first rebased on the data as saved
(:mod:`.changes`: what says the same as the file keeps the file's own form) and recorded for
undo (:mod:`.undo`).
"""

from __future__ import annotations

import copy
import dataclasses
import math
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from ..catalog import Catalog, default_scenario_path, load_catalog
from ..errors import NotAvailable, TcoError
from ..plan.compile import Compiled, compile_scenario
from ..plan.evaluate import SweepResult, WorkloadPoints, evaluate, workload_points
from ..plan.result import Estimate, build_estimate
from ..plan.scenario import scenario_from_document

MAX_REQUESTS_PER_DAY = 1e11
"""The most requests/day a scenario (and a sweep) may ask for: the bound of
``tco.schema.scenario.Workload.requests_per_day`` (a test keeps the two equal)."""
CHART_DECADES = 5
"""Decades of requests/day the volume chart spans."""

DEFAULT_GPUS = ("h100-sxm-80gb", "h200-141gb", "a100-sxm-80gb", "l40s", "mi300x")
"""Accelerators offered for new self-hosted candidates when the hardware catalog can't be read."""

from .changes import rebase, same
from .charts import pareto  # noqa: F401 - the frontier, where the tests and scripts look for it
from .fields import FIELDS, EditError, format_profile, format_value, parse_number
from .latency import (DEFAULT, LATENCY_KEYS, MIXED, NO_SELFHOST, NONE, common, default_placeholder, latency_of,
                      restore_latency, set_latency)
from .undo import History, Step
from .wording import validation_reason


# ---- the session -----------------------------------------------------------------------------


class Session:
    """One scenario open in the app: its data, its last valid results, its file."""

    def __init__(self, catalog: Catalog, data: dict[str, Any], source_text: str, path: Path | None,
                 display_name: str) -> None:
        self.catalog = catalog
        self.data: dict[str, Any] = data
        """The scenario as plain data (what the safe loader read, plus the valid edits)."""
        self.saved_data: dict[str, Any] = copy.deepcopy(data)
        """The data as it is on disk (for the modified indicator and the round-trip save)."""
        self.source_text = source_text
        """The file's text as last read or written (comments and layout come from it)."""
        self.path = path
        """Where ctrl+s writes; None until a save-as (the built-in example is never overwritten)."""
        self.display_name = display_name
        self.scenario: Any = None
        self.compiled: Compiled | None = None
        self.sweep: SweepResult | None = None
        self.estimate: Estimate | None = None
        self.stale_warnings = False
        """True after a workload-only edit: results are exact, compile-time warnings may lag."""
        self.generation = 0
        """Incremented on every successful recompute."""
        self._breakeven: tuple[int, list[dict[str, Any]]] | None = None
        """(generation, break-even ranges) computed for that generation."""
        self.breakeven_problem: str | None = None
        """Why the break-even ranges of the current results could not be found (None: they were)."""
        self.history = History()
        """Undo and redo of every change (:mod:`tco.tui.undo`)."""
        self._run(copy.deepcopy(data), recompile=True)

    # ---- opening ----

    @classmethod
    def open(cls, path: str | Path | None = None, catalog: Catalog | str | Path | None = None) -> Session:
        """Open a scenario file, or the built-in example when ``path`` is None.

        Raises :class:`TcoError` (located) when the file is not a valid scenario.
        """
        from .. import yamlio

        if not isinstance(catalog, Catalog):
            catalog = load_catalog(catalog)
        builtin = path is None
        p = default_scenario_path() if builtin else Path(path)  # type: ignore[arg-type]
        text = yamlio.read_text(p)
        doc = yamlio.parse(text, str(p))
        scenario_from_document(doc, catalog)  # located errors for a bad file, before the app starts
        data = doc.data
        name = "built-in example (read-only)" if builtin else str(p)
        return cls(catalog, data, text, None if builtin else p, name)

    # ---- latency targets: each self-hosted candidate keeps its own ----

    def _latency_values(self, key: str) -> list[Any]:
        """The ``key`` (ttft/tpot) target of every self-hosted candidate, in file order: a
        number, None (no target) or ``DEFAULT`` (no ``latency:`` key: the defaults)."""
        return latency_of(self.data, LATENCY_KEYS[key])

    def latency_defaults(self) -> dict[str, float]:
        """The targets a self-hosted candidate without ``latency:`` is sized for
        (``pricing/hardware/defaults.yaml``), by ``ttft_ms``/``tpot_ms``."""
        d = self.catalog.hardware.defaults
        vals = {"ttft_ms": float(d.ttft_ms.value), "tpot_ms": float(d.tpot_ms.value)}
        return {k: int(v) if v.is_integer() else v for k, v in vals.items()}

    def latency_field(self, key: str) -> tuple[str, str, bool]:
        """(text, placeholder, enabled) of the ttft/tpot field: the self-hosted candidates'
        common target (a number, or "none": no target); empty with "2000 (default)" when they
        are on the defaults, with "mixed" when their targets differ; disabled with "no
        self-hosted" when there is none to apply a target to. The placeholder says what an
        emptied field means: the default, or "mixed" where the file's own targets differ."""
        vals = self._latency_values(key)
        if not vals:
            return "", NO_SELFHOST, False
        shared = common(vals)
        if shared is MIXED:
            return "", MIXED, True
        empty = MIXED if self._file_latency_mixed(key) else \
            default_placeholder(self.latency_defaults()[LATENCY_KEYS[key]])
        if shared is DEFAULT:
            return "", empty, True
        return (NONE if shared is None else format_value(shared)), empty, True

    def latency_targets(self, candidate_id: str) -> tuple[float | None, float | None]:
        """The (ttft, tpot) targets of one self-hosted candidate, as its entry gives them."""
        try:
            i = self.candidate_ids.index(candidate_id)
            c = self.data["candidates"][i]
            lat = c["selfhost"].get("latency")
        except (ValueError, IndexError, KeyError, TypeError, AttributeError):
            return None, None
        if not isinstance(lat, dict):
            return None, None
        return lat.get("ttft_ms"), lat.get("tpot_ms")

    # ---- state ----

    @property
    def modified(self) -> bool:
        return self.data != self.saved_data

    @property
    def volume_key(self) -> str:
        w = self.data.get("workload", {})
        return "requests_per_month" if "requests_per_month" in w and "requests_per_day" not in w \
            else "requests_per_day"

    def field_label(self, key: str) -> str:
        if key == "volume" and self.volume_key == "requests_per_month":
            return "req/mo"
        return FIELDS[key].label

    def field_text(self, key: str) -> str:
        """The current value of a field as the user would type it."""
        d = self.data
        w = d.get("workload", {})
        if key == "volume":
            return format_value(w.get(self.volume_key))
        if key == "input_tokens":
            return format_value(w.get("input_tokens"))
        if key == "output_tokens":
            return format_value(w.get("output_tokens"))
        if key == "cached":
            return format_value(w.get("cached_input_share", 0))
        if key == "peak":
            return format_value(w.get("peak_to_average", 2))
        if key == "as_of":
            v = d.get("as_of")
            return v.isoformat() if isinstance(v, date) else format_value(v)
        if key == "currency":
            code = format_value(d.get("currency", "USD"))
            fx = d.get("fx")
            return f"{code} {format_value(fx[code])}" if isinstance(fx, dict) and code in fx else code
        if key == "profile":
            return format_profile((d.get("quality") or {}).get("profile", "general"))
        if key in LATENCY_KEYS:
            return self.latency_field(key)[0]
        raise KeyError(key)

    def describe(self, key: str) -> str:
        """The current (last valid) value of a field in words: ``1,000 req/day``."""
        text = self.field_text(key)
        label = self.field_label(key)
        if key in ("volume", "input_tokens", "output_tokens"):
            try:
                return f"{parse_number(text):,} {label}"
            except ValueError:
                return f"{text} {label}"
        if key in LATENCY_KEYS:
            _, placeholder, _ = self.latency_field(key)
            if text == NONE:
                return f"no {key} target"
            return f"{key} {text} ms" if text else f"{key} {placeholder.replace(' (default)', ' ms (default)')}"
        if key == "as_of":
            return f"as of {text or 'today'}"
        if key == "currency":
            return f"amounts in {text or 'USD'}"
        return f"{label} {text}"

    @property
    def candidate_ids(self) -> list[str]:
        assert self.compiled is not None
        return [r.id for r in self.compiled.candidates]

    # ---- editing ----

    def edit(self, key: str, text: str) -> None:
        """Apply what was typed into field ``key``; raises :class:`EditError` with the reason
        (and changes nothing) when it is not valid."""
        spec = FIELDS[key]
        try:
            value = spec.parse(text)
        except ValueError as e:
            raise EditError(str(e)) from None
        new = copy.deepcopy(self.data)
        w = new.setdefault("workload", {})
        if key == "volume":
            w[self.volume_key] = value
        elif key in ("input_tokens", "output_tokens"):
            w[key] = value
        elif key == "cached":
            w["cached_input_share"] = value
        elif key == "peak":
            w["peak_to_average"] = value
        elif key == "as_of":
            _set_or_drop(new, "as_of", value, after="currency")
        elif key == "currency":
            code, rate = value
            code = code or "USD"  # empty: the default
            _set_or_drop(new, "currency", code, after="name")
            fx = new.get("fx")
            if rate is not None:
                if not isinstance(fx, dict):
                    _set_or_drop(new, "fx", {}, after="as_of" if "as_of" in new else "currency")
                    fx = new["fx"]
                fx[code] = rate
            elif isinstance(fx, dict) and code in fx:  # the rate erased: the file's, else the catalog's
                saved = self.saved_data.get("fx")
                if isinstance(saved, dict) and code in saved:
                    fx[code] = saved[code]
                else:
                    del fx[code]
            if isinstance(fx, dict):  # rates typed for another code on the way here go again
                saved = self.saved_data.get("fx") if isinstance(self.saved_data.get("fx"), dict) else {}
                for other in [k for k in fx if k != code and k not in saved]:
                    del fx[other]
        elif key == "profile":
            q = new.get("quality")
            if not isinstance(q, dict):
                q = new["quality"] = {}
            q["profile"] = value
        elif key in LATENCY_KEYS:
            if not self._latency_values(key):
                raise EditError("no self-hosted candidate to apply a latency target to")
            defaults = self.latency_defaults()
            if value is DEFAULT and self._file_latency_mixed(key):
                restore_latency(new, self.saved_data, LATENCY_KEYS[key], defaults)  # empty: each its own again
            else:
                set_latency(new, LATENCY_KEYS[key], value, defaults)
        before = self.field_text(key)
        self._run(new, recompile=spec.recompile, change=(self.field_label(key), before, key))

    def _file_latency_mixed(self, key: str) -> bool:
        """Whether the self-hosted candidates' ``key`` targets differ in the file as saved."""
        vals = latency_of(self.saved_data, LATENCY_KEYS[key])
        return bool(vals) and common(vals) is MIXED

    def add_candidate(self, entry: str | dict[str, Any]) -> str:
        """Append a candidate (an offer id or a ``{selfhost: {...}}`` mapping); returns its id;
        EditError if the engine refuses it."""
        new = copy.deepcopy(self.data)
        entry = copy.deepcopy(entry)
        if isinstance(entry, dict) and isinstance(entry.get("selfhost"), dict) and "latency" not in entry["selfhost"]:
            # the targets the fields show, when every self-hosted candidate shares one (else the default)
            shown = {mk: common(v) if (v := self._latency_values(key)) else DEFAULT for key, mk in LATENCY_KEYS.items()}
            if any(v is not DEFAULT and v is not MIXED for v in shown.values()):
                defaults = self.latency_defaults()
                entry["selfhost"]["latency"] = {mk: defaults[mk] if v is DEFAULT or v is MIXED else v
                                                for mk, v in shown.items() if v is not None}
        new.setdefault("candidates", []).append(entry)
        before = set(self.candidate_ids)
        self._run(new, recompile=True, change=("add a candidate", "", None))
        added = next((i for i in self.candidate_ids if i not in before), self.candidate_ids[-1])
        self.history.undo_steps[-1].what = f"add {added}"
        return added

    def remove_candidate(self, candidate_id: str) -> tuple[int, Any]:
        """Remove a candidate; returns (its position, its entry)."""
        ids = self.candidate_ids
        if candidate_id not in ids:
            raise EditError(f"no candidate {candidate_id!r}")
        if len(ids) == 1:
            raise EditError("a scenario needs at least one candidate: add another one first")
        rest = [c for c in self.estimate.candidates if c.id != candidate_id] if self.estimate else []
        if rest and all(c.available_from for c in rest):
            first = min(rest, key=lambda c: str(c.available_from))
            raise EditError(f"it is the only candidate available on {self.estimate.as_of}; the others launch later "
                            f"(the first: {first.id}, on {first.available_from})")
        new = copy.deepcopy(self.data)
        i = ids.index(candidate_id)
        entry = new["candidates"].pop(i)
        self._run(new, recompile=True, change=(f"remove {candidate_id}", "", None))
        return i, entry

    def _none_available(self, scenario: Any, error: NotAvailable) -> str:
        """Every candidate launches after the as-of date: say which comes first."""
        as_of = scenario.as_of or date.today()
        first = None
        for cand in scenario.candidates:
            oid = cand if isinstance(cand, str) else getattr(cand, "offer", None)
            offer = self.catalog.offers.get(oid) if oid else None
            if offer is not None:
                when = offer.launched or offer.prices[0].effective_from
                if first is None or when < first[1]:
                    first = (oid, when)
        if first is None:
            return error.message
        return (f"none of the candidates is available on {as_of}: the first to launch is {first[0]}, on "
                f"{first[1]} (an as-of date from then on, or another candidate)")

    def undo(self) -> Step | None:
        """Go back one change (any kind); None when there is nothing to undo."""
        return self._travel(redo=False)

    def redo(self) -> Step | None:
        """Do again the last change undone; None when there is nothing to redo."""
        return self._travel(redo=True)

    def _travel(self, redo: bool) -> Step | None:
        step = self.history.redo(self.data) if redo else self.history.undo(self.data)
        if step is None:
            return None
        try:
            self._run(copy.deepcopy(step.data), recompile=True)
        except EditError:
            self.history.cancel(step, redo)
            raise
        return step

    def settle(self) -> None:
        """Recompile from scratch (refreshes compile-time warnings after workload edits)."""
        if self.stale_warnings:
            known = self._breakeven if self.breakeven_ready() else None
            self._run(copy.deepcopy(self.data), recompile=True)
            if known is not None:  # the same data: the same ranges
                self._breakeven = (self.generation, known[1])

    def snapshot(self) -> tuple[Any, ...]:
        """Everything a change can touch, for :meth:`restore`."""
        return (self.data, self.scenario, self.compiled, self.sweep, self.estimate, self.stale_warnings,
                self._breakeven)

    def restore(self, snap: tuple[Any, ...]) -> None:
        """Put a :meth:`snapshot` back (a change that failed half way); caches keyed by the
        generation are invalidated."""
        (self.data, self.scenario, self.compiled, self.sweep, self.estimate, self.stale_warnings,
         known) = snap
        self.generation += 1
        self._breakeven = (self.generation, known[1]) if known is not None else None

    def _run(self, new: dict[str, Any], recompile: bool,
             change: tuple[str, str, str | None] | None = None) -> None:
        """Validate and compute ``new``; keep it with its results, or raise EditError and keep
        everything as it was. ``change`` (what, the field's text before, group) records it for
        undo; data that says what the current data says changes nothing."""
        from pydantic import ValidationError

        from ..schema.scenario import Scenario

        new = rebase(new, self.saved_data)  # shares the saved data's objects: data is never changed in place
        if change is not None and same(new, self.data):
            return
        try:
            scenario = Scenario.model_validate(new)
        except ValidationError as e:
            raise EditError(validation_reason(e.errors())) from None
        if self.path is not None:
            from ..yamlio import Document

            # paths in the scenario (model_file:) are relative to its file, as for `tco estimate`;
            # no node tree: the edited data has no line numbers to point at
            scenario._source = Document(str(self.path), None, None)
        try:
            if recompile or self.compiled is None:
                compiled = compile_scenario(scenario, self.catalog)
            else:
                compiled = dataclasses.replace(self.compiled, scenario=scenario)
            sweep = evaluate(compiled, WorkloadPoints.from_scenario(scenario))
            est = build_estimate(compiled, sweep)
        except NotAvailable as e:  # every candidate launches after the as-of date
            raise EditError(self._none_available(scenario, e)) from None
        except TcoError as e:
            hint = e.hint
            if "no exchange rate" in e.message:
                hint = "type its rate per USD after the code, like EUR 0.92, or give it in the scenario's fx:"
            raise EditError(e.message.split(" (the catalog")[0] + (f" ({hint})" if hint else "")) from None
        except Exception as e:  # noqa: BLE001 - an engine bug must not take the app down
            raise EditError(f"{type(e).__name__}: {e}") from None
        before = self.data
        self.data, self.scenario, self.compiled, self.sweep, self.estimate = new, scenario, compiled, sweep, est
        self.stale_warnings = not recompile
        self.generation += 1
        if change is not None:
            what, old, group = change
            self.history.record(before, what, old, self.field_text(group) if group else "", group, after=new)

    # ---- saving and exporting ----

    def save(self, path: str | Path | None = None) -> Path:
        """Write the scenario atomically (to ``path``, else to the file it came from), keeping
        the file's comments, key order and layout."""
        from ..files import atomic_write
        from .yamlrt import dump_changed

        target = Path(path) if path is not None else self.path
        if target is None:
            raise EditError("the built-in example is read-only: use save as (ctrl+shift+s / F12)")
        text = dump_changed(self.source_text, self.saved_data, self.data)
        atomic_write(target, text)
        self.source_text = text
        self.saved_data = copy.deepcopy(self.data)
        self.path = target
        self.display_name = str(target)
        return target

    def export(self, fmt: str, path: str | Path) -> Path:
        """Write the current results with the CLI's renderers (table/json/csv/markdown): the
        estimate ``tco estimate`` builds, break-even ranges included, and the scenario's
        samples and horizon when it asks for them (drawn on a copy: the app's estimate stays
        the plain one)."""
        from ..files import atomic_write
        from ..plan.estimate import plan_beyond
        from ..report import render

        est = self.full_estimate()
        sc = self.scenario
        if getattr(sc, "samples", None) or (getattr(sc, "horizon_months", 1) or 1) > 1:
            assert self.compiled is not None
            est = plan_beyond(self.compiled, copy.deepcopy(est))
        atomic_write(path, render(est, fmt))
        return Path(path)

    # ---- break-even (exact ranges; computed on demand, ~0.1 s) ----

    def breakeven_ready(self) -> bool:
        """Whether :meth:`breakeven` is known for the current results without computing."""
        return self._breakeven is not None and self._breakeven[0] == self.generation

    def breakeven(self) -> list[dict[str, Any]]:
        """Where each self-hosted candidate is cheaper than each API one: what
        :func:`tco.plan.estimate.estimate` puts into ``Estimate.breakeven``, for the current results."""
        if not self.breakeven_ready():
            assert self.compiled is not None and self.sweep is not None and self.scenario is not None
            found: list[dict[str, Any]] = []
            self.breakeven_problem = None
            if self.sweep.selfhost:
                from ..plan.breakeven import breakeven

                try:
                    found = breakeven(self.compiled, self.sweep, WorkloadPoints.from_scenario(self.scenario))
                except Exception as e:  # noqa: BLE001 - the chart and export say so; the rest stays
                    self.breakeven_problem = f"{type(e).__name__}: {e}" if not isinstance(e, TcoError) else e.message
            self._breakeven = (self.generation, found)
        assert self._breakeven is not None
        return self._breakeven[1]

    def full_estimate(self) -> Estimate:
        """The current estimate as the CLI builds it: compile-time warnings refreshed and the
        break-even ranges filled in."""
        try:
            self.settle()
        except EditError:
            pass
        assert self.estimate is not None
        self.estimate.breakeven = self.breakeven()
        return self.estimate

    # ---- what the charts need ----

    def volume_range(self) -> tuple[float, float]:
        """The requests/day the volume chart spans: five decades around the current volume,
        slid down to end at the most a scenario may ask for (:data:`MAX_REQUESTS_PER_DAY`)."""
        assert self.scenario is not None
        rpd = self.scenario.workload.monthly_requests / self.scenario.workload.days_per_month
        lo = math.floor(math.log10(min(max(rpd, 1.0), MAX_REQUESTS_PER_DAY))) - 2
        hi = min(10.0 ** (lo + CHART_DECADES), MAX_REQUESTS_PER_DAY)
        return hi / 10.0 ** CHART_DECADES, hi

    def volume_sweep(self, points: int = 120, extra: Any = ()) -> tuple[np.ndarray, SweepResult]:
        """Monthly cost of every candidate over a log range of requests/day around the current
        one, plus the volumes in ``extra`` that fall inside it (break-even points, so the
        curves pass through them)."""
        assert self.compiled is not None and self.scenario is not None
        lo, hi = self.volume_range()
        xs = np.logspace(math.log10(lo), math.log10(hi), max(points, 2))
        more = np.asarray([x for x in extra if lo < x < hi], dtype=np.float64)
        if len(more):
            xs = np.unique(np.concatenate([xs, more]))
        return xs, evaluate(self.compiled, workload_points(self.scenario, requests_per_day=xs))

    def selfhost_options(self) -> list[tuple[str, str]]:
        """(model id, model name) of catalog models that can be self-hosted."""
        return [(m.id, m.name) for m in self.catalog.models.values() if m.open_weights and m.architecture]

    def gpu_options(self) -> list[tuple[str, str]]:
        """(accelerator id, precision to offer on it): fp8 where the GPU has FP8 tensor cores."""
        try:
            accel = self.catalog.hardware.accelerators
            items = list(accel.values()) if isinstance(accel, dict) else list(accel or ())
            out = [(a.id, "fp8" if getattr(a, "fp8_tflops", None) else "bf16") for a in items]
            return out or [(g, "fp8") for g in DEFAULT_GPUS]
        except Exception:  # noqa: BLE001 - the hardware catalog is optional here
            return [(g, "bf16" if g.startswith("a100") else "fp8") for g in DEFAULT_GPUS]

    def selfhost_defaults(self, gpu: str) -> dict[str, Any]:
        """What a new self-hosted candidate on ``gpu`` gets when a field of the form is left
        empty: GPUs per node, the default rental's price on the as-of date, the catalog
        server's price and lifetime (None where the catalog has none)."""
        out: dict[str, Any] = {"gpus_per_node": 8, "rent": None, "server_price": None, "lifetime_years": None}
        try:
            hw = self.catalog.hardware
            as_of = date.fromisoformat(self.estimate.as_of) if self.estimate is not None else None
            rental = hw.default_rental(gpu, as_of)
            if rental is not None:
                out["rent"] = (hw.rental_price(rental.id, as_of).usd_per_gpu_hour, rental.name)
            server = hw.server_for(gpu)
            if server is not None:
                out["server_price"] = server.price_usd.mid
                out["lifetime_years"] = server.lifetime_years.default
        except Exception:  # noqa: BLE001 - defaults are a help; the scenario checks the real thing
            pass
        return out

    # ---- names ----

    def _entry(self, candidate_id: str) -> tuple[int, Any]:
        try:
            i = self.candidate_ids.index(candidate_id)
        except ValueError:
            raise EditError(f"no candidate {candidate_id!r}") from None
        return i, self.data["candidates"][i]

    def own_name(self, candidate_id: str) -> str:
        """The name (self-hosted) or label (API offer) the file gives a candidate; empty: none."""
        _, entry = self._entry(candidate_id)
        if isinstance(entry, dict) and isinstance(entry.get("selfhost"), dict):
            return str(entry["selfhost"].get("name") or "")
        return str(entry.get("label") or "") if isinstance(entry, dict) else ""

    def rename_problem(self, candidate_id: str, name: str) -> str | None:
        """Why ``name`` cannot be a candidate's name (None: it can)."""
        name = name.strip()
        if "\n" in name or "\r" in name:
            return "a name is one line"
        if len(name) > 120:
            return "at most 120 characters"
        if name and name != candidate_id and name in self.candidate_ids:
            return f"another candidate is called {name!r}"
        return None

    def rename_candidate(self, candidate_id: str, name: str) -> str:
        """Give a candidate its own name (self-hosted: ``name:``; API offer: ``label:``, the
        plain id becoming ``{offer: ID, label: NAME}``); empty: back to the default. Returns
        the candidate's id after the change."""
        problem = self.rename_problem(candidate_id, name)
        if problem:
            raise EditError(problem)
        name = name.strip()
        i, _ = self._entry(candidate_id)
        new = copy.deepcopy(self.data)
        entry = new["candidates"][i]
        if isinstance(entry, dict) and isinstance(entry.get("selfhost"), dict):
            if name:
                entry["selfhost"]["name"] = name
            else:
                entry["selfhost"].pop("name", None)
        elif isinstance(entry, dict):
            if name:
                entry["label"] = name
            else:
                entry.pop("label", None)
                if set(entry) == {"offer"}:
                    new["candidates"][i] = entry["offer"]
        elif name:
            new["candidates"][i] = {"offer": entry, "label": name}
        self._run(new, recompile=True, change=(f"rename {candidate_id}", "", None))
        return self.candidate_ids[i]

    def offer_id(self, candidate_id: str) -> str | None:
        """The catalog offer behind a candidate (None for a self-hosted one)."""
        from ..schema.scenario import OfferCandidate

        try:
            i = self.candidate_ids.index(candidate_id)
        except ValueError:
            return None
        cand = self.scenario.candidates[i]
        if isinstance(cand, str):
            return cand
        if isinstance(cand, OfferCandidate):
            return cand.offer
        return None

    def convert(self, amount: float, currency: str) -> float:
        """An amount in ``currency`` in the report currency, at the rates in force on as_of."""
        assert self.compiled is not None
        target = self.compiled.currency
        if currency == target:
            return amount
        try:
            return self.compiled.to_report_currency(amount, currency)
        except KeyError:
            pass

        def per_usd(cur: str) -> float:
            if cur == "USD":
                return 1.0
            if self.scenario is not None and cur in self.scenario.fx:
                return float(self.scenario.fx[cur])
            rate = self.catalog.fx_at(cur, self.compiled.as_of)
            assert rate is not None
            return float(rate.per_usd)

        return amount / per_usd(currency) * per_usd(target)


def _set_or_drop(d: dict[str, Any], key: str, value: Any, after: str) -> None:
    if value is None:
        d.pop(key, None)
        return
    if key in d:
        d[key] = value
        return
    # insert after a neighbour so a saved file reads naturally
    items = list(d.items())
    pos = next((i + 1 for i, (k, _) in enumerate(items) if k == after), 1 if items and items[0][0] == "name" else 0)
    items.insert(pos, (key, value))
    d.clear()
    d.update(items)
