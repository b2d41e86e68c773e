"""Renderers: estimates as a bill-like table, JSON, CSV or Markdown (:mod:`.estimate`);
break-even ranges (:mod:`.breakeven`); the ``tco selfhost`` report (:mod:`.selfhost`);
catalog lists and entries (:mod:`.catalog`); shared number formats (:mod:`.format`).

Plain string formatting only (no rich): the CLI path stays light, and the app exports
through the same functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .estimate import render_csv, render_markdown, render_table

if TYPE_CHECKING:
    from ..plan.result import Estimate

FORMATS = ("table", "json", "csv", "markdown")


def render(est: Estimate, fmt: str = "table", width: int | None = None) -> str:
    """Render an estimate in one of :data:`FORMATS`."""
    if fmt == "json":
        import json

        return json.dumps(est.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return render_csv(est)
    if fmt == "markdown":
        return render_markdown(est)
    if fmt == "table":
        return render_table(est, width)
    from ..errors import TcoError

    raise TcoError(f"unknown format {fmt!r}", field="fmt",
                   hint=f"choose from {', '.join(FORMATS)}" + ("; the HTML report is `tco report FILE` (its charts' "
                                                             "curves come from the scenario, not the estimate)"
                                                             if fmt == "html" else ""))
