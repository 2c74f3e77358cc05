"""Text in documents that addresses an assistant rather than readers: never used as evidence, never obeyed."""

from __future__ import annotations

from core import lang
from core.text import fold


def is_instruction(text: str, folded: bool = False) -> bool:
    """Does the text give orders to an assistant ("ignore all previous instructions…")? `folded`: already folded."""
    return bool(lang.pattern("cues", "instruction").search(text if folded else fold(text)))
