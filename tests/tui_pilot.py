"""Shared by the app's tests: a scenario with comments, and driving the app headless with
Pilot (``asyncio.run`` around ``app.run_test``; no plugin)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tco.tui.app import TcoApp
from tco.tui.state import Session

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "scenarios" / "support-assistant.yaml"
OPEN_VS_CLOSED = ROOT / "scenarios" / "open-vs-closed-405b.yaml"

SCENARIO = """\
# Our support bot: numbers agreed with finance on 2024-06-03.
name: Support assistant   # shown in reports
currency: USD
as_of: 2024-06-01
workload:
  requests_per_day: 10000   # from the May dashboard
  input_tokens: 1500        # mean per request
  output_tokens: 500
  days_per_month: 30
quality:
  profile: {mmlu-cot: 1, humaneval: 1}   # what we care about
  min_coverage: 0.5
candidates:
  - openai/gpt-4o           # the incumbent
  - deepseek/deepseek-chat
  - anthropic/claude-3.5-sonnet
# end of file
"""


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    """:data:`SCENARIO` in a file of its own (import the fixture into a test module to use it)."""
    p = tmp_path / "support.yaml"
    p.write_text(SCENARIO, encoding="utf-8")
    return p


def drive(session: Session, steps: Callable[[TcoApp, Any], Awaitable[None]], size: tuple[int, int] = (100, 32),
          failures_expected: bool = False, toasts: bool = False) -> TcoApp:
    """Run the app headless at ``size`` and let ``steps(app, pilot)`` drive it. Nothing may
    have gone wrong inside (the guard turns an exception into a toast: tests must not miss it).
    Toasts are drawn only with ``toasts``."""
    app = TcoApp(session, blink=False)

    async def main() -> None:
        async with app.run_test(size=size, notifications=toasts) as pilot:
            await pilot.pause()
            await steps(app, pilot)

    asyncio.run(main())
    if not failures_expected:
        assert not app.failures, app.failures
    return app


def cell(app: TcoApp, row: str, col: str) -> str:
    return str(app.table.get_cell(row, col)).strip()


async def submit_path(pilot: Any, path: Any) -> None:
    """In a save or export dialog: put ``path`` in its path field and press enter."""
    pilot.app.screen.query_one("#path").value = str(path)
    await pilot.press("enter")
    await pilot.pause()


async def type_into(pilot: Any, field: str, text: str, paste: bool = False) -> None:
    """Focus a field and type ``text`` key by key (every keystroke is an edit), or paste it."""
    app: TcoApp = pilot.app
    inp = app.panel.input(field)
    inp.focus()
    await pilot.pause()
    if paste:
        inp.value = text
    else:
        inp.value = ""
        await pilot.press(*list(text))
    await pilot.pause()




def screen(app: TcoApp) -> str:
    """What the terminal shows, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
