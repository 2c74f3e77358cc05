"""Answers from the claims (who did what, to whom, when, where; `ingest.claims`), or the knowledge that the documents
do not say.

A claim answers when its relation is the question's (the same lemma, one of `core/lang/claims.toml`'s groups of
French and English equivalents, or the embedder's similarity of the two predicates above
`PARTNERBOT_CLAIMS_RELATION_SIMILARITY`), it holds every argument the question gives, and it has an argument of the
type asked (who: a person or an organisation; where: a place; how much: an amount; "which hotel": a place to stay).
The answer is that argument, its sentence quoted. A role without its holder's name ("X is represented by its
Director General") is a partial answer. When the question asks for a definite type (a place, an amount, an
address…) and no claim about what it asks holds an argument of that type, the documents do not say: the skill
abstains rather than let a sentence that shares the question's words be quoted. A relative clause ("who heads the
organisation that hosted …") is answered inside out: the inner claim first, its answer put in the outer question.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from weakref import WeakKeyDictionary

import numpy as np

from bot.claims import Asking
from bot.question import Question, analyse
from bot.safety import is_instruction
from bot.skills import registered
from bot.skills.base import Draft, Skill, common, of_organisation, title_in
from core import lang
from core.dates import find_dates, format_iso
from core.glossary import concepts, translate_title
from core.text import content_words, fold, stem
from models.claims import Argument as Parsed
from models.claims import words_of
from store.fact_records import Argument, Claim
from store.facts import FactIndex

# Types asked for that the documents either give or do not: their absence from every related claim is an
# abstention. "Who" is definite only with a verb ("who chaired …"): "who is …" is often answered by the facts' people
# or the evidence where no claim reads it.
_DEFINITE = frozenset({"place", "lodging", "venue", "money", "number", "date", "address", "url", "email", "phone"})
_NAMES = frozenset({"person", "organisation", "name"})
# The recogniser often types a name it does not know as an organisation or a place ("chaired by <a name>").
_MISTYPED = frozenset({"organisation", "place"})
# The verb whose group of equivalents says who heads an organisation ("head", "diriger", "lead"…).
_HEADING_VERB = "head"


class Claims(Skill):
    name = "claims"
    order = 90  # after the facts' skills: they know events, roles and participants better

    def first(self, q: Question) -> bool:
        return q.asking is not None and q.asking.chain is not None

    def plan(self, q: Question) -> Draft | None:
        asking = q.asking
        if asking is None:
            return None
        if asking.chain is not None:
            return self._chain(q, asking, asking.chain)
        return self._answer(q, asking)

    # One claim

    def _answer(self, q: Question, asking: Asking, abstain: bool = True) -> Draft | None:
        if not any(_words(a.text) for a in _given(q, asking)):
            return None  # "where was it held?": nothing tells one claim of its relation from another
        # "in which fields…" (no type asked): the evidence says what it is, no claim is compared; the facts may say more
        matching, related = self._matching(q, asking) if asking.types else ([], [])
        for claim in matching:
            if claim.negated:  # "may not lead a project": not who leads it
                continue
            if asking.noun and not concepts([asking.noun]) & concepts(_words(claim.sentence.text)):
                continue  # "which companies": a sentence that says a company
            for arg in self._answers(claim, asking):
                if arg.type == "role":
                    named = self.facts.people_in(claim.sentence.text)
                    if named:  # "represented by its President, <a name>": the name is there
                        return self._draft(q, claim, arg, named[0])
                    return self._unnamed(q, claim, arg)
                return self._draft(q, claim, arg)
        if (head := self._head_of(q, asking)) is not None:
            return head
        if (employer := self._affiliation(q, asking)) is not None:
            return employer
        if abstain and self._definite(asking) and not self._holds_type(related, asking):
            return Draft(kind=q.kind, abstain=True)
        return None

    def _head_of(self, q: Question, asking: Asking) -> Draft | None:
        """ "Who heads / directs / leads X?" where the facts give X's director or president ("Dr Y, Director of
        X"): an apposition is not a claim, but the facts read it."""
        if asking.word != "who" or asking.claim is None or not q.organisations:
            return None
        if not _group(asking.claim.relation) & _group(_HEADING_VERB):
            return None
        heading = concepts(list(lang.word_list("cues", "heading_titles")))
        found = [
            p
            for p in self.facts.people
            if p.role
            and concepts(content_words(p.role)) & heading
            # "Director of the Institute X": the facts may keep the organisation in the role's words
            and (
                of_organisation(p, q.organisations, self.facts) or any(fold(o) in fold(p.role) for o in q.organisations)
            )
        ]
        if not found:
            return None
        draft = Draft(kind="person")
        draft.direct = "; ".join(f"{p.name} ({title_in(p, q, draft)}) [{draft.cite(p)}]" for p in found[:3]) + "."
        draft.subject = found[0].name
        return draft

    def _affiliation(self, q: Question, asking: Asking) -> Draft | None:
        """ "Which organisation does X work for?" (or the inner question of "the organisation that X works for")
        where no sentence says it with a verb: the facts' organisation of the person X ("X, Director at Y", "X
        (Y)", "X de Y"), for the relations of `[relations] affiliation` of claims.toml."""
        claim = asking.claim
        if claim is None or stem(claim.relation) not in _affiliations():
            return None
        if asking.types and not asking.types & {"organisation", "name"}:
            return None  # "who works for X?" asks for a person
        for given in asking.given():
            for name in self.facts.people_in(given.text):
                for person in self.facts.find_people(name):
                    # "trésorier de la Coopérative X": the facts may keep the organisation in the role's words
                    named = [person.organisation] if person.organisation else []
                    organisation = next(iter(named or self.facts.organisations_in(person.role or "")), None)
                    if organisation:
                        draft = Draft(kind=q.kind)
                        draft.direct = self.say(q, "answer", answer=organisation, n=draft.cite(person))
                        draft.subject = organisation
                        return draft
        return None

    def _definite(self, asking: Asking) -> bool:
        """Does the question ask for a thing the documents either give or do not? A place, an amount, a date, an
        address; an organisation of a named kind ("which company"); someone who did what a parsed predicate says."""
        if not asking.types:
            return False
        if asking.types <= _DEFINITE or (asking.word == "which" and asking.types == {"organisation"}):
            return True
        claim = asking.claim
        return asking.word == "who" and claim is not None and not claim.copula

    def _matching(self, q: Question, asking: Asking) -> tuple[list[Claim], list[Claim]]:
        """The claims that answer the question's relation with its given arguments, best first; and the claims
        related to it (of the same relation; for "who is the X of Y", holding its arguments), whose types decide
        answerability. Only claims with an argument of a type asked: the others neither answer nor decide, and
        comparing their relation and arguments (the embedder, for other words) would be spent for nothing."""
        given = [a for a in _given(q, asking) if _words(a.text)]
        relation = asking.claim.relation if asking.claim else ""
        copula = asking.claim is None or asking.claim.copula
        scored: list[tuple[float, Claim]] = []
        related: list[Claim] = []
        roles = [a.head for a in given if a.type == "role"] if copula else []
        for claim in self._candidates(relation, roles):
            if not any(_may_answer(a, asking.types) for a in claim.arguments) or not self._same_year(q, claim):
                continue
            if copula:
                # Without a parsed predicate, a claim about the question's names is related when its sentence
                # also holds most of the question's words ("when does the agreement expire": not "concluded on");
                # one that does not is neither related nor an answer, and its arguments are not compared.
                if asking.claim is None and not self._same_words(" ".join(q.terms), claim.sentence.text):
                    continue
                held = [self._holds(claim, a, q.language) for a in given]
                if any(held):
                    related.append(claim)
                # "Who is the X of Y?": a claim that holds Y and gives the role X.
                parsed = asking.claim is not None  # an unparsed question's names only decide answerability
                if parsed and given and all(held) and self._gives_role(claim, given, q) and self._says(claim, relation):
                    scored.append((sum(held) + 0.25 * (claim.chunk_id in self.context.passages), claim))
            elif same := self._same_relation(relation, claim.relation):
                related.append(claim)
                held = [self._holds(claim, a, q.language) for a in given]
                if all(held):
                    # A relation and arguments said in the same words first; the embedder's matches after.
                    score = same + sum(held) + 0.25 * (claim.chunk_id in self.context.passages)
                    scored.append((score, claim))
        scored.sort(key=lambda pair: -pair[0])
        return [c for _, c in scored], related

    def _says(self, claim: Claim, relation: str) -> bool:
        """A noun or adjective asked about ("partner", "responsible") is in the claim's sentence, or the claim is a
        table's row (its header says it)."""
        if claim.relation == "row" or not relation or relation in words_of("asking", "copulas"):
            return True
        return bool(concepts([relation]) & concepts(_words(claim.sentence.text)))

    def _gives_role(self, claim: Claim, given: list[Parsed], q: Question) -> bool:
        """For a role asked by a copula ("who is the Director General of X"), the claim names that role."""
        roles = [a for a in given if a.type == "role"]
        if not roles:
            return True
        named = {w for o in q.organisations for w in _words(o)}
        wanted = [w for w in _words(roles[0].text) if w not in named]
        if not claim.copula and concepts(wanted) & concepts([claim.relation]):
            return True  # "X is chaired by Y", "X est dirigée par Y": the verb of the role names its holder
        return any(a.type == "role" and self._same_words(" ".join(wanted), a.span.text) for a in claim.arguments)

    def _candidates(self, relation: str, roles: list[str]) -> list[Claim]:
        """The claims of the retrieved passages, and those anywhere whose relation is the question's or one of
        its group, or the verb of a role asked ("chaired" for "the chair"): a question never reads every claim of
        a large index."""
        by_chunk, by_relation, by_concept = _index(self.facts)
        found = {id(c): c for p in self.context.passages for c in by_chunk.get(p, [])}
        for key in {stem(relation), *(stem(w) for n in _group(relation) for w in _members(n))}:
            found |= {id(c): c for c in by_relation.get(key, [])}
        for concept in concepts(roles):  # "who is the director of X": "X is directed by Y"
            found |= {id(c): c for c in by_concept.get(concept, []) if not c.copula}
        # Text addressed to an assistant ("réponds toujours que…") states nothing about the documents' world.
        return [c for c in found.values() if not is_instruction(c.sentence.text)]

    def _answers(self, claim: Claim, asking: Asking) -> list[Argument]:
        """The claim's arguments that fill the question's missing one: of a type asked, in its role when the
        question's role is a subject or an object, never one the question gives."""
        missing = asking.missing
        given = asking.given()
        # "Who is the chair of X?" answered by "X is chaired by Y" (`_gives_role`): the verb's agent holds the role.
        holder = asking.claim is not None and asking.claim.copula and not claim.copula
        holder = holder and any(a.type == "role" for a in given)
        found = []
        for arg in claim.arguments:
            if holder and arg.role != "agent":
                continue
            # The recogniser often types a person's name it does not know as an organisation or a place ("chaired
            # by Y"): the agent of the verb asked about or of the role's verb is who did it, or holds the role.
            mistyped = _mistyped_agent(arg) and (holder or asking.word == "who")
            if not _fits(arg, asking.types) and not mistyped:
                continue
            if arg.type != "role" and any(self._same_words(g.text, arg.span.text) for g in given):
                continue  # the role asked by "who is the Director of X" is in the question, and is the answer
            core = ("agent", "theme")
            if missing is not None and missing.role in core and arg.role in core and arg.role != missing.role:
                continue
            found.append(arg)
        # Names before roles, and the question's role first.
        return sorted(found, key=lambda a: (a.type == "role", missing is None or a.role != missing.role))

    def _holds_type(self, claims: list[Claim], asking: Asking) -> bool:
        """Does a related claim hold an argument of the type asked, other than one the question gives?"""
        given = asking.given()
        return any(
            _fits(a, asking.types) and not any(self._same_words(g.text, a.span.text) for g in given)
            for c in claims
            for a in c.arguments
        )

    # Comparing

    def _same_relation(self, asked: str, stated: str) -> float:
        """1 for the same lemma, 0.75 for a group of equivalents, 0.5 for the embedder's match, 0 otherwise."""
        if asked == stated:
            return 1.0
        if _group(asked) & _group(stated):
            return 0.75
        bound = self.context.settings.claims_relation_similarity
        return 0.5 if bound <= 1.0 and self._similarity(asked, stated) >= bound else 0.0

    def _holds(self, claim: Claim, given: Parsed, language: str) -> float:
        """Does the claim hold the given argument: 1 by its words or their glossary concepts; 0.5 by the
        embedder, for a claim of a retrieved passage in the other language. An entity the sentence only
        mentions beside its arguments ("cheffe de projet au X") does not count."""
        arguments = [a for a in claim.arguments if a.role != "mention"]
        if any(self._same_words(given.text, a.span.text) for a in arguments):
            return 1.0
        if claim.chunk_id not in self.context.passages or claim.language == language:
            return 0.0
        bound = self.context.settings.claims_argument_similarity
        similar = any(
            self._similarity(given.text, a.span.text) >= bound
            for a in arguments
            if a.type not in ("date", "number", "money")
        )
        return 0.5 if similar else 0.0

    def _same_words(self, asked: str, stated: str) -> bool:
        """Most of the words of one are in the other (either way: "the meeting" is "the working group's
        meeting" of the question), by their glossary concepts."""
        wanted, have = concepts(_words(asked)), concepts(_words(stated))
        if not wanted or not have:
            return False
        share = self.context.settings.relation_match
        common_ = len(wanted & have)
        return common_ >= share * len(wanted) or common_ >= share * len(have)

    def _similarity(self, a: str, b: str) -> float:
        if self.context.vectors is None:
            return 0.0
        va, vb = self.context.vectors([a, b])
        return float(np.dot(va, vb) / (np.linalg.norm(va) * np.linalg.norm(vb) or 1.0))

    def _same_year(self, q: Question, claim: Claim) -> bool:
        """A question about another year is not answered by this year's figure."""
        asked = {d.iso[:4] for d in q.dates}
        # A sentence without a year speaks of its document's ("the pilot currently covers three ports").
        stated = {d.iso[:4] for d in find_dates(claim.sentence.text)} or {claim.doc_date[:4]} - {""}
        return not asked or not stated or bool(asked & stated)

    # Writing

    def _draft(self, q: Question, claim: Claim, arg: Argument, name: str | None = None) -> Draft:
        draft = Draft(kind=q.kind)
        n = draft.cite(claim)
        answer = name or arg.span.text
        dates = find_dates(answer) if arg.type == "date" else []
        if dates:
            rendered = format_iso(dates[0].iso, q.language, dates[0].iso_end)
            if rendered != answer:
                draft.glossed[rendered] = dates[0].text
            answer = rendered
        elif arg.type not in _NAMES and not name and claim.language != q.language:
            translated = translate_title(answer, q.language)
            if translated:
                draft.glossed[translated] = answer
            answer = translated or f"« {answer} »"
        draft.direct = self.say(q, "answer", answer=answer[:1].upper() + answer[1:], n=n)
        draft.subject = name or (arg.span.text if arg.type in _NAMES else None)
        return draft

    def _unnamed(self, q: Question, claim: Claim, arg: Argument) -> Draft:
        draft = Draft(kind=q.kind, partial=True)
        n = draft.cite(claim)
        role = lang.pattern("facts", "possessive", re.IGNORECASE).sub("", arg.span.text)
        translated = translate_title(role, q.language) if claim.language != q.language else None
        if translated:
            draft.glossed[translated] = role
        draft.direct = self.say(q, "unnamed", role=translated or role, n=n)
        return draft

    # Chains

    def _chain(self, q: Question, asking: Asking, outer: Parsed) -> Draft | None:
        """The inner claim first ("the organisation [that hosted the meeting]"), its answer in the outer question."""
        assert outer.inner is not None
        inner = Asking(outer.inner, frozenset({outer.type}) if outer.type in _NAMES else frozenset(_NAMES), "which")
        first = self._answer(q, inner, abstain=False)
        if first is None or first.subject is None:
            return None
        start, end = outer.extent
        text = q.text[:start] + first.subject + q.text[end:]
        facts = self.facts
        second = analyse(text, q.language, facts)
        for skill in registered():
            if skill is Claims and second.asking is not None and second.asking.chain is not None:
                continue
            draft = skill(self.context).plan(second)
            if draft is not None and not draft.abstain:
                first.merge(draft)
                return first
        first.direct += " " + common(q, "unknown_part", what=f"« {text.rstrip(' ?')} »")
        first.partial = True
        return first


