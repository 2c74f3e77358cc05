"""Extract people, organisations, events and plans from one document's text, in French or English.

The rules read the document's own structure (honorifics, "Name, role, organisation" appositions, "Long Name (ACR)",
attendee lists after "Étaient présents :" or "Attendees:", sentences that go on listing participants) beside
spaCy's entities; dates come from `core.dates`. Every field of a fact is a span of its sentence.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

import simplemma

from core import lang
from core.dates import DateSpan, find_dates, j_day, relative_dates
from core.lang import vocabulary as vocab
from core.text import HONORIFICS, STOPWORDS, fold, guess_language, is_statement, sentences, unwrap
from ingest.facts.propose import propose
from models.nlp import Entity, entities
from models.textmodel import TextModel
from store.fact_records import Event, Organisation, Person, Plan, Span

# Bump when the extraction changes: every document's facts are extracted again at the next ingest.
FACTS_VERSION = "9"
# A capitalised word of a name: "Jean-Marc", "O'Neil", "ROLLIN", "Brisséau".
log = logging.getLogger("partnerbot.facts")
_NAME_WORD = r"[A-ZÀ-Ý][A-Za-zÀ-ÿ'’-]*"
_HONORIFIC = re.compile(
    r"(?<![\w.-])(?P<title>" + "|".join(sorted(HONORIFICS, key=len, reverse=True)) + r")\.?\s+"
    rf"(?P<name>{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|{'|'.join(lang.word_list('facts', 'name_particles'))})){{0,4}})"
)
_ACRONYM = re.compile(r"^[A-Z][A-Za-z]{0,2}[A-Z][A-Z0-9]{0,7}$")  # INRX, WGIIT, ECIA, MoU
_LONG_SHORT = re.compile(
    rf"(?P<long>{_NAME_WORD}(?:[\s-]+(?:{_NAME_WORD}|d['’]\s?{_NAME_WORD}|de|du|des|of|the|and|et|for|pour|la|le|"
    rf"l['’]\s?{_NAME_WORD}|d['’]|l['’])){{1,10}})\s*\((?P<short>[A-Z][A-Za-z0-9]{{1,9}})\)"
)
# What follows a name to say its organisation without a comma: "(Org)", "de la Société X", "of X".
_AFFILIATED = re.compile(
    rf"^\s*(?:\((?P<inside>[^()]{{2,80}})\)|(?i:\s{lang.data('facts')['affiliation_prepositions']})\s*"
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,5}}))"
)
_ITEM_MARK = re.compile(r"^\s*(?:[-–—•*▪●◦]|\d{1,2}[.)])\s*")
_RELATIVE = lang.pattern("facts", "relative", re.I)
_POSSESSIVE = lang.pattern("facts", "possessive", re.I)
_TRAILING = lang.pattern("facts", "trailing", re.I)
_HONORIFIC_WORDS = frozenset(h.lower() for h in HONORIFICS)
# A name may end on none of these particles.
_END_PARTICLES = lang.word_set("facts", "name_end_particles")
_PARTICLES = frozenset(fold(p) for p in lang.word_list("facts", "name_particles"))
# First words that point back to what the previous sentence was about.
_POINTING = lang.word_set("facts", "pointing")
_CLAUSE_OPENERS = lang.word_set("facts", "clause_openers")
# A role longer than this is a clause, not a title.
_MAX_ROLE_WORDS = 24
# A mention of an attendee list is followed by its items up to this many lines later.
_MAX_LIST_LINES = 60


@dataclass
class _Sentence:
    start: int
    text: str
    language: str
    line: int  # index of the line (paragraph) it belongs to
    item: bool  # the line is an item of a list
    chunk: str = ""  # the passage that holds it
    entities: list[Entity] = field(default_factory=list)
    people: list[_Mention] = field(default_factory=list)
    dates: list[DateSpan] = field(default_factory=list)

    def span(self, start: int, end: int) -> Span:
        return Span(start=self.start + start, end=self.start + end, text=self.text[start:end], chunk_id=self.chunk)

    @property
    def whole(self) -> Span:
        return self.span(0, len(self.text))


@dataclass
class _Mention:
    start: int  # in the sentence
    end: int
    name: str
    honorific: str | None


class _Organisations:
    """The organisations of a document, each with every form it is written in and the sentence it first appears in."""

    def __init__(self) -> None:
        self.groups: list[tuple[list[str], _Sentence]] = []

    def add(self, names: list[str], where: _Sentence) -> None:
        names = [part for n in names for part in _forms(n)]
        if not names:
            return
        hits = [i for i, (group, _) in enumerate(self.groups) if any(_same(n, g) for n in names for g in group)]
        if not hits:
            self.groups.append((list(dict.fromkeys(names)), where))
            return
        merged, first = self.groups[hits[0]]
        for other in reversed(hits[1:]):
            merged += self.groups.pop(other)[0]
        self.groups[hits[0]] = (list(dict.fromkeys(merged + names)), first)

    def canonical(self, name: str, strict: bool = False) -> str | None:
        """The organisation's name, if `name` is one of its forms (`strict`: "X (Y)" only when X is)."""
        forms = _forms(name)[:1] if strict else _forms(name)
        for group, _ in self.groups:
            if any(_same(form, g) for form in forms for g in group):
                return _canonical(group)
        return None

    def facts(self, base) -> list[Organisation]:
        out = []
        for group, sentence in self.groups:
            name = _canonical(group)
            spans = [sentence.span(at, at + len(g)) for g in group if (at := sentence.text.find(g)) >= 0]
            aliases = [g for g in group if g != name]
            out.append(Organisation(**base(sentence), sentence=sentence.whole, spans=spans, name=name, aliases=aliases))
        return out


