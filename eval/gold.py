"""Gold sets: questions and what a correct answer contains, as JSON lines (`.jsonl`), `.csv` or `.xlsx`.

`eval/gold.jsonl` is the development set (tuned on); `eval/heldout.jsonl` is never tuned on. Both use every
field; a file of one's own needs only `question`, with `expect` (what a correct answer contains) or
`answerable: false`. A line that cannot be read is reported with its number and what to change; the others
are kept (`read_gold`), unless the caller wants all or nothing (`load_gold`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from core.errors import PartnerbotError
from core.text import fold, guess_language

Language = Literal["fr", "en"]
# The labels the project's own gold sets use (the held-out set has every one). They are suggestions: `kind` is any
# label an evaluator likes ("schedule", "budget"), and the report gives accuracy per label found.
SUGGESTED_KINDS: tuple[str, ...] = (
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
)
KINDS = SUGGESTED_KINDS  # the former name, which the held-out checks use
NO_KIND = "(no kind)"  # the report's label for questions given without one

GOLD_SUFFIXES = (".jsonl", ".csv", ".xlsx")
COMMENT_MARKS = ("#", "//")  # a line (or a spreadsheet row) starting so is an explanation, not a question

_LANGUAGES = {"fr": "fr", "french": "fr", "francais": "fr", "en": "en", "english": "en", "anglais": "en"}
_YES = {"true", "yes", "y", "1", "oui", "vrai"}
_NO = {"false", "no", "n", "0", "non", "faux"}


def as_text(value: Any) -> Any:
    """Numbers written where text is meant (an id, an alias "4" in a spreadsheet) as text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, int | float) else value


def _as_list(value: Any) -> Any:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return [as_text(value)]
    return [as_text(v) for v in value] if isinstance(value, list) else value


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


def parse_turn(text: str) -> dict[str, str]:
    """ "assistant: ..." (or "bot: ...") is the bot's turn; anything else, "user:" or not, the asker's."""
    head, _, rest = text.partition(":")
    role = {"user": "user", "assistant": "assistant", "bot": "assistant"}.get(head.strip().lower())
    return {"role": role, "content": rest.strip()} if role else {"role": "user", "content": text.strip()}


class AliasGroup(BaseModel):
    """Ways of writing one expected fact; a correct answer contains one of them.

    In a file, a group is a list (aliases good in any language: names, numbers) or an object with `fr`, `en`
    and `any` lists. Language-strict scoring accepts, for a question in English, only `en` and `any` aliases.
    """

    fr: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)

    @field_validator("fr", "en", "any", mode="before")
    @classmethod
    def _one_alias_is_a_list(cls, value: Any) -> Any:
        return _as_list(value)

    def aliases(self, language: str | None = None) -> list[str]:
        """The aliases an answer in `language` may use; all of them when `language` is None."""
        if language is None:
            return [*self.any, *self.fr, *self.en]
        return [*self.any, *getattr(self, language, [])]


def expect_groups(value: Any) -> Any:
    """`expect` as groups: a text is one alias, a list of texts one group (any of them), a list of lists or
    objects one group each (today's shape), an object one group."""
    if isinstance(value, str | int | float | dict) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):
        return value
    scalars = [isinstance(v, str | int | float) and not isinstance(v, bool) for v in value]
    if value and all(scalars):
        return [{"any": _as_list(value)}]
    if any(scalars):
        raise ValueError(
            "mixes aliases and groups: write a list of aliases (any one of them is right), "
            'or a list of groups such as [["Jeanne Exemple"], ["12 March 2031", "12 mars 2031"]] (one of every group)'
        )
    return [{"any": group} if isinstance(group, list) else group for group in value]


