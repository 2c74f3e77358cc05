"""Gold files: one JSON object per line with a question and what a correct answer contains."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class GoldQuestion(BaseModel):
    id: str
    lang: Literal["fr", "en"]
    question: str
    history: list[Turn] = Field(default_factory=list)
    # Groups of aliases: a correct answer contains one alias of every group.
    expect: list[list[str]] = Field(default_factory=list)
    answerable: bool
    sources: list[str] = Field(default_factory=list)


class GoldFileError(ValueError):
    pass


def load_gold(path: Path) -> list[GoldQuestion]:
    """Every question of the file; a malformed line is reported with its number, and nothing is run."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFileError(f"{path}: cannot read the gold file: {exc}") from exc
    questions, errors, seen = [], [], set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            question = GoldQuestion.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            errors.append(f"{path}:{number}: {' '.join(str(exc).split())[:300]}")
            continue
        if question.answerable and not question.expect:
            errors.append(f"{path}:{number}: an answerable question needs 'expect' aliases")
        if question.id in seen:
            errors.append(f"{path}:{number}: duplicate id {question.id!r}")
        seen.add(question.id)
        questions.append(question)
    if errors:
        raise GoldFileError("malformed gold file:\n" + "\n".join(errors))
    if not questions:
        raise GoldFileError(f"{path}: no questions")
    return questions