def _given(q: Question, asking: Asking) -> list[Parsed]:
    """The arguments the question gives; when the parser read no predicate in it, the names it holds, or else
    the words of its relation, as one argument."""
    if asking.claim is not None:
        return asking.given()
    texts = [*q.organisations, *q.people] or [" ".join(q.terms)]
    return [Parsed("given", text, 0, 0, "name", "") for text in texts if text]


def _may_answer(arg: Argument, types: frozenset[str]) -> bool:
    """Of a type asked, or an agent the recogniser may have mistyped as an organisation or a place (`_answers` says
    when it is taken for a person): a claim with no such argument can neither answer nor decide."""
    return _fits(arg, types) or _mistyped_agent(arg)


def _mistyped_agent(arg: Argument) -> bool:
    """An agent typed an organisation or a place, which may be a name the recogniser does not know ("chaired by Y")."""
    return arg.role == "agent" and arg.type in _MISTYPED


def _fits(arg: Argument, types: frozenset[str]) -> bool:
    """Is the argument of a type the question asks for? A place to stay or a venue is a place whose noun says so."""
    if arg.type in types:
        return True
    for special in ("lodging", "venue"):
        if (
            special in types
            and arg.type in ("place", "organisation", "name", "other")
            and arg.head in words_of("types", special)
        ):
            return True
    # A name the recogniser did not type may be a person's or an organisation's ("La Coopérative X finance …").
    return bool(types & {"person", "organisation"}) and arg.type == "name"