def _forms(name: str) -> list[str]:
    """ "Long Name (ACR)" is two forms of one name."""
    name = name.strip(" ,.;:")
    match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", name)
    return [match[1].strip(), match[2].strip()] if match else [name] if name else []


def _long_form(long: str, short: str) -> str:
    """The words of `long` that `short` abbreviates: "Vice-Chancellor of the Coastal Institute of Data Science
    (CIDS)" -> "Coastal Institute of Data Science"; failing that, `long` without leading titles and articles."""
    words = long.split()
    for i in range(len(words)):
        capitalised = [re.sub(r"^[dlDL]['’]", "", w) for w in words[i:]]
        initials = "".join(fold(w[0]).upper() for w in capitalised if w[:1].isupper())
        if words[i][:1].isupper() and initials == short.upper():
            return " ".join(words[i:])
    while words and (fold(words[0]) in vocab.ROLE_WORDS or not words[0][:1].isupper() or _has_role_word(words[0])):
        words.pop(0)
    return re.sub(r"^(?:l|d)['’]\s?", "", " ".join(words)) or long


def _canonical(group: list[str]) -> str:
    """The longest form that is not an acronym."""
    long = [g for g in group if not _ACRONYM.match(g)]
    return max(long or group, key=len)


def _same(a: str, b: str) -> bool:
    fa, fb = fold(a).strip(), fold(b).strip()
    if fa == fb:
        return True
    return _initials_match(a, b) or _initials_match(b, a)


def _initials_match(short: str, long: str) -> bool:
    """ "IIT Orbital" is "Indian Institute of Technology Orbital": the first word of the short form
    spells the initials of the long form's first words, and the rest is the same."""
    words, long_words = short.split(), [w for w in long.split() if w[:1].isupper()]
    if not words or not _ACRONYM.match(words[0]) or len(long_words) < len(words[0]):
        return False
    head = words[0].upper()
    initials = "".join(w[0].upper() for w in long_words[: len(head)])
    return initials == head and [fold(w) for w in words[1:]] == [fold(w) for w in long_words[len(head) :]]


def extract_facts(
    text: str,
    doc_id: str,
    title: str,
    doc_date: str,
    language: str,
    passages: list[tuple[str, int]],
    proposer: TextModel | None = None,
    proposals: int = 0,
) -> list[Person | Organisation | Event | Plan]:
    """The facts of one document. `passages` are (chunk id, start offset) pairs, in order, for provenance. With a
    `proposer`, at most `proposals` sentences whose people the rules found without a role go to the model too."""
    reference = _parse_date(doc_date)
    found = _sentences(unwrap(text).split("\n"), language)  # a hard-wrapped line's sentence goes on
    for sentence in found:
        sentence.dates = find_dates(sentence.text, reference)
    _add_relative_dates(found, reference)
    by_language: dict[str, list[_Sentence]] = {}
    for sentence in found:
        by_language.setdefault(sentence.language, []).append(sentence)
    for language, group in by_language.items():
        for sentence, ents in zip(group, entities([s.text for s in group], language), strict=True):
            sentence.entities = ents
            sentence.people = _people(sentence)

    starts = [start for _, start in passages]
    for sentence in found:
        sentence.chunk = passages[max(0, bisect_right(starts, sentence.start) - 1)][0] if passages else ""

    def base(sentence: _Sentence) -> dict:
        return {"doc_id": doc_id, "doc_date": doc_date, "doc_title": title, "chunk_id": sentence.chunk}

    organisations = _Organisations()
    for sentence in found:
        for match in _LONG_SHORT.finditer(sentence.text):
            organisations.add([_long_form(match["long"], match["short"]), match["short"]], sentence)
    people: list[Person] = []
    for sentence in found:
        for person in _row_person(sentence, organisations) or _roles(sentence, organisations):
            people.append(Person(**base(sentence), **person))
    if proposer is not None and proposals:
        people += _proposed_people(found, people, organisations, proposer, proposals, base)
    for sentence in found:
        _named_organisations(sentence, organisations, people)
    events, plans = _events_and_plans(found, organisations, base)
    # A name mentioned without a role is a fact only when the document gives that person no role anywhere.
    with_role = {p.name for p in people if p.role or p.organisation}
    people = [p for p in people if p.role or p.organisation or p.name not in with_role]
    return _distinct([*people, *organisations.facts(base), *events, *plans])


