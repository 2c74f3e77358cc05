"""Who holds the role the question names ("the dean of research at the Institute X"), or which organisation
does."""

from __future__ import annotations

from bot.question import Question
from bot.skills.base import Draft, Skill, of_organisation, role_in, title_in
from bot.skills.claims import stated_by_verb
from core.glossary import concepts, translate_title
from core.text import content_words
from store.fact_records import Person
from store.facts import name_key


class RoleHolder(Skill):
    name = "role_holder"
    order = 30

    def plan(self, q: Question) -> Draft | None:
        if q.kind not in ("person", "description", "organisation") or q.people or not q.terms:
            return None
        if stated_by_verb(q, self.facts, self.context.passages):
            return None  # the claims skill quotes the sentence that says it
        wanted = concepts(q.terms)
        best: list[tuple[float, Person]] = []
        for person in self.facts.people:
            if not person.role:
                continue
            if q.organisations and not of_organisation(person, q.organisations, self.facts):
                continue
            have = concepts(content_words(" ".join([person.role, translate_title(person.role, "en") or ""])))
            share = len(wanted & have) / len(wanted)
            if share >= self.context.settings.relation_match:
                # Of equal matches, the plainer title: "Directeur" is who directs, more than "Responsable du…".
                best.append((share - 0.01 * len(person.role.split()), person))
        if not best:
            return None
        top = max(s for s, _ in best)
        chosen = list({name_key(p.name): p for s, p in best if s == top}.values())
        draft = Draft(kind=q.kind if q.kind == "organisation" else "person")
        if q.kind == "organisation":
            with_org = [p for p in chosen if p.organisation]
            if not with_org:
                return None
            parts = [
                f"{p.organisation_text or p.organisation} ({p.name}, {role_in(p, q, draft)}) [{draft.cite(p)}]"
                for p in with_org
            ]
            draft.subject = with_org[0].organisation
        else:
            parts = [f"{p.name} ({title_in(p, q, draft)}) [{draft.cite(p)}]" for p in chosen]
            draft.subject = chosen[0].name
        draft.direct = "; ".join(parts) + "."
        return draft
