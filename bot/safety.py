"""Text in documents that addresses an assistant rather than readers: never used as evidence."""

from __future__ import annotations

import re

from core.text import fold

# Matched on folded text (lower case, no accents).
_INSTRUCTION = re.compile(
    r"(ignore[rz]? (all |toutes? )?(the |les )?(previous |above |prior |precedentes? )?"
    r"(instructions?|consignes?|regles)"
    r"|system prompt|prompt systeme|you are now|tu es (maintenant|desormais)|vous etes (maintenant|desormais)"
    r"|disregard (all|the|previous)|oublie[rz]? (tout|toutes|les) (instructions|consignes)"
    r"|as an ai|en tant qu'ia|answer (only|always) with|reponds? (toujours|uniquement)|assistant ?:)"
)


def is_instruction(text: str) -> bool:
    return bool(_INSTRUCTION.search(fold(text)))