def _proposed_people(
    found: list[_Sentence], people: list[Person], organisations: _Organisations, proposer: TextModel, limit: int, base
) -> list[Person]:
    with_role = {p.sentence.start for p in people if p.role}
    asked = [s for s in found if s.people and s.start not in with_role][:limit]
    out = []
    for sentence in asked:
        try:
            proposals = propose(sentence.text, proposer)
        except Exception as exc:  # a model that fails costs this document its proposals, not its facts
            log.warning("the model proposed no facts for %s: %s: %s", base(sentence)["doc_id"], type(exc).__name__, exc)
            break
        for proposal in proposals.kept:
            name = sentence.text[slice(*proposal.name)]
            if _trim_name(name) != name or len(name.split()) < 2:
                proposals.rejected += 1
                continue
            person = Person(**base(sentence), name=name, sentence=sentence.whole, origin="model")
            person.spans = [sentence.span(*proposal.name)]
            if proposal.role:
                person.role = sentence.text[slice(*proposal.role)]
                person.role_lang = _language_of(person.role)
                person.spans.append(sentence.span(*proposal.role))
            if proposal.organisation:
                person.organisation_text = sentence.text[slice(*proposal.organisation)]
                person.organisation = organisations.canonical(person.organisation_text) or person.organisation_text
                person.spans.append(sentence.span(*proposal.organisation))
            out.append(person)
        if proposals.rejected:
            log.info("%d proposals of the model were not spans of their sentence", proposals.rejected)
    return out


def _distinct(facts: list) -> list:
    seen: dict[str, Person | Organisation | Event | Plan] = {}
    for fact in facts:
        seen.setdefault(fact.id, fact)
    return list(seen.values())


def _parse_date(iso: str) -> date | None:
    try:
        return date.fromisoformat(iso)
    except ValueError:
        return None


def _sentences(lines: list[str], language: str) -> list[_Sentence]:
    found, offset = [], 0
    for number, line in enumerate(lines):
        cursor = 0
        item = bool(_ITEM_MARK.match(line))
        # A long paragraph in the other language (a French message in an English e-mail thread) is read as such.
        line_language = guess_language(line) if len(line.split()) >= 8 else language
        for sentence in sentences(line):
            start = line.find(sentence, cursor)
            cursor = start + len(sentence)
            found.append(_Sentence(offset + start, sentence, line_language, number, item))
        offset += len(line) + 1
    return found


def _people(sentence: _Sentence) -> list[_Mention]:
    """The people a sentence names: after an honorific, or as spaCy sees them when the name looks like one."""
    mentions: list[_Mention] = []
    for match in _HONORIFIC.finditer(sentence.text):
        name = _trim_name(match["name"])
        if name:
            end = match.start("name") + len(name)
            mentions.append(_Mention(match.start(), end, name, match["title"]))
    if _header(fold(sentence.text)):  # "Attendees: Name, role; Name (Org)": each entry's leading name
        mentions += [_Mention(start, start + len(name), name, None) for start, name in _entries(sentence)]
    for entity in sentence.entities:
        if entity.kind != "person" or any(m.start <= entity.start < m.end for m in mentions):
            continue
        opening = sentence.text[: entity.start].rstrip()
        if opening.endswith("(") and any(m.end == len(opening[:-1].rstrip()) for m in mentions):
            continue  # "Name (Acme Shipping)" read as two people: the second is the first one's organisation
        text = re.sub(r"^(?:" + "|".join(HONORIFICS) + r")\.?\s+", "", entity.text)
        name = _trim_name(text)
        after = sentence.text[entity.end : entity.end + 12]
        if name and len(name.split()) >= 2 and not re.match(r"\s*\([A-Z][A-Za-z]{1,9}\)", after):
            start = entity.start + entity.text.find(name)
            mentions.append(_Mention(start, start + len(name), name, None))
    if sentence.item and not mentions:
        # A list item "Name, role, organisation" names its person first.
        lead = _ITEM_MARK.sub("", sentence.text).split(",", 1)[0]
        name = _trim_name(lead)
        if name and len(name.split()) >= 2 and name == lead.strip():
            start = sentence.text.find(name)
            mentions.append(_Mention(start, start + len(name), name, None))
    return sorted(mentions, key=lambda m: m.start)


def _trim_name(text: str) -> str | None:
    """The words of `text` that can be a person's name: capitalised, no title or organisation word, 1 to 4 words."""
    words = []
    for word in text.split():
        if word.startswith("(") and words:
            break  # "Jane Roe (Acme Shipping)": what the parenthesis holds is not the name
        bare = word.strip(",.;:()«»\"'")
        if not bare or not (bare[0].isupper() or (words and bare in _END_PARTICLES)):
            break
        if words and bare[0].isupper() and fold(bare) in _PARTICLES:
            words.append(bare)  # "Anne Le Gall", "Jean De Smet": a capitalised particle inside a name
            continue
        if fold(bare) in vocab.ROLE_WORDS or fold(bare) in vocab.ORGANISATION_HEADS or fold(bare) in STOPWORDS:
            break
        if not words and bare.isupper() and len(bare) > 1:
            return None  # "WGIIT" is not a name; "Jean-Marc ROLLIN" is
        words.append(bare)
        if word != bare and word.rstrip()[-1:] in ",.;:)":
            break
    while words and words[-1] in _END_PARTICLES:
        words.pop()
    if len(words) > 1 and len(words[-1].rstrip(".")) < 2:
        return None  # "Amphitheatre B": a name does not end with a letter alone
    if not words or len(words) > 4:
        return None
    return " ".join(words)


