"""The rooms of the house and which way a request flows: ui/cli -> service -> bot -> store and models, with ingest
writing to the store; core under everything. A room imports nothing from the rooms above it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Each room, and the rooms it must never import from.
FORBIDDEN = {
    "core": {"models", "store", "ingest", "bot", "service", "cli", "eval", "bench", "ui"},
    "models": {"store", "ingest", "bot", "service", "cli", "eval", "bench", "ui"},
    "store": {"ingest", "bot", "service", "cli", "eval", "bench", "ui"},
    "ingest": {"bot", "service", "cli", "eval", "bench", "ui"},
    "bot": {"ingest", "service", "cli", "eval", "bench", "ui"},
    "service": {"cli", "eval", "bench", "ui"},
}


def _imported_rooms(path: Path) -> set[str]:
    rooms = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            rooms |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            rooms.add(node.module.split(".")[0])
    return rooms


@pytest.mark.unit
@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_a_room_imports_nothing_from_the_rooms_above_it(room):
    wrong = {
        f"{path.relative_to(ROOT)} imports {bad}"
        for path in (ROOT / room).rglob("*.py")
        for bad in _imported_rooms(path) & FORBIDDEN[room]
    }
    assert not wrong, sorted(wrong)


@pytest.mark.unit
def test_the_ui_calls_only_the_service():
    assert _imported_rooms(ROOT / "ui.py") & {"core", "models", "store", "ingest", "bot"} == set()


@pytest.mark.unit
def test_every_skill_module_registers_a_skill_with_its_phrasings():
    from bot.skills import registered
    from core import lang

    skills = registered()
    modules = {p.stem for p in (ROOT / "bot" / "skills").glob("*.py")} - {"__init__", "base"}
    assert {s.__module__.rsplit(".", 1)[1] for s in skills} == modules
    assert [s.order for s in skills] == sorted(s.order for s in skills)
    phrased = lang.data("phrases")
    for skill in skills:
        if skill.name in phrased:  # a skill that writes its own sentences has them in both languages
            assert set(phrased[skill.name]["fr"]) == set(phrased[skill.name]["en"]), skill.name
