"""Shared pydantic base classes and field types for catalog and scenario files.

No numpy and no I/O here: these are the shapes of the YAML files, validated once.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from .currency import currency_or_text
from .numbers import PATTERN, human_number, human_share

SCHEMA_DOCS = os.environ.get("TCO_SCHEMA_DOCS") == "1"
"""Attribute docstrings become JSON-schema descriptions only when exporting schemas
(``TCO_SCHEMA_DOCS=1``): reading them costs ~65 ms of start-up on every run."""


class Strict(BaseModel):
    """Base for every file-backed model: unknown keys are errors, values are frozen.

    ``defer_build``: a model's validator is built on first use, so a run that reads the
    catalog from its compiled cache never pays for building the catalog schemas.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True,
                              use_attribute_docstrings=SCHEMA_DOCS)


Status = Literal["verified", "single-source", "unverified"]
"""How well a figure is established: two or more independent sources, one source, or a hint."""

NonNeg = Annotated[float, Field(ge=0)]
Pos = Annotated[float, Field(gt=0)]
Share = Annotated[float, Field(ge=0, le=1)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=100)]
OfferId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._:-]*$", max_length=140)]
Currency = Annotated[str, BeforeValidator(currency_or_text), Field(pattern=r"^[A-Z]{3}$")]
"""An ISO 4217 code; ``cny``, ``RMB`` and ``yuan`` are read as ``CNY`` (see :mod:`.currency`)."""


def number(*, gt: float | None = None, ge: float | None = None, le: float | None = None, share: bool = False,
           strict: bool = True) -> Any:
    """A finite number field of a user-written file that also takes numbers as people write
    them (``10k``, ``1.5M``, ``10,000``; with ``share``, ``30%``), with the same meaning as
    the app's fields. Booleans stay errors. The JSON Schema says both forms."""
    bounds = {k: v for k, v in (("exclusiveMinimum", gt), ("minimum", ge), ("maximum", le)) if v is not None}
    text = {"type": "string", "pattern": PATTERN,
            "description": "a number as text: 10k, 1.5M, 10,000" + (", or a percentage: 30%" if share else "")}
    return Annotated[float, BeforeValidator(human_share if share else human_number),
                     Field(gt=gt, ge=ge, le=le, strict=strict, allow_inf_nan=False),
                     WithJsonSchema({"anyOf": [{"type": "number", **bounds}, text]})]


class Provenance(Strict):
    """Where a figure comes from and how sure we are of it."""

    source: str = Field(min_length=1)
    """A URL, a repository path at a commit, or a seed file name with its section."""
    checked: date
    """The date a person last checked the figure against its source."""
    status: Status
    """verified (two or more sources), single-source, or unverified."""
    note: str | None = None
    """Anything a reader should know: date uncertainty, conflicts between sources."""


Line = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]*$")]
"""One line of display text, 200 characters at most: no newline, control character or bidirectional override
(U+202A-202E, U+2066-2069: a name that printed backwards in tables and reports)."""
