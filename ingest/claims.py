"""Claims at ingest: every sentence of a document read as who did what, to whom, when and where (`models.claims`),
with the facts' people and organisations typing the arguments that name them. Stored with the facts, so they are
incremental like them: an unchanged document costs nothing, a changed one replaces its claims."""

from __future__ import annotations

import re
from bisect import bisect_right

from core.text import fold, guess_language, sentences, unwrap
from models.claims import Claim as Read
from models.claims import claims_of, row_claim
from models.nlp import parses
from store.fact_records import Argument, Claim, Fact, Organisation, Person, Span

# The recipe of the claims: a change here re-reads every document's claims at the next ingest.
CLAIMS_VERSION = "3"
# A table's line of dashes under its header.
_SEPARATOR = re.compile(r"^[\s|:+-]*$")
# A sentence longer than this is a table or a run-on line the parser reads badly and slowly: it is skipped.
_MAX_SENTENCE_CHARS = 400


def known_names(facts: list[Fact]) -> dict[str, str]:
    """Folded names of the facts' people and organisations -> "person" or "organisation", longest first."""
    names: dict[str, str] = {}
    for fact in facts:
        if isinstance(fact, Person):
            names[fold(fact.name)] = "person"
        elif isinstance(fact, Organisation):
            for name in [fact.name, *fact.aliases]:
                if len(name) > 2:
                    names.setdefault(fold(name), "organisation")
    return dict(sorted(names.items(), key=lambda item: -len(item[0])))


def extract_claims(
    text: str,
    doc_id: str,
    title: str,
    doc_date: str,
    language: str,
    passages: list[tuple[str, int]],
    facts: list[Fact],
) -> list[Claim]:
    """The claims of one document's cleaned text. `passages` are (chunk id, start offset) pairs, for provenance."""
    found: list[tuple[int, str, str]] = []  # (start, sentence, language)
    rows: list[tuple[int, str]] = []  # (start, line) of a table's rows
    offset = 0
    for line in unwrap(text).split("\n"):  # a hard-wrapped line's sentence goes on on the next line
        cursor = 0
        line_language = guess_language(line) if len(line.split()) >= 8 else language
        for sentence in sentences(line):
            start = line.find(sentence, cursor)
            cursor = start + len(sentence)
            if len(sentence) <= _MAX_SENTENCE_CHARS and "|" not in sentence:
                found.append((offset + start, sentence, line_language))
        if line.count("|") >= 2 and not _SEPARATOR.match(line):
            rows.append((offset, line))
        offset += len(line) + 1
    names = known_names(facts)
    starts = [start for _, start in passages]
    claims: list[Claim] = []

    def keep(read: Read, start: int, sentence: str, language: str) -> None:
        chunk = passages[max(0, bisect_right(starts, start) - 1)][0] if passages else ""
        arguments = [
            Argument(
                role=a.role,
                type=a.type,
                head=a.head,
                span=Span(start=start + a.start, end=start + a.end, text=a.text, chunk_id=chunk),
            )
            for a in read.args
        ]
        claims.append(
            Claim(
                doc_id=doc_id,
                doc_date=doc_date,
                doc_title=title,
                chunk_id=chunk,
                sentence=Span(start=start, end=start + len(sentence), text=sentence, chunk_id=chunk),
                relation=read.relation,
                relation_text=read.text,
                language=language,
                negated=read.negated,
                copula=read.copula,
                arguments=arguments,
            )
        )

    for parsed_language in sorted({lang for _, _, lang in found}):
        group = [(start, sentence) for start, sentence, lang in found if lang == parsed_language]
        for (start, sentence), doc in zip(group, parses([s for _, s in group], parsed_language), strict=True):
            for read in claims_of(doc, names):
                keep(read, start, sentence, parsed_language)
    for start, line in rows:
        cells, cursor = [], 0
        for cell in line.split("|"):
            if cell.strip():
                cells.append((cursor + cell.index(cell.strip()), cell.strip()))
            cursor += len(cell) + 1
        if (read := row_claim(cells, names)) is not None:
            keep(read, start, line, language)
    return list({c.id: c for c in claims}.values())
