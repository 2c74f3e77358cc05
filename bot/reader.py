"""The reader: a first sentence that answers, in the asker's language, then the quotes it rests on; or what the
documents do not say.

The answer skills of `bot.skills` come first, each answering one kind of question from the facts (people,
organisations, events, plans); evidence sentences otherwise, as the extractive composer chooses them. Every name,
date and number of the first sentence is checked against the quoted evidence before it is shown (the claim check);
a sentence that fails it is not shown, and the quotes stand alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from langchain_core.documents import Document

from bot.answer import Citation
from bot.compose import Composition, ExtractiveComposer, abstention, quote_line, to_citation
from bot.coverage import covers
from bot.evidence import select_evidence
from bot.grounding import ungrounded_facts
from bot.question import Question, analyse
from bot.scoring import SentenceScorer
from bot.skills import Context, Draft, Skill, registered
from bot.skills.base import common
from bot.skills.tables import Tables
from core import lang
from core.dates import find_dates, format_iso
from core.glossary import concepts
from core.settings import Settings
from core.text import content_words, words
from store.store import Store


class Reader:
    """The default composer: answers from the facts when a skill can, from evidence sentences otherwise."""

    def __init__(self, store: Store, scorer: SentenceScorer, settings: Settings):
        self.store = store
        self.scorer = scorer
        self.settings = settings
        self.extractive = ExtractiveComposer(scorer, settings.answer, store.translations.lookup)

    @property
    def today(self) -> date:
        return self.settings.answer.today or date.today()

    def from_tables(self, q: Question) -> bool:
        """Whether the tables skill claims the question (a figure of a table, or an abstention on one): its answer
        cites table rows, so the passages retrieved beside need no sentence reranking, which on a long sheet embeds
        every row of every candidate passage (seconds for a question about a 10,000-row workbook)."""
        tables = self.store.tables.tables()
        if q.instruction or not tables:
            return False
        answer = self.settings.answer
        context = Context(self.store.facts(), self.today, answer, tables=tables, similar=self.scorer.similarities)
        return Tables(context).first(q)

    def stream(self, question: Question, documents: list[Document]) -> Iterator[str | Composition]:
        composition = self.compose(question, documents)
        yield from composition.pieces()
        yield composition

    def compose(self, q: Question, documents: list[Document]) -> Composition:
        if q.instruction:  # orders to the assistant are not questions about the documents
            return self._from_evidence(q, documents)
        facts = self.store.facts()
        context = Context(
            facts,
            self.today,
            self.settings.answer,
            frozenset(d.id for d in documents),
            self.scorer.vectors,
            tables=self.store.tables.tables(),
            similar=self.scorer.similarities,
        )
        skills = [skill(context) for skill in registered()]
        draft = _plan(q, skills)
        share = self.settings.answer.date_subject_share
        if draft is not None and not covers(q, [s for _, s in draft.sentences], share):
            draft = None  # a date of something else than what was asked: the evidence decides
        if draft is not None and q.second:
            # "…, and who directs it?": the second question is about what the first answer named.
            second = _resolve(q.second, draft.subject) if draft.subject else q.second
            following = _plan(analyse(second, q.language, facts), skills)
            if following is None:
                draft.direct += " " + common(q, "unknown_part", what=q.second.rstrip(" ?"))
                draft.partial = True
            else:
                draft.merge(following)
        if draft is not None and draft.abstain:
            text = abstention(q.language, None)
            return Composition(text, True, [], [text], kind=q.kind, generator="reader")
        if draft is not None and (composition := self._render(draft, q)) is not None:
            composition.abstained = draft.undecided
            return composition
        return self._from_evidence(q, documents)

    # Evidence sentences

    def _from_evidence(self, q: Question, documents: list[Document]) -> Composition:
        answer = self.settings.answer
        chosen, reason = select_evidence(self.scorer, q, documents, answer)
        said = [e.sentence for e in chosen]
        if not chosen or not _answers(q, said, answer.relation_match) or not covers(q, said, answer.date_subject_share):
            text = abstention(q.language, "empty" if not documents else reason)
            return Composition(text, True, [], [text], kind=q.kind)
        composition = self.extractive.compose(q, documents)
        composition.kind = q.kind
        composition.quotes = [c.quote for c in composition.citations]
        direct = _direct_from_sentences(q, [e.sentence for e in chosen])
        if direct:
            composition.direct = direct
            composition.parts = [direct, *composition.parts]
            composition.text = "\n\n".join(composition.parts)
        return composition

    # Writing, and the claim check

    def _render(self, draft: Draft, q: Question) -> Composition | None:
        chunks = {c.id: c for c in self.store.chunks(list(draft.numbers))}
        citations: list[Citation] = []
        for chunk_id, _ in sorted(draft.numbers.items(), key=lambda item: item[1]):
            chunk = chunks.get(chunk_id)
            if chunk is None:
                return None  # the passage changed since the facts were read: answer from passages instead
            citation = to_citation(Document(page_content=chunk.text, id=chunk.id, metadata=dict(chunk.metadata)))
            citation.quote = " ".join(
                quote for c, s in draft.sentences if c == chunk_id and (quote := _in_passage(s, chunk.text))
            )
            if not citation.quote:
                return None
            citation.table = draft.tables.get(chunk_id)
            citations.append(citation)
        evidence = [c.quote for c in citations]
        checked = draft.direct
        for rendered, original in draft.glossed.items():
            checked = checked.replace(rendered, original)
        # Longest first: "100 €" of one row must not be struck out of the total "25 413 100 €" (a French figure's
        # groups are separated by spaces, not digits).
        for number in sorted(draft.derived, key=len, reverse=True):
            checked = re.sub(rf"(?<!\d){number}(?!\d)", "", checked, count=1)
        if ungrounded_facts(checked, evidence, q.text):
            return None  # a claim the quotes do not hold is never shown
        lookup = self.store.translations.lookup
        quotes = [f"[{i}] {quote_line(c, c.language, q.language, lookup)}" for i, c in enumerate(citations, start=1)]
        parts = [draft.direct, *quotes]
        return Composition(
            "\n\n".join(parts),
            False,
            citations,
            parts,
            direct=draft.direct,
            quotes=evidence,
            kind=draft.kind,
            partial=draft.partial,
            generator="reader",
        )


def _plan(q: Question, skills: list[Skill]) -> Draft | None:
    """The first skill's draft; a skill that claims the question goes first."""
    ordered = [s for s in skills if s.first(q)] + [s for s in skills if not s.first(q)]
    for skill in ordered:
        if (draft := skill.plan(q)) is not None:
            return draft
    return None