class GoldQuestion(BaseModel):
    id: str
    lang: Language  # detected from the question when not given
    kind: str = ""  # any label; see SUGGESTED_KINDS
    question: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    history: list[Turn] = Field(default_factory=list)
    # A correct answer contains one alias of every group.
    expect: list[AliasGroup] = Field(default_factory=list, validation_alias=AliasChoices("expect", "expected"))
    # What the quoted sentences must hold, when it differs from `expect` ("yes" is not in any quote; [] = not judged).
    cited: list[AliasGroup] | None = None
    answerable: bool  # true by default when `expect` is given
    # The documents only answer part of the question: a correct answer gives that part and says what is missing.
    partial: bool = False
    # The document ids the answer is in (or, for an unanswerable question, the documents it is about).
    sources: list[str] = Field(default_factory=list)
    # The date the question is asked on, for "next" and "last" questions.
    today: date | None = None

    @model_validator(mode="before")
    @classmethod
    def _defaults_from_the_rest(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = {key: value for key, value in data.items() if value is not None and value != ""}  # empty cells
        question = data.get("question")
        if "lang" not in data and isinstance(question, str) and question.strip():
            data["lang"] = guess_language(question)
        if "answerable" not in data and (data.get("expect") or data.get("expected")):
            data["answerable"] = True
        return data

    @field_validator("id", "kind", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        value = as_text(value)
        return value.strip() if isinstance(value, str) else value

    @field_validator("lang", mode="before")
    @classmethod
    def _language_name(cls, value: Any) -> Any:
        return _LANGUAGES.get(fold(value).strip(), value) if isinstance(value, str) else value

    @field_validator("answerable", "partial", mode="before")
    @classmethod
    def _yes_no(cls, value: Any) -> Any:
        if isinstance(value, str) and fold(value).strip() in _YES | _NO:
            return fold(value).strip() in _YES
        return value

    @field_validator("expect", "cited", mode="before")
    @classmethod
    def _alias_groups(cls, value: Any) -> Any:
        return expect_groups(value)

    @field_validator("history", mode="before")
    @classmethod
    def _turns(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            return [parse_turn(turn) if isinstance(turn, str) else turn for turn in value]
        return value

    @field_validator("sources", mode="before")
    @classmethod
    def _one_source(cls, value: Any) -> Any:
        return _as_list(value)

    @property
    def expect_cited(self) -> list[AliasGroup]:
        return self.expect if self.cited is None else self.cited

    @property
    def label(self) -> str:
        """The kind the report groups this question under."""
        return self.kind or NO_KIND


# What to write in a field, said after what was wrong with it.
_HINTS = {
    "question": "write the question as a user would ask it",
    "expect": "what a correct answer contains: a text, a list of texts (any one is right), or a list of groups "
    "(one alias of every group)",
    "expected": "aliases separated by |, groups by ;",
    "answerable": "give 'expect' (what a correct answer contains), or set 'answerable' to false when the documents "
    "do not answer the question",
    "lang": "fr or en, or leave it out to have it detected from the question",
    "history": "the previous turns: a list of texts (the asker's; \"assistant: ...\" for the bot's) or of "
    '{"role": "user", "content": "..."}',
    "today": "a date written YYYY-MM-DD",
    "partial": "true or false",
    "sources": "the file names of the documents that hold the answer",
    "id": "a text",
    "kind": "any label, such as fact or schedule",
    "cited": "the same shape as 'expect'",
}


def explain(error: ValidationError) -> str:
    """Pydantic's complaints about one line, each with the field and what to write in it."""
    parts = []
    for problem in error.errors():
        name = str(problem["loc"][0]) if problem["loc"] else ""
        message = problem["msg"].removeprefix("Value error, ")
        if problem["type"] == "missing":
            message = "is missing"
        elif problem["type"] == "literal_error":
            message = f"{problem['input']!r} is not accepted"
        hint = _HINTS.get(name)
        parts.append(f"'{name}' {message}" + (f": {hint}" if hint and hint not in message else ""))
    return "; ".join(dict.fromkeys(parts))


class GoldFileError(PartnerbotError, ValueError):
    """A gold file that cannot be used; the message names each line and says what to change."""


@dataclass
class GoldSet:
    """The questions of a gold file that could be read, and a message for each line that could not."""

    path: Path
    questions: list[GoldQuestion]
    problems: list[str] = field(default_factory=list)  # "FILE:LINE: what is wrong: what to write"
    notes: list[str] = field(default_factory=list)  # nothing wrong, worth knowing (a column that is not used)


def _json_rows(path: Path) -> tuple[list[tuple[int, dict[str, Any] | str]], list[str]]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFileError(f"{path}: cannot read the gold file: {exc}") from exc
    rows: list[tuple[int, dict[str, Any] | str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith(COMMENT_MARKS):
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append((number, f"not JSON ({exc.msg} at column {exc.colno}): write one JSON object a line"))
            continue
        rows.append((number, row if isinstance(row, dict) else 'not an object: write {"question": "...", ...}'))
    return rows, []


def read_gold(path: Path) -> GoldSet:
    """Every question of the file that can be read; a line that cannot is a problem with its number.

    A line (or spreadsheet row) without `id` gets its number as id.
    """
    suffix = path.suffix.lower()
    if suffix not in GOLD_SUFFIXES:
        raise GoldFileError(f"{path}: a gold file is {', '.join(GOLD_SUFFIXES)}, not {suffix or 'without extension'}")
    if not path.is_file():
        raise GoldFileError(f"{path}: no such file")
    if suffix == ".jsonl":
        rows, notes = _json_rows(path)
    else:
        from eval.sheets import sheet_rows

        rows, notes = sheet_rows(path)
    gold = GoldSet(path, [], notes=notes)
    seen: set[str] = set()
    for number, row in rows:
        where = f"{path}:{number}"
        if isinstance(row, str):
            gold.problems.append(f"{where}: {row}")
            continue
        try:
            question = GoldQuestion.model_validate({"id": str(number), **row})
        except ValidationError as exc:
            gold.problems.append(f"{where}: {explain(exc)}")
            continue
        if question.answerable and not question.expect:
            gold.problems.append(f"{where}: 'answerable' is true but 'expect' is empty: {_HINTS['answerable']}")
        elif question.partial and not question.answerable:
            gold.problems.append(f"{where}: 'partial' questions are answered in part: set 'answerable' to true")
        elif question.id in seen:
            gold.problems.append(f"{where}: id {question.id!r} is used by an earlier line: give each its own")
        else:
            seen.add(question.id)
            gold.questions.append(question)
    return gold


def load_gold(path: Path) -> list[GoldQuestion]:
    """Every question of the file, or GoldFileError naming each line that cannot be read: all or nothing."""
    gold = read_gold(path)
    if gold.problems:
        raise GoldFileError("malformed gold file:\n" + "\n".join(gold.problems))
    if not gold.questions:
        raise GoldFileError(f"{path}: no questions")
    return gold.questions
