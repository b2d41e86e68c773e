"""Schemas of the hand-written files beside an imported catalog (``pricing/imported/<catalog>/``):
``map.yaml`` (how the maintained catalog's providers and models map onto ours, with reasons)
and ``check-notes.yaml`` (why a curated price differs from the imported one on a date).

The generated provider files next to them are ordinary :class:`tco.schema.catalog.ProviderFile`s.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from .base import OfferId, Slug, Strict


class Entry(Strict):
    """One model of the maintained catalog, as it names it."""

    provider: str
    """The provider id exactly as the maintained catalog writes it (``openai``, ``aws``)."""
    model: str
    """The model id exactly as the maintained catalog writes it."""
    why: str = Field(min_length=1)
    """The reason, for a reviewer."""


class NotSame(Entry):
    """An automatic link (same API name) refused: the two are not the same thing."""

    offer: OfferId
    """The curated offer (``pricing/api/``)."""


class Link(NotSame):
    """A model of the maintained catalog that is the same thing as one curated offer."""

    serves: Slug | None = None
    """The model the continued price points serve, where the curated history's last one is out
    of date (an alias that moved on since); None: the last curated point's model."""


class SkipModel(Entry):
    """One model of the maintained catalog not imported, and why."""


class ModelLink(Entry):
    """An imported offer whose model is one of ours under another name (quality follows it)."""

    our_model: Slug


class Retirement(Entry):
    """A model of the maintained catalog its vendor shut down on a stated day, which that catalog
    does not say (it keeps listing shut-down models so that old usage can still be priced)."""

    day: date
    """The shutdown day: the model no longer answers from it (the stated day; the next one where the
    source says access ends after that day or during it)."""
    source: str = Field(min_length=1)
    """Where it is stated (a vendor's deprecation page; a copy read, by repository and commit)."""
    successor: str | None = None
    """The replacement the source names, if any."""


class ImportMap(Strict):
    """``map.yaml``: how a maintained catalog maps onto this one."""

    catalog: str
    """The maintained catalog, e.g. ``genai-prices``."""
    providers: dict[str, Slug]
    """Its provider id -> our provider slug. A provider neither here nor in ``skip`` is imported
    under its own id made a slug (and ``tco catalog update`` says so)."""
    first_party: tuple[str, ...] = ()
    """Its provider ids that sell their own models (the others host someone else's)."""
    skip: dict[str, str] = {}
    """Its provider id (or a shell pattern such as ``huggingface_*``) -> why it is not imported."""
    skip_models: tuple[SkipModel, ...] = ()
    """Single models not imported (a figure the curated layer knows to be wrong or unknown)."""
    links: tuple[Link, ...] = ()
    """Links the automatic rule (same provider, same API name) does not make, or makes without
    knowing the model served now."""
    not_same: tuple[NotSame, ...] = ()
    """Automatic links refused."""
    models: tuple[ModelLink, ...] = ()
    """Imported offers whose model is one of ours under another name."""
    retired: tuple[Retirement, ...] = ()
    """Models shut down on a stated day that the maintained catalog still lists as if on sale."""


class CheckNote(Strict):
    """Why a curated price and the imported one differ on a date (printed by ``tco catalog check``)."""

    offer: OfferId
    date: date
    """The date the difference is reported on (a price point's effective_from)."""
    why: str = Field(min_length=1)


class CheckNotesFile(Strict):
    """``check-notes.yaml``: the explained differences between curated and imported prices."""

    notes: tuple[CheckNote, ...] = ()