def _resolve(question: str, subject: str) -> str:
    """The question with its pronoun replaced by what it points back to ("who directs it" -> "who directs X")."""
    pointer = lang.pattern("references", "pointer", re.IGNORECASE)
    return pointer.sub(subject, question, count=1) if pointer.search(question) else f"{question} ({subject})"


def _in_passage(sentence: str, text: str) -> str | None:
    """The sentence as the passage writes it: the facts read a hard-wrapped line's sentence with a space where the
    passage breaks the line (`core.text.unwrap`). None when the passage does not hold it."""
    if sentence in text:
        return sentence
    found = re.search(r"\s+".join(map(re.escape, sentence.split())), text)
    return found.group() if found else None


def _direct_from_sentences(q: Question, sentences: list[str]) -> str:
    """A first sentence only where the evidence holds the very fact asked (a date), in the asker's words."""
    dates = [d for s in sentences for d in find_dates(s)] if q.kind == "date" else []
    return f"{format_iso(dates[0].iso, q.language, dates[0].iso_end)} [1]." if dates else ""


def _answers(q: Question, sentences: list[str], share: float) -> bool:
    """Do the sentences speak of what the question asks about? The people it names must be in them, and for a
    question about a person, an organisation, a place or a number, most of the words of its relation."""
    text = " ".join(sentences)
    present = set(words(text))
    if any(not set(words(name)) & present for name in q.people):
        return False
    relational = q.kind in ("person", "people", "organisation", "place", "count") or bool(q.people)
    if not relational or not q.terms:
        return True
    wanted = concepts(q.terms)
    return len(wanted & concepts(content_words(text))) >= share * len(wanted)
