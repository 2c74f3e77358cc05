"""What a question asks: the kind of answer wanted, the people, organisations, events and dates it names, whether it
is about the next or the last of something, and the words of the relation asked about."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from core.dates import DateSpan, find_dates
from core.text import content_words, fold, words
from ingest.facts import vocabulary as vocab
from ingest.facts.index import FactIndex

Want = Literal["count", "yes-no", "people", "organisation", "date", "place", "role", "person", "purpose", "description"]

_WH = re.compile(
    r"^(?:and |et |so |alors |donc )?(?:when|where|who|whom|whose|which|what|how|why|quand|ou|qui|quel|quelle|quels|"
    r"quelles|que|qu|quoi|comment|combien|pourquoi|lequel|laquelle|lesquels|lesquelles|a quelle|en quelle|"
    r"dans quelle|de quelle|pour quelle|par qui|avec qui|list|liste|give|donne|name|nomme|tell|dis)\b"
)
_YES_NO = re.compile(
    r"^(?:and |et )?(?:is|are|was|were|did|does|do|has|have|had|can|could|will|would|should|est-ce|y a-t-il)\b"
    r"|\b\w+-t-(?:il|elle|ils|elles|on)\b|\b(?:est|sont|etait|etaient|a|ont|va|peut)-(?:il|elle|ils|elles)\b"
    r"|,? (?:right|n'est-ce pas|c'est bien ca|correct)\s*\??$"
)
_WANTS: list[tuple[Want, re.Pattern[str]]] = [
    ("count", re.compile(r"\b(how many|combien|number of|nombre de|nombre d)\b")),
    ("purpose", re.compile(r"\b(why|pourquoi|purpose|objective|aim|goal|but|objectif|to what end|a quoi sert)\b")),
    (
        "date",
        re.compile(
            r"\b(when|quand|what date|(?:which|what) (?:day|month|year)|quelle date|quel jour|quel mois|"
            r"en quelle annee|a quelle date|dates?|jusqu'a quelle date|until when|how long)\b"
        ),
    ),
    (
        "place",
        re.compile(
            r"\b(where|ou|in which city|dans quelle ville|which city|quelle ville|quel lieu|venue|"
            r"lieu)\b"
        ),
    ),
    (
        "people",
        re.compile(
            r"\b(participants?|attendees?|took part|attended|were present|etaient presents?|"
            r"ont participe|qui etait present|which people|quelles personnes|who (?:came|represented"
            r"|were)|list(?:e)? (?:of |des )?(?:people|personnes|participants)|present(?:s)? a)\b"
        ),
    ),
    (
        "organisation",
        re.compile(
            r"\b(which|what|quelle|quelles|quel|quels) (organi[sz]ations?|institutions?|"
            r"institutes?|instituts?|organismes?|etablissements?|companies|company|entreprises?|partners?|partenaires?|"
            r"agenc(?:y|ies|e|es)|"
            r"universit(?:y|ies|e|es)|schools?|ecoles?)\b"
        ),
    ),
    ("role", re.compile(r"\b(role|position|job|title|poste|fonction|titre|what does .+ do|que fait)\b")),
    ("person", re.compile(r"\b(who|whom|qui|quel est le nom|what is the name|name of)\b")),
]
_NEXT = re.compile(r"\b(next|upcoming|coming|prochaine?s?|a venir|suivante?|future)\b")
_LAST = re.compile(r"\b(last|latest|previous|most recent|dernier|derniere|precedente?|plus recente?)\b")
_EXACT = re.compile(
    r"\b(exact|exactes?|exactly|precises?|start and end|debut et (?:de )?fin|which days|quels jours|from when)\b"
)
# Question words and the words any question uses: not part of the relation asked about.
_ASKING = frozenset(
    """
    when where who whom whose which what how why quand ou qui quel quelle quels quelles que quoi comment combien
    pourquoi lequel laquelle many much number nombre est-ce give donne tell dis list liste name nom please
    documents document say dit disent exactly exactement right correct
    organisation organisations organization organizations institution institutions belong belongs appartient
    travaille work works role position job title poste fonction titre person people personne personnes
    take place took lieu eu tenue held happen happened
    """.split()
)


@dataclass
class Analysis:
    text: str
    language: str
    want: Want
    people: list[str] = field(default_factory=list)  # names of people the facts know
    organisations: list[str] = field(default_factory=list)
    event_kind: str | None = None
    dates: list[DateSpan] = field(default_factory=list)
    temporal: Literal["next", "last"] | None = None
    exact: bool = False  # wants exact days
    second: str | None = None  # the second question of a two-step one ("…, and who directs it?")
    terms: list[str] = field(default_factory=list)  # content words of the relation asked about


def analyse(question: str, language: str, facts: FactIndex) -> Analysis:
    folded = fold(question).replace("’", "'")
    head, second = split_two_step(question)
    want = _want(fold(head).replace("’", "'"))
    people = facts.people_in(question)
    organisations = facts.organisations_in(question)
    kinds = [kind for kind, pattern in vocab.EVENT_KINDS if pattern.search(folded)]
    named = {w for n in [*people, *organisations] for w in words(n)}
    terms = [w for w in content_words(head) if w not in _ASKING and w not in named and not w.isdigit()]
    return Analysis(
        text=question,
        language=language,
        want=want,
        people=people,
        organisations=organisations,
        event_kind=kinds[0] if kinds else None,
        dates=find_dates(question),
        temporal="next" if _NEXT.search(folded) else "last" if _LAST.search(folded) else None,
        exact=bool(_EXACT.search(folded)),
        second=second,
        terms=terms,
    )


def _want(folded: str) -> Want:
    if _YES_NO.search(folded) and not _WH.search(folded):
        return "yes-no"
    for want, pattern in _WANTS:
        if pattern.search(folded):
            return want
    return "description"


def split_two_step(question: str) -> tuple[str, str | None]:
    """ "Which organisation does X belong to, and who directs it?" -> the first question and the second."""
    match = re.search(r",?\s+(?:and|et)\s+(?=(?:who|what|when|where|which|qui|quel|quelle|quand|ou|où)\b)", question)
    if match is None:
        return question, None
    return question[: match.start()], question[match.end() :]