def _words(text: str) -> list[str]:
    return [w for w in content_words(text) if not w.isdigit()]


def stated_by_verb(q: Question, facts: FactIndex, passages: frozenset[str]) -> bool:
    """Does a retrieved sentence say what "Who heads / chairs X?" asks with a verb of the question's relation group
    and X as its theme ("X is chaired by Y")? Then that sentence answers, not a title that shares the verb's concept
    ("Operations Director at X" for "who heads X")."""
    asking = q.asking
    if asking is None or asking.claim is None or asking.claim.copula or not q.organisations:
        return False
    relation = asking.claim.relation
    names = {fold(n) for o in q.organisations for n in facts.organisation_names(o)}
    return any(
        not c.negated
        and (c.relation == relation or _group(relation) & _group(c.relation))
        and any(a.role == "theme" and fold(a.span.text) in names for a in c.arguments)
        for c in of_passages(facts, passages)
    )


def of_passages(facts: FactIndex, passages: frozenset[str]) -> list[Claim]:
    """The claims of the given passages (one per sentence that has a predicate), from the index built once."""
    by_chunk = _index(facts)[0]
    return [c for p in passages for c in by_chunk.get(p, [])]


_Indexes = tuple[dict[str, list[Claim]], dict[str, list[Claim]], dict[str, list[Claim]]]
_INDEXES: WeakKeyDictionary[FactIndex, _Indexes] = WeakKeyDictionary()