def _roles(sentence: _Sentence, organisations: _Organisations) -> list[dict]:
    """Each person of the sentence with the role and organisation written after the name ("Name, role, org")."""
    out = []
    people = sentence.people
    for i, mention in enumerate(people):
        stop = people[i + 1].start if i + 1 < len(people) else len(sentence.text)
        segment = sentence.text[mention.end : stop]
        person = {"name": mention.name, "honorific": mention.honorific, "sentence": sentence.whole}
        spans = [sentence.span(mention.start, mention.end)]
        role = _role_text(segment)
        if not role and (affiliation := _affiliation(segment, sentence, mention.end, organisations)) is not None:
            role, organisation, org_span = affiliation
            if organisation and org_span:
                person["organisation"] = organisations.canonical(organisation) or organisation
                person["organisation_text"] = org_span.text
                spans.append(org_span)
            role = role or None
            if role:
                person["role"], person["role_lang"] = role, _language_of(role)
        elif role:
            role_start = mention.end + segment.find(role)
            role, organisation, org_span = _split_role(role, sentence, role_start, organisations)
            if role:
                person["role"] = role
                person["role_lang"] = _language_of(role)
                spans.append(sentence.span(role_start, role_start + len(role)))
            if organisation and org_span:
                person["organisation"] = organisations.canonical(organisation) or organisation
                person["organisation_text"] = org_span.text
                spans.append(org_span)
        person["spans"] = spans
        out.append(person)
    return out


def _affiliation(
    segment: str, sentence: _Sentence, at: int, organisations: _Organisations
) -> tuple[str, str | None, Span | None] | None:
    """The organisation (and role) written right after a name without a comma: in a parenthesis ("Name (Org)",
    "Name (Role, Org)") or after a preposition of `affiliation_prepositions` ("Name de la Société X", "Name of X").
    None when what follows names no organisation."""
    match = _AFFILIATED.match(segment)
    if match is None:
        return None
    if match["inside"]:
        start = at + match.start("inside")
        role, organisation, span = _split_role(match["inside"], sentence, start, organisations)
        return (role, organisation, span) if organisation else None
    start = at + match.start("name")
    if not _is_organisation(match["name"], sentence, start, organisations):
        return None
    organisations.add([match["name"]], sentence)
    return "", match["name"], sentence.span(start, start + len(match["name"]))


_ROW_CELL = re.compile(r"(?:^|; )(?P<header>[^:;]{1,40}): (?P<value>[^;]+?)(?=; |\.?$)")


def _row_person(sentence: _Sentence, organisations: _Organisations) -> list[dict]:
    """A table row of a person ("Nom: Odile Ferrat; Rôle: directrice; Organisation: IPN."), read by its headers."""
    cells = {}
    for match in _ROW_CELL.finditer(sentence.text):
        header = fold(match["header"]).strip()
        for kind, headers in (
            ("name", vocab.NAME_HEADERS),
            ("role", vocab.ROLE_HEADERS),
            ("org", vocab.ORGANISATION_HEADERS),
        ):
            if header in headers and kind not in cells:
                cells[kind] = (match.start("value"), match.end("value"))
    if "name" not in cells or len(cells) < 2:
        return []
    name = _trim_name(sentence.text[slice(*cells["name"])])
    if not name or len(name.split()) < 2:
        return []
    start = cells["name"][0] + sentence.text[slice(*cells["name"])].find(name)
    person: dict = {"name": name, "sentence": sentence.whole, "spans": [sentence.span(start, start + len(name))]}
    if "role" in cells:
        person["role"] = sentence.text[slice(*cells["role"])]
        person["role_lang"] = _language_of(person["role"])
        person["spans"].append(sentence.span(*cells["role"]))
    if "org" in cells:
        person["organisation_text"] = sentence.text[slice(*cells["org"])]
        person["organisation"] = organisations.canonical(person["organisation_text"]) or person["organisation_text"]
        person["spans"].append(sentence.span(*cells["org"]))
    return [person]


def _language_of(role: str) -> str:
    """The language a role is written in, "fr" or "en", by simplemma's dictionaries (a role has no function words)."""
    return max(simplemma.langdetect(role, lang=("fr", "en")), key=lambda p: p[1])[0]


def _role_text(segment: str) -> str | None:
    if not segment.lstrip().startswith(","):
        return None
    text = re.split(r"\s—\s|\s?:\s|\s:$", segment.lstrip()[1:].strip(), maxsplit=1)[0]
    relative = _RELATIVE.search(" " + text)
    if relative:
        text = text[: max(0, relative.start() - 1)]
    # The role goes on over commas up to its last capitalised part ("vice-présidente chargée de X, de Y, Région Z");
    # after it, parts in small letters are the rest of the sentence ("président de X, vise à renforcer…").
    parts = text.split(", ")
    # A part that opens a new clause ("and brought together…", "et a présenté…") ends the role.
    clause = next((i for i, p in enumerate(parts) if i and fold(p.split()[0]) in _CLAUSE_OPENERS), len(parts))
    parts = parts[:clause]
    last = max((i for i, part in enumerate(parts) if part[:1].isupper()), default=0)
    kept = parts[: last + 1]
    text = _TRAILING.sub("", _POSSESSIVE.sub("", ", ".join(kept))).strip(" ,;:.–—-")
    words = text.split()
    if not words or len(words) > _MAX_ROLE_WORDS or fold(words[0]) in STOPWORDS:
        return None
    return text


