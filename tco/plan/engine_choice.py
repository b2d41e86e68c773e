"""Which engine profile serves a self-hosted deployment, and what the choice leaves unvalidated:
``choose_engine`` (a dated id as given; else a profile of its own time fitted on this model or its
architecture, then the family's latest) and ``unseen_kind`` (a fine-grained or MLA mixture of
experts no profile was fitted on). Used by :mod:`tco.plan.deployment`."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..catalog.hardware import Hardware, model_shape
from ..engine.selfhost.measurements import OWN_TIME_PROFILES, OWN_TIME_RANK
from ..errors import TcoError

if TYPE_CHECKING:  # pragma: no cover
    from ..schema.hardware import Accelerator, EngineProfileSpec


def _shape_of(catalog: Any, model_id: str) -> Any:
    """The self-hosting shape of a catalog model, or None (not in this catalog, or no architecture)."""
    try:
        return model_shape(catalog.model(model_id))
    except Exception:  # noqa: BLE001 - a fitted model missing from a trimmed catalog tells nothing
        return None


def twins_of(hw: Hardware, catalog: Any, model: Any, shape: Any) -> frozenset[str]:
    """Models some engine profile was fitted on whose architecture (``shape`` without the name and
    context window) is this model's: DeepSeek V3, V3.1, R1 and R1-0528, the same weights' shapes
    retrained; what a profile learnt on one holds for the others."""
    def key(s: Any) -> Any:
        return replace(s, id="", context_window=None)

    mine = key(shape)
    return frozenset(mid for mid in {m for e in hw.engines.values() for m in e.fitted_models} - {model.id}
                     if (other := _shape_of(catalog, mid)) is not None and key(other) == mine)


def saw(e: EngineProfileSpec, model_id: str, twins: frozenset[str]) -> bool:
    """The profile was fitted on this model, or (a profile of its own time, fitted on one model) on a
    model of the same architecture. The 2024-25 profiles count their own models only: their many
    models and GPUs are what the family's name already stands for."""
    return model_id in e.fitted_models or (e.id in OWN_TIME_PROFILES and bool(twins & set(e.fitted_models)))


FINE_GRAINED_EXPERTS = 64
"""A mixture-of-experts model with at least this many routed experts is fine-grained (Qwen3,
DeepSeek, gpt-oss, Llama 4 Maverick), unlike Mixtral's 8."""


def unseen_kind(hw: Hardware, catalog: Any, eng: EngineProfileSpec, shape: Any) -> str | None:
    """'MLA mixture-of-experts' or 'fine-grained mixture-of-experts' when the model is one and the
    profile was fitted on no model of that kind (its figures for it are then unvalidated); else None."""
    if not shape.is_moe or shape.experts < FINE_GRAINED_EXPERTS:
        return None
    kinds = {(s.is_moe and s.experts >= FINE_GRAINED_EXPERTS, s.is_moe and s.is_mla)
             for s in (_shape_of(catalog, mid) for mid in eng.fitted_models) if s is not None}
    if shape.is_mla and not any(mla for _, mla in kinds):
        return "MLA mixture-of-experts"
    if not any(fine for fine, _ in kinds):
        return "fine-grained mixture-of-experts"
    return None


def runs_on(e: EngineProfileSpec, acc: Accelerator) -> bool:
    return not e.runs_on or acc.vendor in e.runs_on


