"""Golden text screens of the app at 80x24 and 160x50.

The screen is rendered headless and compared as plain text (characters, no colours) with
``tests/snapshots/*.txt``. Deterministic: a fixed as_of in the scenario, no clock, cursor
blink off, a fixed display name. After a deliberate change, look at the new screens and
regenerate them with ``TCO_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_tui_snapshot.py``.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("textual")

from tco.tui.app import TcoApp  # noqa: E402
from tco.tui.state import Session  # noqa: E402

HERE = Path(__file__).resolve().parent / "snapshots"
UPDATE = os.environ.get("TCO_UPDATE_SNAPSHOTS") == "1"


def screen_text(size: tuple[int, int], catalog: Any, keys: tuple[str, ...] = ()) -> str:
    session = Session.open(HERE / "tui_scenario.yaml", catalog)
    session.display_name = "tui_scenario.yaml"
    app = TcoApp(session, blink=False)
    out: list[str] = []

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            for k in keys:
                await pilot.press(k)
                await pilot.pause()
            await pilot.pause()
            out.extend(strip.text.rstrip() for strip in app.screen._compositor.render_strips())

    asyncio.run(main())
    return "\n".join(out) + "\n"


@pytest.mark.parametrize(("name", "size", "keys"), [
    ("main_80x24", (80, 24), ()),
    ("main_160x50", (160, 50), ()),
    ("volume_80x24", (80, 24), ("f4",)),
    ("quality_80x24", (80, 24), ("f3",)),
])
def test_screen_matches_golden(name: str, size: tuple[int, int], keys: tuple[str, ...], catalog: Any) -> None:
    text = screen_text(size, catalog, keys)
    golden = HERE / f"tui_{name}.txt"
    if UPDATE or not golden.exists():
        golden.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"wrote a new golden screen {golden.name}: check it and commit it")
    assert text == golden.read_text(encoding="utf-8"), (
        f"the screen differs from {golden.name}; if the change is intended, check it and rerun with "
        "TCO_UPDATE_SNAPSHOTS=1")
    lines = text.splitlines()
    assert len(lines) == size[1] and all(len(line) <= size[0] for line in lines)


def test_rendering_is_deterministic(catalog: Any) -> None:
    assert screen_text((80, 24), catalog) == screen_text((80, 24), catalog)