def _split_role(
    role: str, sentence: _Sentence, start: int, organisations: _Organisations
) -> tuple[str, str | None, Span | None]:
    """A role text as the role and the organisation it belongs to: "Director, WGIIT", "Doyen ... à l'INRX"."""
    parts = role.split(", ")
    if _is_organisation(role, sentence, start, organisations) and len(parts) == 1 and not _has_role_word(role):
        organisations.add([role], sentence)  # "Clémence Ngo, ECIA": an organisation, no role
        return "", role, sentence.span(start, start + len(role))
    for cut in range(len(parts) - 1, 0, -1):
        at = start + len(", ".join(parts[:cut])) + 2
        if _is_organisation(parts[cut], sentence, at, organisations):
            organisations.add([parts[cut]], sentence)
            return ", ".join(parts[:cut]), parts[cut], sentence.span(at, at + len(parts[cut]))
    # Otherwise the organisation is the last proper name after a preposition: "... pour orbitalis".
    first = parts[0]
    # Elided articles are words of their own here: "président d'orbitalis" -> "président d' orbitalis".
    words = list(re.finditer(r"(?:[dlDL]['’])?\S+", first))
    for i in range(len(words) - 1, 0, -1):
        elided = re.match(r"[dlDL]['’](?=\S)", words[i].group())
        at_word = words[i].start() + (elided.end() if elided else 0)
        before = first[:at_word]
        chunk = first[at_word:]
        prep = vocab.ORGANISATION_PREPOSITIONS.search(before)
        # "chez X", "pour X", "at X" announce an organisation; "of X", "de X" may go on with the title itself
        # ("Head of Research"), so after them only a name already known as an organisation counts.
        strong = prep is not None and vocab.AT_ORGANISATION.search(before) is not None
        if prep is not None and _is_organisation(
            chunk, sentence, start + at_word, organisations, loose=True, strong=strong
        ):
            role_part = before[: prep.start()].strip()
            if not role_part:
                break
            organisations.add([chunk], sentence)
            at = start + at_word
            return role_part, chunk, sentence.span(at, at + len(chunk))
    return role, None, None


def _has_role_word(text: str) -> bool:
    return any(fold(w.strip(",.")) in vocab.ROLE_WORDS for w in re.split(r"[\s-]+", text))


def _is_organisation(
    text: str, sentence: _Sentence, start: int, organisations: _Organisations, loose: bool = False, strong: bool = True
) -> bool:
    """Does `text` (at `start` in the sentence) name an organisation?"""
    text = text.strip(" .,;")
    if not text:
        return False
    words = text.split()
    if organisations.canonical(text, strict=True) or _ACRONYM.match(text):
        return True
    if fold(words[0]) in vocab.ORGANISATION_HEADS and words[0][0].isupper():
        return True
    single = len(words) == 1 and fold(words[0]) not in STOPWORDS and words[0].isalpha()
    if loose and not strong:
        return single and _brand(words[0])  # a brand in small letters: "d'orbitalis"
    if any(e.kind == "organisation" and e.start <= start and e.end >= start + len(text) - 1 for e in sentence.entities):
        return True
    if not loose:
        return all(w[0].isupper() for w in words if fold(w) not in STOPWORDS) and len(words) <= 6 and len(words) > 1
    # After "pour", "chez", "at": a name in capitals, or one word that is no common word ("orbitalis").
    capitalised = all(w[0].isupper() for w in words if fold(w) not in STOPWORDS)
    # After "at", "chez": a name of two capitalised words or more is one even when the recogniser read none there
    # ("Site Engineer at Acme Dredging").
    named = any(e.start <= start < e.end for e in sentence.entities) or (len(words) > 1 and strong)
    return (capitalised and named) or (single and _brand(words[0]))


def _brand(word: str) -> bool:
    """A name written in small letters ("orbitalis"): a word of more than three letters that no French or English
    dictionary knows ("pour demain" names no organisation)."""
    import simplemma

    return word.islower() and len(word) > 3 and not simplemma.is_known(word, lang=("fr", "en"))


def _named_organisations(sentence: _Sentence, organisations: _Organisations, people: list[Person]) -> None:
    """Organisations named outside roles: spaCy's, and names that begin with "Région", "Institute", "École"…"""
    inside_roles = [(s.start, s.end) for p in people for s in p.spans[1:2]]
    for entity in sentence.entities:
        at = sentence.start + entity.start
        if entity.kind != "organisation" or any(s <= at < e for s, e in inside_roles):
            continue
        # A name holds no "Header: " (a table row's cell is read with its header by spaCy).
        name = entity.text.rsplit(": ", 1)[-1].strip(" .,;:«»")
        words = name.split()
        # spaCy's organisations are noisy: kept when they read as one (capitalised, no title, event or person word).
        if (
            words
            and len(words) <= 8
            and all(w[:1].isupper() for w in words if fold(w) not in STOPWORDS)
            and not any(fold(w) in vocab.ROLE_WORDS or fold(w.rstrip(".")) in _HONORIFIC_WORDS for w in words)
            and not _kinds(fold(name))
            and (len(words) > 1 or _ACRONYM.match(name) or organisations.canonical(name))
        ):
            organisations.add([name], sentence)
    for match in re.finditer(rf"\b({_NAME_WORD})((?:\s+{_NAME_WORD}|\s+d['’]\s?{_NAME_WORD}){{1,5}})", sentence.text):
        at = sentence.start + match.start()
        if any(s <= at < e for s, e in inside_roles):
            continue
        if fold(match[1]) in vocab.ORGANISATION_HEADS and organisations.canonical(match[0]) is None:
            organisations.add([match[0]], sentence)


