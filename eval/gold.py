"""Gold files: one JSON object per line with a question and what a correct answer contains.

`eval/gold.jsonl` is the development set (tuned on); `eval/heldout.jsonl` is never tuned on.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, Field, ValidationError, field_validator

Language = Literal["fr", "en"]
# What kind of answer the question wants; the report gives accuracy per kind.
GeneralKind = Literal[
    "fact",
    "person",
    "list",
    "count",
    "yes-no",
    "two-step",
    "absent",
    "partial",
    "follow-up",
    "cross-document",
    "temporal",
]
# Questions about tables and numbers (eval/heldout_tables.jsonl).
TableKind = Literal["cell", "sum", "extreme", "negation", "comparison", "number-in-words"]
Kind = GeneralKind | TableKind
KINDS: tuple[str, ...] = get_args(GeneralKind)  # the general held-out set covers every one
ALL_KINDS: tuple[str, ...] = KINDS + get_args(TableKind)


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class AliasGroup(BaseModel):
    """Ways of writing one expected fact; a correct answer contains one of them.

    In a file, a group is a list (aliases good in any language: names, numbers) or an object with `fr`, `en`
    and `any` lists. Language-strict scoring accepts, for a question in English, only `en` and `any` aliases.
    """

    fr: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)

    def aliases(self, language: str | None = None) -> list[str]:
        """The aliases an answer in `language` may use; all of them when `language` is None."""
        if language is None:
            return [*self.any, *self.fr, *self.en]
        return [*self.any, *getattr(self, language, [])]


class GoldQuestion(BaseModel):
    id: str
    lang: Language
    kind: Kind
    question: str
    history: list[Turn] = Field(default_factory=list)
    # A correct answer contains one alias of every group.
    expect: list[AliasGroup] = Field(default_factory=list)
    # What the quoted sentences must hold, when it differs from `expect` ("yes" is not in any quote; [] = not judged).
    cited: list[AliasGroup] | None = None
    answerable: bool
    # The documents only answer part of the question: a correct answer gives that part and says what is missing.
    partial: bool = False
    # The document ids the answer is in (or, for an unanswerable question, the documents it is about).
    sources: list[str] = Field(default_factory=list)
    # The date the question is asked on, for "next" and "last" questions.
    today: date | None = None

    @field_validator("expect", "cited", mode="before")
    @classmethod
    def _plain_lists_are_any_language(cls, groups: object) -> object:
        if isinstance(groups, list):
            return [{"any": group} if isinstance(group, list) else group for group in groups]
        return groups

    @property
    def expect_cited(self) -> list[AliasGroup]:
        return self.expect if self.cited is None else self.cited


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
        if question.partial and not question.answerable:
            errors.append(f"{path}:{number}: a partial question is answerable in part: set 'answerable' true")
        if question.id in seen:
            errors.append(f"{path}:{number}: duplicate id {question.id!r}")
        seen.add(question.id)
        questions.append(question)
    if errors:
        raise GoldFileError("malformed gold file:\n" + "\n".join(errors))
    if not questions:
        raise GoldFileError(f"{path}: no questions")
    return questions
