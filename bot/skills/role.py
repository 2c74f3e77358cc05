"""What a person named by the question does, and where; or whether they work for an organisation."""

from __future__ import annotations

from bot.question import Question
from bot.skills.base import Draft, Skill, common, title_in
from core.text import fold


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
            asked = {fold(n) for o in q.organisations for n in self.facts.organisation_names(o)}
            works_there = any(p.organisation and fold(p.organisation) in asked for p in people)
            draft.direct = f"{common(q, 'yes' if works_there else 'no')} {draft.direct}"
        return draft
