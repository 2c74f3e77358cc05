"""Answer skills: one module per kind of answer from the facts (participants, a person's role, who holds a role,
when, where, next or last), each a `Skill` subclass. Every module of this package is loaded and its skills
registered, so adding a kind of answer is one new module, its phrasings in `core/lang/phrases.toml`, and its
tests. The reader tries them in their `order`; the evidence sentences answer when none does."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from bot.skills.base import Context, Draft, Skill

__all__ = ["Context", "Draft", "Skill", "registered"]


@cache
def registered() -> tuple[type[Skill], ...]:
    """Every skill of the package's modules, in the order they are tried."""
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")
    return tuple(sorted(_subclasses(Skill), key=lambda skill: skill.order))


def _subclasses(cls: type[Skill]) -> list[type[Skill]]:
    found = []
    for sub in cls.__subclasses__():
        if getattr(sub, "name", None) and getattr(sub, "order", None) is not None:
            found.append(sub)
        found += _subclasses(sub)
    return found
