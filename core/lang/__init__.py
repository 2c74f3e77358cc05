"""One home for the French and English language data: word lists, patterns and answer phrasings, kept as TOML files
beside this module and read by a small typed loader. Code elsewhere holds no word list of its own.

- `words.toml`: month names, honorifics, stop words, the function words that tell French from English.
- `questions.toml`: how a question says what it wants (question words, kinds of answer, next/last, two steps).
- `references.toml`: what points back to an earlier turn (pronouns, demonstratives, "there").
- `cues.toml`: words that mark a date as moved, and text addressed to an assistant.
- `facts.toml`: the vocabulary of fact extraction (roles, organisation heads, event kinds, participation).
- `phrases.toml`: every sentence the bot writes, in French and English, by skill.
- `glossary.toml`: the reviewed French <-> English titles and concepts.

Nothing here names a person, an organisation or a sentence of any document (tests/test_neutral.py checks it).
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
LANGUAGES = ("fr", "en")


@cache
def data(name: str) -> dict[str, Any]:
    """The parsed TOML file `name`.toml of this folder."""
    return tomllib.loads((HERE / f"{name}.toml").read_text(encoding="utf-8"))


def _value(name: str, key: str) -> Any:
    table: Any = data(name)
    for part in key.split("."):
        table = table[part]
    return table


@cache
def word_set(name: str, key: str) -> frozenset[str]:
    """A word list written as one string of words separated by white space."""
    return frozenset(str(_value(name, key)).split())


@cache
def word_list(name: str, key: str) -> tuple[str, ...]:
    """An ordered word list (a TOML array, or one string of words)."""
    value = _value(name, key)
    return tuple(value.split() if isinstance(value, str) else value)


@cache
def pattern(name: str, key: str, flags: int = 0) -> re.Pattern[str]:
    """A regular expression (most are matched on folded text: lower case, no accents)."""
    return re.compile(str(_value(name, key)), flags)


@cache
def patterns(name: str, key: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """An ordered table of `{kind = "...", pattern = "..."}`: the first kind whose pattern matches wins."""
    return tuple((str(row["kind"]), re.compile(str(row["pattern"]))) for row in _value(name, key))


@cache
def phrases(section: str) -> dict[str, dict[str, str]]:
    """The phrasings of one section of `phrases.toml`: language -> key -> template."""
    table = data("phrases")[section]
    return {language: dict(table[language]) for language in LANGUAGES}


def say(section: str, language: str, key: str, **values: Any) -> str:
    """One phrasing, filled: `say("when", "fr", "date", what=..., when=..., n=1)`. English for other languages."""
    table = phrases(section)
    return table.get(language, table["en"])[key].format(**values)


@cache
def known_words() -> frozenset[str]:
    """Every word the language data writes (its word lists, patterns and phrasings), folded: the words questions
    are asked with, which a spelling corrector must leave as they are."""
    from core.text import words  # core.text reads its own word lists from here

    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.update(w for w in words(value) if w.isalpha())
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in sorted(HERE.glob("*.toml")):
        walk(data(path.stem))
    return frozenset(found)
