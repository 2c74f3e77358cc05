"""Composers turn the retrieved passages into the answer. The extractive one quotes the documents, or abstains."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from langchain_core.documents import Document

from bot.answer import Citation
from bot.evidence import Evidence, select_evidence
from bot.question import Question
from bot.scoring import SentenceScorer
from core import lang
from core.settings import AnswerSettings
from core.text import sentences

# The stored, checked machine translation of a sentence into a language, if there is one (ingest.translation).
Lookup = Callable[[str, str], str | None]


def abstention(language: str, reason: str | None) -> str:
    """What the bot says when the documents do not hold the answer, and why (the kind of fact none holds)."""
    return lang.say("abstain", language, "abstain", reason=lang.say("abstain", language, reason or "none"))


@dataclass
class Composition:
    text: str
    abstained: bool
    citations: list[Citation]
    parts: list[str]  # the answer in the pieces it is streamed in
    direct: str = ""  # the sentence that answers, in the asker's language
    quotes: list[str] = field(default_factory=list)  # the quoted evidence, in citation order
    kind: str = "description"  # what the question wants
    partial: bool = False  # says what is known and what is not
    generator: str = "extractive"  # who worded `text`
    fallback_reason: str | None = None  # why a model's wording was not used
    retracted: bool = False  # model text was streamed, then rejected: show `text`, not the streamed pieces
    draft: str = ""  # what a model wrote
    seconds: float = 0.0  # time spent on the model
    ungrounded: list[str] = field(default_factory=list)  # facts of the draft the evidence lacks

    def pieces(self) -> Iterator[str]:
        """The text piece by piece, for streaming; the pieces join into `text`."""
        for i, part in enumerate(self.parts):
            yield part + ("\n\n" if i < len(self.parts) - 1 else "")


class Composer(Protocol):
    """Writes the answer from the retrieved passages."""

    def stream(self, question: Question, documents: list[Document]) -> Iterator[str | Composition]:
        """Yields pieces of the answer's text as they are ready, then the complete Composition."""
        ...


def compose(composer: Composer, question: Question, documents: list[Document]) -> Composition:
    """The Composition a composer streams, without the pieces."""
    *_, final = composer.stream(question, documents)
    assert isinstance(final, Composition)
    return final


class ExtractiveComposer:
    """Quotes the best-supported sentences; abstains when none is close enough or has the fact asked for."""

    def __init__(self, scorer: SentenceScorer, settings: AnswerSettings, translations: Lookup | None = None):
        self.scorer = scorer
        self.settings = settings
        self.translations = translations

    def stream(self, question: Question, documents: list[Document]) -> Iterator[str | Composition]:
        composition = self.compose(question, documents)
        yield from composition.pieces()
        yield composition

    def compose(self, question: Question, documents: list[Document]) -> Composition:
        language = question.language
        chosen, reason = select_evidence(self.scorer, question, documents, self.settings)
        if not chosen:
            text = abstention(language, "empty" if not documents else reason)
            return Composition(text, True, [], [text])
        citations: list[Citation] = []
        number: dict[str, int] = {}
        quotes: dict[str, list[Evidence]] = {}
        for evidence in chosen:
            doc = evidence.document
            if doc.id not in number:
                number[doc.id] = len(citations) + 1
                citations.append(to_citation(doc))
            quotes.setdefault(doc.id, []).append(evidence)
        parts = []
        for doc_id, evidences in quotes.items():
            evidences.sort(key=lambda e: e.offset)
            citation = citations[number[doc_id] - 1]
            citation.quote = " ".join(e.sentence for e in evidences)
            doc_language = str(evidences[0].document.metadata.get("language", ""))
            parts.append(f"{quote_line(citation, doc_language, language, self.translations)} [{number[doc_id]}]")
        return Composition("\n\n".join(parts), False, citations, parts)


def quote_line(citation: Citation, doc_language: str, language: str, translations: Lookup | None) -> str:
    """The quote as the answer shows it: in the asker's language when every sentence of it has a checked machine
    translation, said to be one, with the original beside it; otherwise the original, said to be French for an
    English asker. The source is named in the citation list, not here: the answer holds only the documents' words."""
    if translations is not None and doc_language and doc_language != language:
        parts = [translations(sentence, language) for sentence in sentences(citation.quote)]
        if parts and all(parts):
            citation.translation = " ".join(p for p in parts if p)
            machine = lang.say("quotes", language, "machine")
            return f"« {citation.translation} » ({machine}« {citation.quote} »)"
    if language == "fr" or doc_language != "fr":
        return f"« {citation.quote} »"
    return lang.say("quotes", language, "in_french", quote=citation.quote)


def to_citation(doc: Document) -> Citation:
    meta = doc.metadata
    return Citation(
        doc_id=str(meta["doc_id"]),
        title=str(meta["title"]),
        date=str(meta["date"]),
        chunk_id=str(doc.id),
        text=doc.page_content,
        score=float(meta.get("score", 0.0)),
        start=int(meta["start"]),
        end=int(meta["end"]),
        page=int(meta["page"]),
        language=str(meta.get("language", "")),
        source=str(meta.get("source", "")),
        ocr=bool(meta.get("ocr", False)),
        ocr_confidence=float(meta.get("ocr_confidence", 0.0)),
    )
