"""The extractive composer: an answer made only of sentences quoted from the passages, or an abstention."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from langchain_core.documents import Document

from bot.answer import Citation
from bot.evidence import Evidence, SentenceScorer, asks_for, has_fact, split_evidence

_MONTH_NAMES = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "en": "January February March April May June July August September October November December".split(),
}

_ABSTAIN = {
    "fr": "Je ne trouve pas cette information dans les documents : {reason}.",
    "en": "I could not find this information in the documents: {reason}.",
}
_REASONS = {
    "fr": {
        None: "aucun passage ne répond à cette question",
        "date": "aucun passage ne donne de date à ce sujet",
        "quantity": "aucun passage ne donne de chiffre ni de montant à ce sujet",
        "email": "ils ne contiennent aucune adresse e-mail",
        "phone": "ils ne contiennent aucun numéro de téléphone",
        "url": "ils ne contiennent aucune adresse web",
        "empty": "aucun document n'est encore indexé",
    },
    "en": {
        None: "no passage answers this question",
        "date": "no passage gives a date for this",
        "quantity": "no passage gives a figure or an amount for this",
        "email": "they contain no e-mail address",
        "phone": "they contain no phone number",
        "url": "they contain no web address",
        "empty": "no document has been indexed yet",
    },
}


def abstention(language: str, reason: str | None) -> str:
    lang = language if language in _ABSTAIN else "en"
    return _ABSTAIN[lang].format(reason=_REASONS[lang][reason])


def format_date(iso: str, language: str) -> str:
    try:
        year, month, day = (int(part) for part in iso.split("-"))
        return f"{day} {_MONTH_NAMES[language if language in _MONTH_NAMES else 'en'][month - 1]} {year}"
    except (ValueError, IndexError):
        return iso


@dataclass
class Composition:
    text: str
    abstained: bool
    citations: list[Citation]
    parts: list[str]  # the answer in the pieces it is streamed in

    def pieces(self) -> Iterator[str]:
        """The text piece by piece, for streaming; the pieces join into `text`."""
        for i, part in enumerate(self.parts):
            yield part + ("\n\n" if i < len(self.parts) - 1 else "")


class ExtractiveComposer:
    """Quotes the best-supported sentences; abstains when none is close enough or has the fact asked for."""

    def __init__(self, scorer: SentenceScorer, threshold: float, margin: float, max_sentences: int = 3):
        self.scorer = scorer
        self.threshold = threshold
        self.margin = margin
        self.max_sentences = max_sentences

    def select(self, question: str, documents: list[Document]) -> tuple[list[Evidence], str | None]:
        """The evidence sentences, best first, or none and the reason."""
        if not documents:
            return [], None
        candidates = split_evidence(documents)
        scores = self.scorer.score(question, [s for s, _, _ in candidates])
        need = asks_for(question)
        ranked = sorted(
            (Evidence(s, d, o, score) for (s, d, o), score in zip(candidates, scores, strict=True)),
            key=lambda e: -e.score,
        )
        usable = [e for e in ranked if has_fact(need, e.sentence)]
        if not usable or usable[0].score < self.threshold:
            return [], need.kind if ranked and ranked[0].score >= self.threshold else None
        floor = max(self.threshold, usable[0].score - self.margin)
        return [e for e in usable[: self.max_sentences] if e.score >= floor], None

    def compose(self, question: str, language: str, documents: list[Document]) -> Composition:
        chosen, reason = self.select(question, documents)
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
            parts.append(f"{self._frame(language, citation, doc_language)} [{number[doc_id]}]")
        return Composition("\n\n".join(parts), False, citations, parts)

    @staticmethod
    def _frame(language: str, citation: Citation, doc_language: str) -> str:
        # The source is named in the citation list, not here: the answer holds only the documents' words.
        if language == "fr" or doc_language != "fr":
            return f"« {citation.quote} »"
        return f"(in French) « {citation.quote} »"


def to_citation(doc: Document) -> Citation:
    meta = doc.metadata
    return Citation(
        doc_id=str(meta.get("doc_id", "")),
        title=str(meta.get("title", "")),
        date=str(meta.get("date", "")),
        chunk_id=str(doc.id),
        text=doc.page_content,
        score=float(meta.get("score", 0.0)),
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        page=int(meta.get("page", 0)),
    )