def choose_engine(hw: Hardware, name: str | None, model_id: str, acc: Accelerator, flag: str = "--engine",
                  twins: frozenset[str] = frozenset()) -> tuple[EngineProfileSpec, list[str], list[str], str]:
    """The engine profile a deployment uses, with the assumptions and warnings that say why.

    A dated id (``vllm@0.13``) is used as given. A profile "saw" the model when it was fitted on
    its runs or on a model of the same architecture (``twins``: DeepSeek-R1 and R1-0528). A family
    (``vllm``), or no name, means: a profile of its own time (December 2025, or SGLang 0.5.12's ROCm build of
    2026) that saw the model (the newest first, then one fitted on this GPU);
    else the family's latest (no name: TensorRT-LLM's on NVIDIA GPUs, vLLM's elsewhere) when it
    saw the model; else any profile that saw it, on this GPU first; else that latest. An engine
    that does not run on the GPU's vendor (TensorRT-LLM on AMD) is refused. The last item says why in a word or two: ``given``, ``fitted on this model``, ``fitted on
    this architecture``, ``the family's latest`` or ``the default``."""
    notes: list[str] = []
    warns: list[str] = []
    family = name.split("@")[0] if name is not None else None
    dated = name is not None and (name in hw.engines or any(name in e.aliases for e in hw.engines.values()))
    base = hw.engine(name if name is not None else ("trtllm" if acc.vendor == "NVIDIA" else "vllm"))
    eng = base
    why = "given" if dated else ("the family's latest" if name is not None else "the default")
    if dated and name != base.id:  # an alias: say which profile it names (and, where its note does, what it is)
        said = next((part.strip() for part in (base.provenance.note or "").split(". ") if name in part), "")
        notes.append(f"engine '{name}' is {base.id}, {base.name}" + (f": {said.rstrip('.')}" if said else ""))
    if not dated:
        def seen_model(e: EngineProfileSpec) -> bool:
            return saw(e, model_id, twins)

        seen = sorted((e for e in hw.engines.values() if seen_model(e) and runs_on(e, acc)
                       and (family is None or e.id.split("@")[0] == family)),
                      key=lambda e: (-OWN_TIME_RANK.get(e.id, -1), acc.id not in e.fitted_gpus,
                                     e.id.split("@")[0] != base.id.split("@")[0], model_id not in e.fitted_models, e.id))
        current = [e for e in seen if e.id in OWN_TIME_PROFILES]  # the newest, then on this GPU (the sort above)
        if seen:  # a profile of its own time that saw it; else the family's own when it did, as before
            eng = current[0] if current else (base if seen_model(base) else seen[0])
            exact = model_id in eng.fitted_models
            why = "fitted on this model" if exact else "fitted on this architecture"
        if seen and eng.id != base.id:
            on = model_id if exact else (f"{', '.join(sorted(twins & set(eng.fitted_models)))} (the same architecture as "
                                         f"{model_id})")
            err = f", held-out throughput error {eng.held_out_error:.0%}" if eng.held_out_error is not None else ""
            where = "" if acc.id in eng.fitted_gpus else f" (on {', '.join(eng.fitted_gpus)}, not {acc.id})"
            said = f"engine '{name}'" if name is not None else "no engine named"
            others = [e.id for e in seen if e.id != eng.id]
            notes.append(f"{said}: {eng.id}, {eng.name}, fitted on runs of {on}{where}{err}"
                         + (f"; also fitted on this model or its architecture: {', '.join(others)} (give {flag} to "
                            "choose one)" if others else "")
                         + ("" if seen_model(base) else f"; {base.id} (fitted on other models) otherwise"))
        elif name is None and acc.vendor != "NVIDIA":
            notes.append(f"engine {base.id}: the default off NVIDIA GPUs (TensorRT-LLM runs on NVIDIA GPUs only)")
    if not runs_on(eng, acc):
        alt = sorted({e.id if saw(e, model_id, twins) else e.id.split("@")[0] for e in hw.engines.values()
                      if runs_on(e, acc) and (e.latest or saw(e, model_id, twins))})
        asked = f"engine '{name}' ({eng.id}, " if dated and name != eng.id else f"engine {eng.id} ("
        raise TcoError(f"{asked}{eng.name.split(' (')[0]}) runs on {' and '.join(eng.runs_on)} GPUs only; "
                       f"{acc.id} is {acc.vendor}'s",
                       hint=f"use {flag} " + " or ".join(alt) if alt else "no engine profile runs on it")
    if dated and eng.fitted_models and model_id not in eng.fitted_models and len(set(eng.fitted_models)) == 1:
        warns.append(f"{eng.id} was fitted on {eng.fitted_models[0]} runs only: for {model_id} its figures extrapolate "
                     "(on other models' runs it did worse than the profiles fitted on many: docs/selfhost-model.md, "
                     "section 9)")
    return eng, notes, warns, why