def _events_and_plans(found: list[_Sentence], organisations: _Organisations, base) -> tuple[list[Event], list[Plan]]:
    events: list[Event] = []
    plans: list[Plan] = []
    current: Event | None = None  # the event that sentences about participants are about
    block: str | None = None  # "present" or "excused" while reading an attendee list
    block_line = -1
    for sentence in found:
        folded = fold(sentence.text)
        if _header(folded):
            block, block_line = ("present" if vocab.ATTENDEES.match(folded) else "excused"), sentence.line
            if current is None:
                current = _document_meeting(found, base, sentence)
                events.append(current)
            # "Attendees: Name, role; Name, role": the header's own line lists people.
            _add_listed(current, block, sentence, _listed(sentence))
            continue
        if block and (sentence.line - block_line > _MAX_LIST_LINES or not sentence.people or not _leads(sentence)):
            block = None
        if block and current is not None:
            _add_listed(current, block, sentence, [m.name for m in sentence.people[:1]])  # an item: its first person
            continue
        new = _events(sentence, organisations, base)
        events += new
        if new:
            current = new[-1]
        else:
            # "La réunion, qui a rassemblé…": back to the last event of the kind the sentence names.
            named = {kind for kind, _ in _kinds(folded)}
            current = next((e for e in reversed(events) if e.kind in named), current)
        if not new and current is not None and (vocab.PARTICIPATION.search(folded) or _points_back(sentence)):
            for mention in sentence.people:
                if mention.name not in current.participants:
                    current.participants.append(mention.name)
            current.spans.append(sentence.whole)
        plan = _plan(sentence, folded, base)
        if plan is not None:
            plans.append(plan)
    return events, plans


def _header(folded: str) -> bool:
    """Does the sentence (folded) open a list of attendees or of people excused ("Attendees:", "Excusés :")?"""
    return bool(vocab.ATTENDEES.match(folded) or vocab.EXCUSED.match(folded))


def _add_listed(event: Event, block: str, sentence: _Sentence, names: list[str]) -> None:
    """`names`, read in `sentence` of an attendee list, among `event`'s participants ("present") or those excused."""
    if not names:
        return
    (event.participants if block == "present" else event.excused).extend(
        n for n in names if n not in event.participants + event.excused
    )
    event.spans.append(sentence.whole)


def _listed(sentence: _Sentence) -> list[str]:
    """The people a list's header line names after its colon ("Attendees: Name, role; Name, Name."): each entry's
    leading name, whether or not the recogniser read it as a person (it often reads the header and the first name
    together, or the name as an organisation), and the people it did read there."""
    colon = sentence.text.find(":")
    if colon < 0:
        return []
    names = [name for _, name in _entries(sentence)]
    names += [m.name for m in sentence.people if m.start > colon and m.name not in names]
    return names


def _entries(sentence: _Sentence) -> list[tuple[int, str]]:
    """The leading names of a list header line's entries after its colon, with their offsets: an entry that is a
    name alone or a name and its parenthesis ("Name (Org)"). "Chair of the Council" or "Operations Director at X" is
    a role, not a name."""
    colon = sentence.text.find(":")
    found = []
    for entry in re.finditer(r"[^;,]+", sentence.text[colon + 1 :] if colon >= 0 else ""):
        lead = entry.group().strip().rstrip(".")
        name = _trim_name(lead)
        if name and len(name.split()) >= 2 and (name == lead or lead.startswith(name + " (")):
            found.append((colon + 1 + entry.start() + entry.group().find(name), name))
    return found


def _leads(sentence: _Sentence) -> bool:
    """The sentence opens with the person it names, as an item of an attendee list does."""
    head = _ITEM_MARK.sub("", sentence.text)
    return sentence.people[0].start <= len(sentence.text) - len(head) + 6


def _points_back(sentence: _Sentence) -> bool:
    """ "Ils étaient accompagnés de…", "They were joined by…": goes on about the people just named."""
    first = fold(sentence.text.split(maxsplit=1)[0]) if sentence.text.split() else ""
    return first in _POINTING and bool(sentence.people)


