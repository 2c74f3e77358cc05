"""Find the sentences of the retrieved passages that answer a question, or decide that none does."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from langchain_core.documents import Document

from ingest.embeddings import Embedder
from ingest.text import content_words, fold, sentences

_MONTHS = (
    "janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|"
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
_DATE = re.compile(rf"\b(\d{{1,2}}(er)? )?({_MONTHS})( \d{{4}})?\b|\b(19|20)\d\d\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b")
_DIGITS = re.compile(r"\d")
_NUMBER_WORD = re.compile(
    r"\b(un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|quinze|vingt|trente|cent|cents|mille|million|"
    r"millions|milliard|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|hundred|thousand|"
    r"dozen|douzaine|one)\s+(\w+)"
)
# "how many students", "combien d'institutions": the thing counted.
_COUNTED = re.compile(r"\b(how many|combien d|combien de|number of|nombre d|nombre de)\s*(\w+)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_PHONE = re.compile(r"\+?\d[\d .-]{7,}\d")
_URL = re.compile(r"https?://|www\.")

# Which questions need which kind of fact in the evidence (matched on folded text).
_ASKS = [
    ("date", re.compile(r"\b(when|what date|which (day|month|year)|quand|quelle date|en quelle (annee|mois)|date)\b")),
    (
        "quantity",
        re.compile(
            r"\b(how (many|much)|combien|budget|cost|costs|price|amount|montant|cout|prix|nombre de|number of|"
            r"salary|salaire|funding|financement|euros?|dollars?|percentage|pourcentage)\b"
        ),
    ),
    ("email", re.compile(r"\b(e-?mail|courriel|mail address|adresse (e-?)?mail)\b")),
    ("phone", re.compile(r"\b(phone|telephone|tel|numero de telephone|phone number)\b")),
    ("url", re.compile(r"\b(website|web site|url|site web|site internet|link|lien)\b")),
]

# Text addressed to an assistant rather than to readers: never used as evidence.
_INSTRUCTION = re.compile(
    r"(ignore[rz]? (all |toutes? )?(the |les )?(previous |above |prior |precedentes? )?"
    r"(instructions?|consignes?|regles)"
    r"|system prompt|prompt systeme|you are now|tu es (maintenant|desormais)|vous etes (maintenant|desormais)"
    r"|disregard (all|the|previous)|oublie[rz]? (tout|toutes|les) (instructions|consignes)"
    r"|as an ai|en tant qu'ia|answer (only|always) with|reponds? (toujours|uniquement)|assistant ?:)"
)


@dataclass(frozen=True)
class Need:
    """The kind of fact a question asks for, and for a count, what is counted."""

    kind: str | None
    counted: str = ""


def asks_for(question: str) -> Need:
    folded = fold(question)
    for kind, pattern in _ASKS:
        if pattern.search(folded):
            counted = _COUNTED.search(folded) if kind == "quantity" else None
            return Need(kind, counted.group(2)[:5] if counted else "")
    return Need(None)


def has_fact(need: Need, text: str) -> bool:
    folded = fold(text)
    kind = need.kind
    if kind == "date":
        return bool(_DATE.search(folded))
    if kind == "quantity":
        undated = _DATE.sub(" ", folded)
        if _DIGITS.search(undated):
            return True
        # A number in words counts only next to the thing counted: "quatre institutions", not "deux pays".
        return bool(need.counted) and any(word.startswith(need.counted) for _, word in _NUMBER_WORD.findall(undated))
    if kind == "email":
        return bool(_EMAIL.search(text))
    if kind == "phone":
        return bool(_PHONE.search(_DATE.sub(" ", folded)))
    if kind == "url":
        return bool(_URL.search(folded))
    return True


def is_instruction(text: str) -> bool:
    return bool(_INSTRUCTION.search(fold(text)))


@dataclass(frozen=True)
class Evidence:
    sentence: str
    document: Document
    offset: int  # where the sentence starts in the passage
    score: float


class SentenceScorer:
    """Scores sentences against a question: multilingual embedding similarity plus shared words.

    Sentence vectors are cached: the same passages come back for many questions.
    """

    def __init__(self, embedder: Embedder, lexical_weight: float = 0.15, cache_size: int = 50_000):
        self.embedder = embedder
        self.lexical_weight = lexical_weight
        self.cache_size = cache_size
        self._cache: dict[str, np.ndarray] = {}

    def _vectors(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            if len(self._cache) + len(missing) > self.cache_size:
                self._cache.clear()
            for text, vector in zip(missing, self.embedder.embed_documents(missing), strict=True):
                self._cache[text] = np.asarray(vector, dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def score(self, question: str, texts: list[str]) -> list[float]:
        if not texts:
            return []
        query = np.asarray(self.embedder.embed_query(question), dtype=np.float32)
        dense = self._vectors(texts) @ query
        terms = set(content_words(question))
        lexical = [word_overlap(terms, text) for text in texts]
        return [float(d + self.lexical_weight * x) for d, x in zip(dense, lexical, strict=True)]


def word_overlap(terms: set[str], text: str) -> float:
    """Share of the question's words found in the text, matching on a 5-letter stem (signed ~ signée).

    Numbers count only beside a shared word: in a large corpus some sentence always shares the year a
    question names without being about it.
    """
    stems = {w[:5] for w in content_words(text)}
    shared = [t for t in terms if t[:5] in stems]
    if all(t.isdigit() for t in shared):
        return 0.0
    return len(shared) / len(terms)


def is_statement(sentence: str) -> bool:
    """A heading ("Nouvelles pistes de collaboration") names a topic but states nothing."""
    return sentence.rstrip()[-1:] in '.!?…»)"' or len(sentence.split()) > 12


def split_evidence(documents: list[Document]) -> list[tuple[str, Document, int]]:
    """The distinct whole sentences of the passages with their offsets.

    Left out: headings, text that gives orders to an assistant, and a sentence cut at a passage's edge
    when the neighbouring passage holds it whole.
    """
    found: dict[str, tuple[str, Document, int]] = {}
    for doc in documents:
        cursor = 0
        for sentence in sentences(doc.page_content):
            offset = doc.page_content.find(sentence, cursor)
            cursor = max(cursor, offset)
            if is_statement(sentence) and not is_instruction(sentence) and sentence not in found:
                found[sentence] = (sentence, doc, max(offset, 0))
    return [item for s, item in found.items() if not any(s != other and s in other for other in found)]
