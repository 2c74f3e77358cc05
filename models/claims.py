"""Claims read from spaCy's dependency parse: who did what, to whom, when and where.

A claim is a predicate (its verb's lemma, or the noun or adjective of a copula: "is responsible for") with its
arguments, each with a role (`agent`, `theme`, `recipient`, `attribute`, or the preposition of a modifier: "in",
"à"), its words and offsets, and a type (person, organisation, place, date, money, number, document, activity, role,
address, name, other). The passive is read as the active: "X is led by Y" and "Y leads X" give the same claim.
A question is read the same way; its question word marks the missing argument, and a relative clause on an
argument ("the organisation that hosted …") is an inner claim answered first. French and English; the labels of both
pipelines (Universal Dependencies for French, ClearNLP for English) are read here and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from core import lang
from core.dates import find_dates
from core.text import fold

# Dependency labels, French (UD) and English (ClearNLP), as the roles of a claim.
_AGENT = {"nsubj", "csubj", "obl:agent"}
_THEME = {"obj", "dobj", "nsubj:pass", "nsubjpass", "csubjpass"}
_RECIPIENT = {"iobj", "dative"}
_ATTRIBUTE = {"attr", "oprd"}
_MODIFIERS = {"obl", "obl:arg", "obl:mod", "prep", "npadvmod", "advmod", "nmod", "mark"}
_PASSIVE_MARKS = {"aux:pass", "auxpass"}
# A relative clause on a noun; the parts of an argument its words leave out (clauses, appositions, punctuation).
_RELATIVE = {"relcl", "acl:relcl"}
_CUT = {"relcl", "acl:relcl", "acl", "appos", "punct", "cc", "parataxis", "advcl", "case", "mark"}
_ENTITY_TYPES = {
    "PER": "person",
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "DATE": "date",
    "MONEY": "money",
    "CARDINAL": "number",
    "QUANTITY": "number",
    "PERCENT": "number",
}
# What a copula's noun heads besides what it says: "[l'enveloppe] [est] de 400 000 euros".
_CLAUSE = frozenset({"nsubj", "nsubj:pass", "csubj", "cop", "aux", "aux:pass", "aux:tense", "advmod", "obl:mod"})
_DIGIT = re.compile(r"\d")
_NEGATIONS = frozenset({"ne", "not", "pas", "jamais", "never", "n't"})


@dataclass
class Argument:
    role: str  # agent, theme, recipient, attribute, or a modifier's preposition ("in", "a", "by"…)
    text: str
    start: int  # offsets in the parsed text
    end: int
    type: str
    head: str  # the folded lemma of its head word
    asks: str | None = None  # in a question: the question word it stands for ("who", "where", "which"…)
    inner: Claim | None = None  # a relative clause on it ("the organisation [that hosted the meeting]")
    extent: tuple[int, int] = (0, 0)  # offsets of its whole phrase, clauses included


@dataclass
class Claim:
    relation: str  # the predicate's folded lemma
    text: str  # the predicate's words as written
    args: list[Argument] = field(default_factory=list)
    negated: bool = False
    copula: bool = False  # "X is the Y", "X est responsable de Y": a predicate without a verb of its own

    def missing(self) -> Argument | None:
        """The argument a question asks for (its question word), if any."""
        return next((a for a in self.args if a.asks), None)


@cache
def _word_sets(section: str) -> dict[str, frozenset[str]]:
    return {key: frozenset(fold(str(value)).split()) for key, value in lang.data("claims")[section].items()}


def words_of(section: str, key: str) -> frozenset[str]:
    """A word list of `core/lang/claims.toml`, folded."""
    return _word_sets(section)[key]


def row_claim(cells: list[tuple[int, str]], names: dict[str, str]) -> Claim | None:
    """A table row as one claim whose arguments are its cells (offsets in the row's text), typed by the names the
    facts know, dates and figures: "| Survey | Priya Nair | 31 October 2025 |" says who owns what by when."""
    args = []
    for start, cell in cells:
        folded = fold(cell)
        kind = next((k for n, k in names.items() if n and n == folded), None)
        if kind is None:
            if find_dates(cell) and len(find_dates(cell)[0].text) >= len(cell.strip()) - 2:
                kind = "date"
            elif _DIGIT.search(cell):
                kind = "money" if set(folded.split()) & words_of("types", "money") else "number"
            else:
                kind = "other"
        args.append(Argument("cell", cell, start, start + len(cell), kind, folded.split()[-1] if folded else ""))
    return Claim(relation="row", text="", args=args) if len(args) > 1 else None


def claims_of(doc: Any, names: dict[str, str] | None = None) -> list[Claim]:
    """Every claim of a parsed sentence. `names` maps folded names the facts know to their type (person or
    organisation); they type an argument before spaCy's entity labels do. The sentence's entities, dates and amounts
    that no argument holds are added to its last claim as `mention`s: a parse that misattaches "à Grenoble" still
    says the sentence has a place."""
    found = []
    for token in doc:
        if _is_predicate(token):
            claim = _claim(token, names or {})
            if claim is not None:
                found.append(claim)
    if not found and (misread := _verb_misread(doc, names or {})) is not None:
        found.append(misread)
    if found:
        held = [(a.start, a.end, a.type) for c in found for a in c.args]
        for entity in doc.ents:
            kind = _type(entity.root, list(entity), entity.text, names or {})
            if entity.label_ in _ENTITY_TYPES and not any(s <= entity.start_char < e and t == kind for s, e, t in held):
                found[-1].args.append(
                    Argument("mention", entity.text, entity.start_char, entity.end_char, kind, fold(entity.root.lemma_))
                )
    return found


def question_claim(doc: Any, names: dict[str, str] | None = None) -> Claim | None:
    """The claim a question asks about: the main predicate's, with the question word's argument marked and a
    relative clause on an argument read as its inner claim. None when the parse holds no predicate."""
    roots = [t for t in doc if t.dep_ == "ROOT"]
    for root in roots:
        predicate = root if _is_predicate(root) else next((t for t in root.children if _is_predicate(t)), None)
        if predicate is not None and predicate.dep_ == "xcomp" and not _modal(root):
            predicate = None
        if predicate is None:
            continue
        claim = _claim(predicate, names or {}, question=True)
        if claim is not None:
            _nested_inner(claim, doc, names or {})
            return claim
    return _verb_misread(doc, names or {}, question=True)


# A French verb's written form is its infinitive without the ending and at most this many letters ("financ" + "e",
# "ent"): longer, the word is a noun of the same stem ("organis" + "ation", "présid" + "ente").
_INFLECTION = 3
# An English verb's forms the parser may misread as a noun or an adjective ("funds", "finances"); not "-er"
# ("holder" is no form of "hold").
_ENGLISH_FORMS = ("", "s", "es", "ed")
# The words of a noun phrase before a misread verb (its subject, or "Quelle organisation").
_PHRASE = frozenset({"DET", "NOUN", "PROPN", "ADJ"})


def _verb_misread(doc: Any, names: dict[str, str], question: bool = False) -> Claim | None:
    """A sentence or question parsed without a verb because its verb was read as a noun or an adjective ("La
    Coopérative X finance le programme", "Quelle organisation finance … ?"): a word between two noun phrases that is a
    form of a verb of the claims' relations (`[relations] groups` of claims.toml) is the predicate; the phrase before
    it its agent (asked, after "quel"/"which"), the noun after it its theme."""
    for i in range(1, len(doc) - 1):
        word = doc[i]
        if word.pos_ not in ("NOUN", "ADJ", "PROPN") or doc[i - 1].pos_ not in ("NOUN", "PROPN"):
            continue
        verb = _relation_verb(fold(word.text))
        after = next((t for t in doc[i + 1 :] if t.pos_ in ("NOUN", "PROPN")), None)
        if verb is None or after is None:
            continue
        first = i - 1
        while first > 0 and doc[first - 1].pos_ in _PHRASE:
            first -= 1
        asks = "which" if question and fold(doc[first].text) in words_of("asking", "which") else None
        if doc[first].pos_ == "DET" and asks is None and first < i - 1:
            first += 1  # "La Coopérative X": the article is not the name
        head, start, end = doc[i - 1], doc[first].idx, doc[i - 1].idx + len(doc[i - 1].text)
        agent_type = _type(head, list(doc[first:i]), doc.text[start:end], names)
        agent = Argument(
            "agent", doc.text[start:end], start, end, agent_type, fold(head.lemma_), asks, None, (start, end)
        )
        return Claim(relation=verb, text=word.text, args=[agent, _argument(after, "theme", names, question)])
    return None


@cache
def _relation_verbs() -> tuple[str, ...]:
    """The words of the claims' relation groups, folded once (they are tried for every verbless sentence)."""
    return tuple(verb for group in lang.data("claims")["relations"]["groups"] for verb in fold(group).split())


def _relation_verb(word: str) -> str | None:
    """The verb of the claims' relations this word is a form of ("finance" -> "financer", "funds" -> "fund")."""
    for verb in _relation_verbs():
        if verb.endswith(("er", "ir", "re")) and len(verb) > 4:
            if word.startswith(verb[:-2]) and len(word) - len(verb) + 2 <= _INFLECTION:
                return verb
        elif any(word == verb + ending for ending in _ENGLISH_FORMS):
            return verb
    return None


def _is_predicate(token: Any) -> bool:
    if _modal(token):
        return False  # "peut porter": the verb it governs is the predicate
    if token.pos_ == "VERB":
        # A participle that qualifies a noun ("the selected projects", "les projets retenus") states nothing.
        qualifies = token.head.i != token.i and token.head.pos_ in ("NOUN", "PROPN") and token.dep_ not in _RELATIVE
        return token.dep_ not in ("aux", "aux:pass", "auxpass") and not qualifies
    # A copula: "X est responsable de Y" (French: the adjective or noun heads), "X is responsible" (English: "be").
    if any(c.dep_ == "cop" for c in token.children):
        return True
    return token.pos_ == "AUX" and token.dep_ == "ROOT" and any(c.dep_ in ("acomp", "attr") for c in token.children)


def _modal(token: Any) -> bool:
    return fold(token.lemma_) in words_of("asking", "modals") and any(
        c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX") for c in token.children
    )


def _claim(predicate: Any, names: dict[str, str], question: bool = False) -> Claim | None:
    children = list(predicate.children)
    if predicate.dep_ == "xcomp" and _modal(predicate.head):
        # The subject of "peut" is the subject of "porter"; its negation too ("ne peut pas le porter").
        children += [c for c in predicate.head.children if c.dep_ in ("nsubj", "nsubj:pass", "nsubjpass", "neg")]
    passive = any(c.dep_ in _PASSIVE_MARKS for c in children)
    relation, text = fold(predicate.lemma_), predicate.text
    args: list[Argument] = []
    for child in children:
        dep = child.dep_
        if dep == "acomp":  # "is responsible for X": the adjective is the relation, its modifiers the claim's
            relation, text = fold(child.lemma_), child.text
            args += [a for c in child.children if (a := _modifier(c, names, question)) is not None]
            continue
        if dep in ("nsubj", "csubj") and passive:
            role = "theme"
        elif dep in _AGENT:
            role = "agent"
        elif dep in _THEME:
            role = "theme"
        elif dep in _RECIPIENT:
            role = "recipient"
        elif dep in _ATTRIBUTE:
            role = "attribute"
        elif dep in ("agent",):  # English "by": its object is the agent
            objects = [c for c in child.children if c.dep_ == "pobj"]
            args += [_argument(o, "agent", names, question) for o in objects]
            continue
        elif dep in _MODIFIERS:
            modifier = _modifier(child, names, question, passive)
            if modifier is not None:
                args.append(modifier)
            continue
        else:
            continue
        if child.pos_ == "PRON" and child.text.startswith("-"):  # French inverted subject "-ils": a repeat
            continue
        args.append(_argument(child, role, names, question))
    if predicate.pos_ != "VERB" and predicate.pos_ != "AUX":
        # A copula headed by its noun or adjective (French UD): the noun is the relation, and what it says (an
        # amount: "est de 400 000 euros") its attribute.
        relation, text = fold(predicate.lemma_), predicate.text
        attribute = _argument(predicate, "attribute", names, question, _CLAUSE)
        if attribute.type not in ("other", "pronoun"):
            args.append(attribute)
    if not args:
        return None
    # "ne peut pas le porter": the negation may hang on the verb this one completes.
    scope = children + (list(predicate.head.children) if predicate.dep_ == "xcomp" else [])
    negated = any(c.dep_ == "neg" or fold(c.lemma_) in _NEGATIONS for c in scope)
    copula = predicate.pos_ not in ("VERB",) or fold(predicate.lemma_) in words_of("asking", "copulas")
    return Claim(relation=relation, text=text, args=args, negated=negated, copula=copula)


def _modifier(token: Any, names: dict[str, str], question: bool, passive: bool = False) -> Argument | None:
    """A modifier of the predicate: its preposition is its role ("in Porto": "in"); "by"/"par" after a passive is
    the agent."""
    if token.dep_ == "prep":
        objects = [c for c in token.children if c.dep_ in ("pobj", "pcomp")]
        if not objects:
            return None
        preposition, head = fold(token.lemma_), objects[0]
    else:
        cases = [c for c in token.children if c.dep_ == "case"]
        preposition, head = (fold(cases[0].lemma_) if cases else token.dep_), token
    if token.dep_ in ("advmod", "mark", "npadvmod") and not (question and _asks(token)):
        return None
    role = "agent" if passive and preposition in words_of("asking", "by") else preposition
    return _argument(head, role, names, question)


def _argument(
    head: Any, role: str, names: dict[str, str], question: bool, cut: frozenset[str] = frozenset()
) -> Argument:
    kept = _kept(head, cut)
    start, end = kept[0].idx, kept[-1].idx + len(kept[-1].text)
    start, end = _whole_name(head.doc.text, start, end, names)
    text = head.doc.text[start:end]
    kind = _type(head, kept, text, names)
    extent = (head.left_edge.idx, head.right_edge.idx + len(head.right_edge.text))
    inner = None
    relative = _relatives(head.doc).get(head.i) if question else None
    if relative is not None:
        # The phrase the inner answer replaces runs to the clause's end, wherever the parser hung the clause.
        pronoun, verb = relative
        inner = _inner(verb, pronoun, Argument("", text, start, end, kind, fold(head.lemma_)), names)
        last = _theme_after(verb) if verb.pos_ not in ("VERB", "AUX") else verb
        last = (last or verb).right_edge
        while last.is_punct and last.i > verb.i:  # the question mark the parser may hang on the clause's verb
            last = last.nbor(-1)
        first = head.left_edge
        while first.pos_ == "ADP" and first.i < head.i:  # "de [l'organisation pour laquelle …]"
            first = first.nbor()
        extent = (first.idx, max(extent[1], last.idx + len(last.text)))
    asks = _asks(head) if question else None
    return Argument(role, text, start, end, kind, fold(head.lemma_), asks, inner, extent)


def span_argument(doc: Any, start: int, end: int, role: str, names: dict[str, str]) -> Argument | None:
    """An argument that is exactly `doc.text[start:end]` (a span a model proposed and that was checked to be one),
    typed as the parser's arguments are; None when the span is no whole tokens' run."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    text = doc.text[start:end]
    return Argument(role, text, start, end, _type(span.root, list(span), text, names), fold(span.root.lemma_))


def _whole_name(text: str, start: int, end: int, names: dict[str, str]) -> tuple[int, int]:
    """The offsets of a known name that starts with the argument's words and goes on: the parser may cut a name
    ("Yann" of "Yann Le Gall", its "Le" read as an article). A name that starts before them is not taken: the
    facts' names may hold an article the argument leaves out ("the X Institute")."""
    folded = fold(text)
    if len(folded) != len(text):
        return start, end
    words = folded[start:end]
    for name in names:
        if len(name) > end - start and name.startswith(words) and folded.startswith(name, start):
            return start, start + len(name)
    return start, end


def _relatives(doc: Any) -> dict[int, tuple[Any, Any]]:
    """The relative clauses of a question by the index of the noun each stands for: noun -> (relative pronoun,
    the clause's verb). The noun is the one right before the pronoun or its preposition ("l'organisation [pour]
    laquelle travaille X", "the organisation that X works for"), whatever word the parser hung the clause on: it
    may hang it on the question's verb ("Qui dirige l'organisation qui a organisé …") or on the noun a complement
    holds ("le directeur de l'organisation pour laquelle …"). A name's last word stands for its head ("the
    University of X that …")."""
    found: dict[int, tuple[Any, Any]] = {}
    for pronoun in doc:
        if pronoun.pos_ != "PRON" or fold(pronoun.text) not in words_of("asking", "relative") or pronoun.i < 1:
            continue
        before = doc[pronoun.i - 1]
        if before.pos_ == "ADP" and pronoun.i >= 2:
            before = doc[pronoun.i - 2]
        if before.pos_ not in ("NOUN", "PROPN"):
            continue
        verb = pronoun.head
        # "l'organisation qui finance …" with "finance" read as a noun: a form of a relations' verb is the verb.
        misread = verb.pos_ in ("NOUN", "ADJ", "PROPN") and _relation_verb(fold(verb.text)) is not None
        while not misread and verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        if (verb.pos_ not in ("VERB", "AUX") and not misread) or verb.i < pronoun.i:
            continue
        noun = before
        if any(t.i == noun.i for t in verb.subtree):
            continue  # the clause holds its noun: the parse is not one of a relative clause
        if verb.dep_ in _RELATIVE and before.pos_ == "PROPN" and before in verb.head.subtree:
            noun = verb.head  # "the University of X that …": the parser's noun, not the name's last word
        while noun.dep_ in ("compound", "flat", "flat:name", "fixed") and noun.head.i != noun.i:
            noun = noun.head
        found.setdefault(noun.i, (pronoun, verb))
    return found


def _nested_inner(claim: Claim, doc: Any, names: dict[str, str]) -> None:
    """A relative clause on a noun inside an argument ("the chair of [the organisation that X works for]", "la
    présidente de [l'organisation pour laquelle …]") is the claim's inner question too, as an argument of its
    own."""
    if any(a.inner is not None for a in claim.args):
        return
    for index in _relatives(doc):
        noun = doc[index]
        if any(a.start <= noun.idx < a.end and a.head == fold(noun.lemma_) for a in claim.args):
            continue
        claim.args.append(_argument(noun, "of", names, True))
        return


def _theme_after(verb: Any) -> Any | None:
    """The noun after a verb the parser read as a noun ("qui finance [le programme] …")."""
    return next((t for t in verb.doc[verb.i + 1 :] if t.pos_ in ("NOUN", "PROPN")), None)


def _inner(verb: Any, pronoun: Any, noun: Argument, names: dict[str, str]) -> Claim:
    """The inner question of a relative clause: its verb's claim, the relative pronoun ("that", "qui",
    "laquelle") standing for the noun asked about. A pronoun the parser left out of the verb's arguments ("pour
    laquelle", read as a loose dependent) is added as the argument of its preposition."""
    if verb.pos_ in ("VERB", "AUX"):
        inner = _claim(verb, names, question=True) or Claim(relation=fold(verb.lemma_), text=verb.text)
    else:  # a verb read as a noun: its theme is the noun phrase after it, as in a verbless sentence
        inner = Claim(relation=_relation_verb(fold(verb.text)) or fold(verb.lemma_), text=verb.text)
        if (theme := _theme_after(verb)) is not None:
            inner.args.append(_argument(theme, "theme", names, True))
        role = "agent" if pronoun.dep_.startswith("nsubj") else "theme"
        end = pronoun.idx + len(pronoun.text)
        inner.args.append(Argument(role, pronoun.text, pronoun.idx, end, "", fold(pronoun.text)))
    relative = [a for a in inner.args if a.head in words_of("asking", "relative")]
    if not relative:
        before = pronoun.doc[pronoun.i - 1]
        role = fold(before.lemma_) if before.pos_ == "ADP" else "theme"
        end = pronoun.idx + len(pronoun.text)
        relative = [Argument(role, pronoun.text, pronoun.idx, end, noun.type, fold(pronoun.text))]
        inner.args.append(relative[0])
    for arg in relative:  # "that"/"qui" stands for the noun it hangs on: that is what is asked
        arg.asks, arg.type, arg.text = "which", noun.type, noun.text
    return inner


def _kept(head: Any, also: frozenset[str] = frozenset()) -> list[Any]:
    """The argument's words: its subtree without clauses, appositions or its leading preposition and article
    (nor the deps `also` names among the head's own children)."""
    cut: set[int] = set()
    for token in head.subtree:
        inside = token.head.i != head.i and token.dep_ in ("case", "mark", "cc")  # "lot [de] travail" stays whole
        if token.i != head.i and (
            (token.dep_ in _CUT and not inside) or (token.head.i == head.i and token.dep_ in also)
        ):
            cut.update(t.i for t in token.subtree)
    kept = [t for t in head.subtree if t.i not in cut]
    # Contiguous around the head: what a cut clause split off does not come back.
    left = head.i
    while left - 1 >= 0 and any(t.i == left - 1 for t in kept):
        left -= 1
    right = head.i
    while any(t.i == right + 1 for t in kept):
        right += 1
    tokens = [t for t in kept if left <= t.i <= right]
    while len(tokens) > 1 and tokens[0].dep_ in ("det", "case", "det:poss") and not tokens[0].like_num:
        tokens = tokens[1:]
    return tokens or [head]


def _asks(token: Any) -> str | None:
    """The question word this token is or carries ("which hotel": "which")."""
    asking = _word_sets("asking")
    for word in [token, *[c for c in token.children if c.dep_ in ("det", "advmod", "case") or c.pos_ == "ADJ"]]:
        folded = fold(word.text)
        for key in ("who", "where", "when", "how_much", "which", "what"):
            if folded in asking[key]:
                if key == "which" and word.i == token.i:
                    continue  # "quel" alone is not "quel poste"
                return "how_much" if key == "how_much" else key
        if folded in asking["much"] or folded in asking["many"]:
            return "how_much"
        if folded in asking["how"] and any(fold(c.text) in asking["much"] | asking["many"] for c in token.children):
            return "how_much"
    return None


def _type(head: Any, kept: list[Any], text: str, names: dict[str, str]) -> str:
    folded = fold(text)
    lemma = fold(head.lemma_)
    for name, kind in names.items():
        if name and name in folded and lemma in name.split():  # "Director General of X" is a role, not X
            return kind
    types = _word_sets("types")
    tokens = {fold(t.lemma_) for t in kept}
    if _DIGIT.search(text) and tokens & types["money"]:
        return "money"
    if find_dates(text) and lemma not in types["activity"] | types["document"]:
        return "date"
    entity = head.ent_type_
    if entity in _ENTITY_TYPES and _ENTITY_TYPES[entity] != "person":
        return _ENTITY_TYPES[entity]
    if lemma in types["role"] or (head.pos_ == "PROPN" and tokens & types["role"] and entity != "PERSON"):
        return "role"
    if entity in _ENTITY_TYPES:
        return _ENTITY_TYPES[entity]
    if head.like_num or head.pos_ == "NUM":
        return "number"
    for kind in ("address", "person", "organisation", "place", "document", "activity"):
        if lemma in types[kind]:
            return kind
    if head.pos_ == "PROPN":
        return "name"  # a name the entity recogniser did not type: a person or an organisation
    if head.pos_ == "PRON":
        return "pronoun"
    return "other"
