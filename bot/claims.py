"""What a question asks, read as a claim with a missing argument (`models.claims`): the relation asked about, the
arguments it gives, and the types the missing one may have (who -> a person or an organisation, where -> a place,
how much -> an amount, "which hotel" -> a place to stay, "what address" -> an address). `Question.asking` holds it."""

from __future__ import annotations

from dataclasses import dataclass

from core.text import fold, words
from models.claims import Argument, Claim, question_claim, words_of
from models.nlp import parses

# Who may be a person, an organisation, a name the recogniser did not type, or a role the documents give without
# the name of its holder (a partial answer).
_WHO = frozenset({"person", "organisation", "name", "role"})
# Who holds a role: a person (or a name the recogniser did not type), or the role alone when the documents give it
# without its holder.
_HOLDER = frozenset({"person", "name", "role"})
_BY_WORD = {"where": frozenset({"place"}), "when": frozenset({"date"})}
# How far after the question word its noun may stand ("what's Jane Roe's email address": five words).
_NOUN_WINDOW = 5
# A question word further in than this is a relative pronoun ("le texte … qui a lancé"), not the question's: "in
# which city", "à partir de quand" put it third at most.
_FIRST_WORDS = 3
# Nouns that ask for any organisation; another ("which company", "quelle banque") is asked of a sentence that says it.
_ANY_ORGANISATION = frozenset({"organisation", "organization", "organisme", "institution", "partenaire", "partner"})


@dataclass
class Asking:
    """The claim a question asks about, the types its answer may have (empty: any), and its question word."""

    claim: Claim | None
    types: frozenset[str]
    word: str  # who, where, when, how_much, which, what
    noun: str = ""  # the noun after "which" that says what kind of organisation is asked ("company"), if any

    @property
    def missing(self) -> Argument | None:
        return self.claim.missing() if self.claim else None

    @property
    def chain(self) -> Argument | None:
        """The argument whose relative clause is an inner question ("the organisation [that hosted …]")."""
        if self.claim is None:
            return None
        return next((a for a in self.claim.args if a.inner is not None and a.inner.missing()), None)

    def given(self) -> list[Argument]:
        """The arguments the question gives, that an answering claim must hold."""
        if self.claim is None:
            return []
        return [a for a in self.claim.args if not a.asks and a.type != "pronoun" and a.inner is None]


def read_question(text: str, language: str, people: list[str], organisations: list[str]) -> Asking | None:
    """The question as a claim with its missing argument, or None when it asks no question word's question."""
    word, types, noun = _asked(text)
    if word is None:
        return None
    names = {fold(n): "person" for n in people} | {fold(n): "organisation" for n in organisations}
    claim = question_claim(parses([text], language)[0], names)
    if word == "who" and claim is not None and claim.copula and _names_a_role(text, organisations):
        types = _HOLDER  # "who is the Director of X?": a person, or the role alone; X itself is no answer
    return Asking(claim, types, word, noun)


def _names_a_role(text: str, organisations: list[str]) -> bool:
    """Does the question name a person's role ("Vice-Chancellor", "directrice générale") outside the names of the
    organisations it gives?"""
    named = {w for o in organisations for w in words(o)}
    return any(w not in named and w in words_of("types", "role") for w in words(text.replace("-", " ")))


def _asked(text: str) -> tuple[str | None, frozenset[str], str]:
    """The question word, the types of its answer and, for an organisation of a kind, its noun: from the words,
    the question word among the first ones, and for "which", "what" or "combien" the noun that follows it."""
    found = words(text)
    asking = {key: words_of("asking", key) for key in ("who", "where", "when", "how_much", "which", "what", "how")}
    for i, word in enumerate(found[:_FIRST_WORDS]):
        following = found[i + 1 : i + 1 + _NOUN_WINDOW]
        if (
            word in asking["how"]
            and following
            and following[0] in words_of("asking", "much") | words_of("asking", "many")
        ):
            return "how_much", _noun_type(following[1:])[0] or _amount(following[0]), ""
        if word in asking["how_much"]:
            return "how_much", _noun_type(following)[0] or frozenset({"money", "number"}), ""
        if word in asking["who"]:
            return "who", _WHO, ""
        if word in asking["where"] or word in asking["when"]:
            key = "where" if word in asking["where"] else "when"
            return key, _BY_WORD[key], ""
        if word in asking["which"] or word in asking["what"]:
            types, noun = _noun_type(following)
            return "which", types or frozenset(), noun if types == {"organisation"} else ""
    return None, frozenset(), ""


def _amount(word: str) -> frozenset[str]:
    return frozenset({"money"}) if word in words_of("asking", "much") else frozenset({"number"})


def _noun_type(following: list[str]) -> tuple[frozenset[str] | None, str]:
    """The type a noun asks for ("hotel" -> lodging, "company" -> organisation), from `[asked]` of claims.toml,
    plural forms by their singular; and the noun when it names a kind of organisation."""
    kinds = ("lodging", "venue", "email", "phone", "url", "address", "money", "date", "place", "organisation")
    for word in following:
        for singular in (word, word.rstrip("s"), word[:-1] if word.endswith("x") else word):
            for kind in kinds:
                if singular in words_of("asked", kind):
                    specific = kind == "organisation" and singular not in _ANY_ORGANISATION
                    return frozenset({kind}), singular if specific else ""
            if singular in words_of("asked", "person"):
                return _WHO, ""
    return None, ""
