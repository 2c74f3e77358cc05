"""People proposed by a language model, for the sentences whose people the rules found without a role.

The model only proposes: a proposal is kept when each of its fields (name, role, organisation) is written, as is, in
its sentence, and the name reads as a person's name. A field the model made up, translated or "corrected" drops the
whole proposal. A model that fails, times out or answers something else costs the document its proposals only:
the facts of the rules are kept.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

from models.textmodel import TextModel

log = logging.getLogger("partnerbot.facts")

PROMPT = """List the people the sentence below names, each with the role and the organisation the sentence gives them.
Answer with one JSON object per line: {{"name": "...", "role": "...", "organisation": "..."}}.
Copy every value exactly as the sentence writes it, in its language; use null when the sentence does not say.
Write nothing else.

Sentence: {sentence}"""

_FIELDS = ("name", "role", "organisation")


@dataclass(frozen=True)
class Proposal:
    """A person the model proposed, each field with its offsets in the sentence."""

    name: tuple[int, int]
    role: tuple[int, int] | None
    organisation: tuple[int, int] | None


@dataclass
class Proposals:
    kept: list[Proposal]
    rejected: int  # proposals with a field that is not a span of the sentence, or that are not JSON objects


def propose(sentence: str, proposer: TextModel) -> Proposals:
    """The model's people for `sentence`, kept only when every field is a span of it. Raises what the model raises."""
    kept: list[Proposal] = []
    rejected = 0
    for spans in proposed_spans(sentence, proposer(PROMPT.format(sentence=sentence)), _FIELDS):
        if spans is None or spans["name"] is None:
            rejected += 1
            continue
        kept.append(Proposal(spans["name"], spans["role"], spans["organisation"]))
    return Proposals(kept, rejected)


Spans = dict[str, tuple[int, int] | None]


def proposed_spans(sentence: str, reply: str, fields: tuple[str, ...]) -> Iterator[Spans | None]:
    """For each JSON object a line of the model's `reply` holds, where its `fields` are written in `sentence` (None
    for a field it leaves empty); None for a line that is no JSON object or has a value that is not a span of the
    sentence (made up, translated, "corrected"). Prose, code fences and list brackets are skipped."""
    for line in reply.splitlines():
        line = line.strip().strip(",")
        if not line.startswith("{"):
            continue  # prose, a code fence, a list bracket: not a proposal
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            yield None
            continue
        if not isinstance(data, dict):
            yield None
            continue
        spans = {field: span_of(sentence, data.get(field)) for field in fields}
        given = [field for field in fields if data.get(field) not in (None, "")]
        yield None if any(spans[field] is None for field in given) else spans


def span_of(sentence: str, value: object) -> tuple[int, int] | None:
    """Where `value` is written in the sentence, as whole words; None when it is not (or is not text)."""
    if not isinstance(value, str) or not value.strip():
        return None
    match = re.search(rf"(?<!\w){re.escape(value.strip())}(?!\w)", sentence)
    return (match.start(), match.end()) if match else None
