"""The runtime form of validated data: plain frozen records, no pydantic.

Files are validated once with the pydantic schemas in :mod:`tco.schema`; what the engine
and the reports read afterwards is a :class:`Record` tree (``freeze(model)``), which is
cheap to cache and to load: a warm ``tco estimate`` never imports pydantic.

A record has the same attribute names as its model, the model's computed properties
materialized (``PricePoint.factor``, ``FxRate.known_from``, ``Workload.monthly_requests``),
``model_dump()`` for the places that want plain data, and ``_kind`` (the model's class name).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

EXTRAS: dict[str, tuple[str, ...]] = {
    "PricePoint": ("factor",),
    "FxRate": ("known_from",),
    "OffPeak": ("week_share",),
    "Workload": ("monthly_requests", "model_fields_set"),  # which fields the file wrote (a warning says so)
    **{name: ("central",) for name in ("VolumeRange", "MonthlyVolumeRange", "InputTokensRange", "OutputTokensRange",
                                       "ShareRange", "PeakRange", "FactorRange", "RateRange", "UtilizationRange",
                                       "ThroughputRange")},
}
"""Computed properties materialized as attributes when a model is frozen."""


class Record:
    """A frozen bag of attributes standing in for a validated pydantic model."""

    def __init__(self, kind: str, fields: dict[str, Any], extras: tuple[str, ...] = ()) -> None:
        object.__setattr__(self, "__dict__", dict(fields))
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_extras", extras)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._kind} record is frozen")

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self._fields().items())
        return f"{self._kind}({fields})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Record) and self._kind == other._kind and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash((self._kind, tuple(self._fields())))

    def __reduce__(self) -> tuple[Any, ...]:
        data = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}  # fields and extras
        return (_rebuild, (type(self), self._kind, data, self._extras))

    def _fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_") and k not in self._extras}

    def model_dump(self, mode: str = "python") -> dict[str, Any]:
        """The record as plain data (dates as ISO strings with ``mode="json"``), like pydantic's."""
        return {k: _dump(v, mode) for k, v in self._fields().items()}


class PriceRecord(Record):
    """A price point: ``per_mtok(value)`` normalizes a price in its unit to per 1M tokens."""

    def per_mtok(self, value: float | None) -> float | None:
        return None if value is None else value * self.factor  # type: ignore[attr-defined, no-any-return]


CLASSES: dict[str, type[Record]] = {"PricePoint": PriceRecord}


def _rebuild(cls: type[Record], kind: str, fields: dict[str, Any], extras: tuple[str, ...]) -> Record:
    rec = cls.__new__(cls)
    object.__setattr__(rec, "__dict__", dict(fields))
    object.__setattr__(rec, "_kind", kind)
    object.__setattr__(rec, "_extras", extras)
    return rec


def _dump(v: Any, mode: str) -> Any:
    if isinstance(v, Record):
        return v.model_dump(mode)
    if isinstance(v, (list, tuple)):
        return [_dump(x, mode) for x in v]
    if isinstance(v, dict):
        return {k: _dump(x, mode) for k, x in v.items()}
    if mode == "json" and isinstance(v, date):
        return v.isoformat()
    return v


def freeze(obj: Any) -> Any:
    """A pydantic model (and everything inside it) as records; other values unchanged,
    lists as tuples."""
    fields = getattr(type(obj), "model_fields", None)
    if fields is not None:
        kind = type(obj).__name__
        extras = EXTRAS.get(kind, ())
        data = {name: freeze(getattr(obj, name)) for name in fields}
        for name in extras:
            value = getattr(obj, name)
            data[name] = frozenset(value) if isinstance(value, set) else value
        return CLASSES.get(kind, Record)(kind, data, extras)
    if isinstance(obj, (list, tuple)):
        return tuple(freeze(x) for x in obj)
    if isinstance(obj, dict):
        return {k: freeze(v) for k, v in obj.items()}
    return obj


class LazyMap(Mapping[str, Any]):
    """A read-only mapping of id -> record whose values stay pickled until first read.

    The on-disk catalog cache keeps offers and models this way: a warm ``tco estimate`` of a
    catalog of a thousand imported offers unpickles the few it prices, not all of them.
    Iterating the keys is free; ``values()``/``items()`` unpickle everything (a listing)."""

    __slots__ = ("_done", "_raw")

    def __init__(self, raw: dict[str, bytes]) -> None:
        self._raw = raw
        self._done: dict[str, Any] = {}

    @classmethod
    def pack(cls, mapping: Mapping[str, Any]) -> LazyMap:
        """Each value pickled apart."""
        import pickle

        return cls({k: pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL) for k, v in mapping.items()})

    def __getitem__(self, key: str) -> Any:
        try:
            return self._done[key]
        except KeyError:
            import pickle

            value = self._done[key] = pickle.loads(self._raw[key])
            return value

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __reduce__(self) -> tuple[Any, ...]:
        return (LazyMap, (self._raw,))