def _document_meeting(found: list[_Sentence], base, at: _Sentence) -> Event:
    """The meeting a set of minutes records: named by its heading, dated by its "Date:" line (or the document's
    date), placed by its "Lieu:"/"Place:" line. Its sentence is the heading; the dated line is among its spans."""
    # A list's header line names people, not the meeting: "chargé de mission" in it is no event's kind.
    # Without a heading that names its kind, the line that gives the document's title ("# Minutes of X, <date>"):
    # the quote that names and dates the meeting.
    titled = fold(base(at)["doc_title"] or "\x00")
    heading = next((s for s in found[:8] if _kinds(fold(s.text)) and not _header(fold(s.text))), None) or next(
        (s for s in found[:8] if titled in fold(s.text)), at
    )
    kinds = _kinds(fold(heading.text)) if not _header(fold(heading.text)) else []
    kind = "committee" if any(k == "committee" for k, _ in kinds) else "meeting"
    title = _phrase(heading.text, min(m.start() for _, m in kinds)) if kinds else heading.text.lstrip("#").strip()
    event = Event(**base(heading), sentence=heading.whole, kind=kind, title=title)
    dated = next((s for s in found if s.dates and fold(s.text).startswith("date")), None)
    if dated:
        span = dated.dates[0]
        event.date, event.date_end, event.precision = span.iso, span.iso_end, span.precision
        event.spans += [dated.whole, dated.span(span.start, span.end)]
        event.date_text = span.text
    elif base(heading)["doc_date"]:
        event.date, event.precision = base(heading)["doc_date"], "day"
    place = next((s for s in found[:12] if re.match(r"(?i)(lieu|place|location)\s*:", s.text)), None)
    if place:
        value = place.text.split(":", 1)[1].strip(" .")
        folded = fold(value)
        event.mode = (
            "videoconference"
            if vocab.VIDEOCONFERENCE.search(folded)
            else "in person"
            if vocab.IN_PERSON.search(folded)
            else None
        )
        event.place = value
        event.spans += [place.whole, place.span(place.text.find(value), place.text.find(value) + len(value))]
    return event


def _kinds(folded: str) -> list[tuple[str, re.Match[str]]]:
    return [(kind, m) for kind, pattern in vocab.EVENT_KINDS for m in pattern.finditer(folded)]


def _events(sentence: _Sentence, organisations: _Organisations, base) -> list[Event]:
    """One event for each date of the sentence that a word of event stands near ("réunion", "signée")."""
    folded = fold(sentence.text)
    hits = _kinds(folded)
    events = []
    clauses = [m.end() for m in re.finditer(r";|\s[—–]\s", sentence.text)]
    for when in sentence.dates if hits else []:
        # The event word of the date's own clause ("a school … from 7 to 11 July; the deadline is …"), else the
        # nearest; a word before the date names it more often than one after.
        clause = bisect_right(clauses, when.start)
        own = [h for h in hits if bisect_right(clauses, h[1].start()) == clause] or hits
        kind, keyword = min(own, key=lambda hit: _distance(hit[1].start(), when.start))
        events.append(_event(sentence, folded, kind, keyword, when, organisations, base))
    return events


def _distance(keyword: int, date_start: int) -> int:
    return date_start - keyword if keyword <= date_start else 2 * (keyword - date_start)


def _event(
    sentence: _Sentence,
    folded: str,
    kind: str,
    keyword: re.Match[str],
    when: DateSpan,
    organisations: _Organisations,
    base,
) -> Event:
    title = (
        _named_before(sentence.text, keyword.start())
        or _named_around(sentence.text, keyword.start(), keyword.end())
        or _phrase(sentence.text, keyword.start(), compound=kind not in _VERB_KINDS)
    )
    event = Event(
        **base(sentence),
        sentence=sentence.whole,
        spans=[sentence.span(keyword.start(), keyword.end()), sentence.span(when.start, when.end)],
        kind=kind,
        title=title,
        date=when.iso,
        date_text=when.text,
        date_end=when.iso_end,
        precision=when.precision,
        mode="videoconference"
        if vocab.VIDEOCONFERENCE.search(folded)
        else "in person"
        if vocab.IN_PERSON.search(folded)
        else None,
        participants=[m.name for m in sentence.people],
    )
    place = _place(sentence)
    if place:
        event.place = place.text
        event.spans.append(place)
    event.organisations = [
        name
        for e in sentence.entities
        if e.kind == "organisation" and (name := organisations.canonical(e.text)) is not None
    ]
    return event


def _phrase(text: str, start: int, words: int = 5, compound: bool = True) -> str:
    """The event as the sentence names it: its word and those that qualify it ("réunion stratégique", "comité de
    pilotage"), up to a verb, a function word or punctuation."""
    tail = re.split(r"[,;:.()«»]", text[start:], maxsplit=1)[0].split()
    kept = (_modifiers(text, start) if compound else []) + tail[:1]
    for word in tail[1:words]:
        folded = fold(word)
        if (folded in STOPWORDS or folded in _VERBS) and folded not in _EVENT_LINKS:
            break
        kept.append(word)
    while kept and fold(kept[-1]) in _EVENT_END_LINKS:
        kept.pop()
    return " ".join(kept)


def _modifiers(text: str, start: int, most: int = 2) -> list[str]:
    """Capitalised words right before an event word that make one name with it, as an English compound does
    ("the Learning trip", "our Summer Research school"); not a sentence's first word, which is capitalised anyway."""
    before = text[:start].split()
    kept: list[str] = []
    while before and len(kept) < most:
        word = before[-1]
        if not (word[:1].isupper() and word.isalpha()) or fold(word) in STOPWORDS or len(before) == 1:
            break
        kept.insert(0, before.pop())
    return kept


# Kinds of events whose word is often a verb ("signed", "no later than"): the name before it is who acts, not a
# part of the event's name.
_VERB_KINDS = frozenset({"signing", "deadline"})