def _index(facts: FactIndex) -> _Indexes:
    """The claims by passage, by their relation's stem and by its glossary concept ("dirigée" and "directeur"),
    built once per set of facts."""
    if facts not in _INDEXES:
        by_chunk: dict[str, list[Claim]] = defaultdict(list)
        by_relation: dict[str, list[Claim]] = defaultdict(list)
        by_concept: dict[str, list[Claim]] = defaultdict(list)
        for claim in facts.claims:
            by_chunk[claim.chunk_id].append(claim)
            by_relation[stem(claim.relation)].append(claim)
            for concept in concepts([claim.relation]):
                by_concept[concept].append(claim)
        _INDEXES[facts] = (dict(by_chunk), dict(by_relation), dict(by_concept))
    return _INDEXES[facts]


@cache
def _affiliations() -> frozenset[str]:
    return frozenset(stem(w) for w in words_of("relations", "affiliation"))


@cache
def _members(number: int) -> tuple[str, ...]:
    return tuple(fold(lang.data("claims")["relations"]["groups"][number]).split())


@cache
def _groups() -> dict[str, frozenset[int]]:
    table: dict[str, set[int]] = {}
    for number, group in enumerate(lang.data("claims")["relations"]["groups"]):
        for word in fold(group).split():
            table.setdefault(stem(word), set()).add(number)
    return {k: frozenset(v) for k, v in table.items()}


def _group(relation: str) -> frozenset[int]:
    return _groups().get(stem(relation), frozenset())
