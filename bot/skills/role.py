"""What a person named by the question does, and where; or whether they work for an organisation."""

from __future__ import annotations

import re

from bot.question import Question
from bot.skills.base import Draft, Skill, common, title_in
from core.glossary import concepts, translate_title
from core.text import content_words, fold, words
from models.claims import words_of


class RoleOf(Skill):
    name = "role"
    order = 20

    def plan(self, q: Question) -> Draft | None:
        if not q.people or q.kind not in ("role", "person", "yes-no", "organisation"):
            return None
        if q.event_kind or q.dates or (q.kind == "yes-no" and not q.organisations):
            return None
        people = [p for p in self.facts.find_people(q.people[0]) if p.role or p.organisation]
        if not people:
            return None
        draft = Draft(kind="role")
        roles: dict[str, list[int]] = {}
        for person in people:
            roles.setdefault(title_in(person, q, draft), []).append(draft.cite(person))
        described = "; ".join(f"{role} {''.join(f'[{n}]' for n in sorted(set(ns)))}" for role, ns in roles.items())
        draft.direct = self.say(q, "is", name=people[0].name, what=described)
        if q.kind == "yes-no":
            role = asked_role(q)
            wanted = concepts(_words(role, q))
            if wanted and not any(p.role and wanted <= _role_concepts(p.role, q) for p in people):
                # "Is X the Vice-Chancellor of Y?" of someone the documents give another role: neither yes (it is not
                # said) nor no (one may hold two roles).
                draft.partial = True
                draft.direct = self.say(q, "not_said", name=people[0].name, role=role, what=described)
                return draft
            asked = {fold(n) for o in q.organisations for n in self.facts.organisation_names(o)}
            works_there = any(p.organisation and fold(p.organisation) in asked for p in people)
            draft.direct = f"{common(q, 'yes' if works_there else 'no')} {draft.direct}"
        return draft


def asked_role(q: Question) -> str:
    """The role a question names, as it writes it ("the Vice-Chancellor of Halvard University" -> "Vice-Chancellor
    of Halvard University"): from its first word of a role (`[types] role` of claims.toml) to its end; "" when it
    names none outside the people and organisations it gives."""
    named = {w for n in [*q.people, *q.organisations] for w in words(n)}
    roles = words_of("types", "role")
    for text in (q.asked, q.text):  # as asked, with its capitals, unless it is a follow-up that does not say it
        for match in re.finditer(r"[\w-]+", text):
            parts = words(match[0].replace("-", " "))
            if parts and parts[0] in roles and not set(parts) & named:
                return text[match.start() :].rstrip(" ?").strip()
    return ""


def _words(text: str, q: Question) -> list[str]:
    """The words of a role, less those of the people and organisations the question names ("of Halvard
    University" is not the role)."""
    named = {w for n in [*q.people, *q.organisations] for w in words(n)}
    return [w for w in content_words(text.replace("-", " ")) if w not in named]


def _role_concepts(role: str, q: Question) -> set[str]:
    """A person's role in both languages, as concepts."""
    said = " ".join([role, translate_title(role, "en") or "", translate_title(role, "fr") or ""])
    return concepts(_words(said, q))
