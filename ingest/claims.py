"""Claims at ingest: every sentence of a document read as who did what, to whom, when and where (`models.claims`),
with the facts' people and organisations typing the arguments that name them. Stored with the facts, so they are
incremental like them: an unchanged document costs nothing, a changed one replaces its claims.

With a model configured (`PARTNERBOT_CLAIMS_MODEL_SENTENCES`), the sentences the parser leaves without a claim may be
offered to it: it proposes who did what to whom, and a proposal is kept only when its subject, verb and object are
each written as is in the sentence (as the facts' proposals, `ingest.facts.propose`). A model that fails costs the
document its proposals only."""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from typing import Any

from core.text import fold, guess_language, sentences, unwrap
from ingest.facts.propose import proposed_spans
from models.claims import Claim as Read
from models.claims import claims_of, row_claim, span_argument
from models.nlp import parses
from models.textmodel import TextModel
from store.fact_records import Argument, Claim, Fact, Organisation, Person, Span

# The recipe of the claims: a change here re-reads every document's claims at the next ingest.
CLAIMS_VERSION = "3"
# A table's line of dashes under its header.
_SEPARATOR = re.compile(r"^[\s|:+-]*$")
# A sentence longer than this is a table or a run-on line the parser reads badly and slowly: it is skipped.
_MAX_SENTENCE_CHARS = 400

log = logging.getLogger("partnerbot.claims")

PROMPT = """Read the sentence below as who does what to whom. Answer with one JSON object per line:
{{"subject": "...", "verb": "...", "object": "..."}}.
Copy every value exactly as the sentence writes it, in its language; use null when the sentence gives no object.
Write nothing else.

Sentence: {sentence}"""


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
    proposer: TextModel | None = None,
    proposals: int = 0,
) -> list[Claim]:
    """The claims of one document's cleaned text. `passages` are (chunk id, start offset) pairs, for provenance. With
    a `proposer`, at most `proposals` sentences the parser read no claim in go to the model too."""
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
            read_here = claims_of(doc, names)
            if not read_here and proposer is not None and proposals > 0 and len(sentence.split()) >= 3:
                proposals -= 1
                read_here = _proposed(doc, proposer, names)
            for read in read_here:
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


def _proposed(doc: Any, proposer: TextModel, names: dict[str, str]) -> list[Read]:
    """The model's claims of a parsed sentence, each kept only when its subject, verb and object (if any) are spans
    of it; the verb's lemma is the relation, the arguments are typed as the parser's."""
    sentence = doc.text
    try:
        answer = proposer(PROMPT.format(sentence=sentence))
    except Exception as exc:  # the model's failure costs this sentence its proposals, never the document
        log.warning("claims: the model proposed nothing for a sentence (%s: %s)", type(exc).__name__, exc)
        return []
    reads: dict[tuple[int, int], Read] = {}  # by the verb's span: "A and B chair it" may come as two proposals
    for spans in proposed_spans(sentence, answer, ("subject", "verb", "object")):
        if spans is None or spans["subject"] is None or spans["verb"] is None:
            continue
        verb = doc.char_span(*spans["verb"], alignment_mode="expand")
        args = [
            span_argument(doc, *spans[field], role, names)  # type: ignore[misc]
            for field, role in (("subject", "agent"), ("object", "theme"))
            if spans[field] is not None
        ]
        if verb is None or any(a is None for a in args):
            continue
        read = reads.setdefault(spans["verb"], Read(relation=fold(verb.root.lemma_), text=verb.text))
        held = {(b.role, b.start) for b in read.args}
        read.args += [a for a in args if a is not None and (a.role, a.start) not in held]
    return list(reads.values())