# Verbs that end the name of an event in a sentence ("la réunion aura lieu", "the meeting will be held").
_VERBS = lang.word_set("facts", "event_name_verbs")
_CONNECTORS = lang.word_set("facts", "name_connectors")
_EVENT_LINKS = lang.word_set("facts", "event_name_links")
_EVENT_END_LINKS = lang.word_set("facts", "event_name_end_links")


def _named_before(text: str, keyword: int) -> str | None:
    """The name an event word follows as a participle: "la Déclaration d’Intention pour le Développement…, signée"."""
    head = text[:keyword].rstrip()
    if not head.endswith(","):
        return None
    words = head[:-1].split()
    kept: list[str] = []
    for word in reversed(words):
        bare = re.sub(r"^[dlDL]['’]", "", word)
        if not (bare[:1].isupper() or fold(word) in _CONNECTORS):
            break
        kept.insert(0, word)
    while kept and fold(re.sub(r"['’].*", "", kept[0])) in _CONNECTORS and not kept[0][:1].isupper():
        kept.pop(0)
    capitalised = [w for w in kept if re.sub(r"^[dlDL]['’]", "", w)[:1].isupper()]
    return " ".join(kept) if len(capitalised) >= 2 else None


def _named_around(text: str, start: int, end: int) -> str | None:
    """An event word that is part of a name ("India–Haute-Rhodanie AI Investment Day"): the name."""
    if not text[start : start + 1].isupper():
        return None
    words = text[:start].split()
    kept: list[str] = []
    for word in reversed(words):
        if not word[:1].isupper():
            break
        kept.insert(0, word)
    name = " ".join([*kept, text[start:end]])
    return name if kept else None


def _place(sentence: _Sentence) -> Span | None:
    """Where: a place after "à", "in", "at"…, or an organisation one is received by ("chez X", "at the X")."""
    for entity in sentence.entities:
        before = sentence.text[: entity.start]
        if entity.kind == "place" and vocab.PLACE_PREPOSITIONS.search(before):
            return sentence.span(entity.start, entity.end)
        if entity.kind == "organisation" and vocab.HOSTED_BY.search(before):
            return sentence.span(entity.start, entity.end)
    return None


def _plan(sentence: _Sentence, folded: str, base) -> Plan | None:
    """A sentence that says what is planned, decided or done, and when (a decision needs no date)."""
    done, decided, planned = (vocab.DONE.search(folded), vocab.DECIDED.search(folded), vocab.PLANNED.search(folded))
    if not (sentence.dates or decided) or not (done or decided or planned) or not is_statement(sentence.text):
        return None
    status = "decided" if decided else "planned" if planned else "done"
    near = sentence.dates[0].start if sentence.dates else 0
    cue = min((m for m in (done, decided, planned) if m), key=lambda m: abs(m.start() - near))
    what = _subject(sentence.text, cue.start(), sentence.dates)
    if not what:
        return None
    plan = Plan(
        **base(sentence),
        sentence=sentence.whole,
        spans=[sentence.span(sentence.text.find(what), sentence.text.find(what) + len(what))],
        what=what,
        who=[m.name for m in sentence.people],
        status=status,
    )
    if sentence.dates:
        when = sentence.dates[0]
        plan.when, plan.when_end, plan.precision, plan.when_text = when.iso, when.iso_end, when.precision, when.text
        plan.spans.append(sentence.span(when.start, when.end))
    place = _place(sentence)
    if place:
        plan.where = place.text
        plan.spans.append(place)
    return plan


def _subject(text: str, cue: int, dates: list[DateSpan]) -> str | None:
    """What the sentence is about: the words before its verb of plan or decision, or, after "decided to", the action
    decided ("launch a joint call for research projects"). Dates are left out: they are the plan's `when`."""
    for span in reversed(dates):
        text = text[: span.start] + " " * (span.end - span.start) + text[span.end :]
    before = text[:cue].strip(" ,;:")
    decided_to = re.match(r"(?:\S+\s+){1,3}?(?:(?:to|de)\s+|d['’])(.+)", text[cue:])
    candidate = decided_to.group(1) if decided_to else before
    if not (decided_to and candidate == decided_to.group(1)):
        candidate = re.split(r"[,;:(]", candidate)[-1]  # the last clause before the verb
        copula = re.search(r"\b(?:est|sont|is|are|sera|will be)\s+(.+)$", candidate)
        candidate = copula.group(1) if copula else candidate
    else:
        candidate = re.split(r"[,;:(]", candidate, maxsplit=1)[0]
    candidate = re.sub(r"\s+", " ", candidate).strip(" .«»")
    words = candidate.split()
    if not words or len(words) > 14:
        words = words[-14:]
    return " ".join(words) or None


def _add_relative_dates(found: list[_Sentence], reference: date | None) -> None:
    """Dates given relative to another ("la veille", "two weeks later", "J-7"), from the latest day the document named
    before them, or from the day it calls "J"; a sentence's own dates come first."""
    j = next((day for s in found if (day := j_day(s.text, reference))), None)
    previous: date | None = None
    for sentence in found:
        days = [d for d in sentence.dates if d.precision == "day"]  # the dates it names, before the relative ones
        relative = relative_dates(sentence.text, previous, j)
        if relative:
            sentence.dates = sorted([*sentence.dates, *relative], key=lambda d: d.start)
        previous = days[-1].last_day if days else previous
