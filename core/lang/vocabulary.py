"""Words, not names: the generic French and English vocabulary the extraction recognises, read from
`core/lang/facts.toml` (the one home of language data)."""

from __future__ import annotations

import re

from core import lang

ROLE_WORDS = lang.word_set("facts", "role_words")
ORGANISATION_HEADS = lang.word_set("facts", "organisation_heads")
NAME_HEADERS = frozenset(lang.word_list("facts", "name_headers"))
ROLE_HEADERS = lang.word_set("facts", "role_headers")
ORGANISATION_HEADERS = lang.word_set("facts", "organisation_headers")
EVENT_KINDS: list[tuple[str, re.Pattern[str]]] = list(lang.patterns("facts", "event_kind"))
PARTICIPATION = lang.pattern("facts", "participation")
ATTENDEES = lang.pattern("facts", "attendees")
EXCUSED = lang.pattern("facts", "excused")
VIDEOCONFERENCE = lang.pattern("facts", "videoconference")
IN_PERSON = lang.pattern("facts", "in_person")
DONE = lang.pattern("facts", "done")
DECIDED = lang.pattern("facts", "decided")
PLANNED = lang.pattern("facts", "planned")
PLACE_PREPOSITIONS = lang.pattern("facts", "place_prepositions")
HOSTED_BY = lang.pattern("facts", "hosted_by", re.IGNORECASE)
ORGANISATION_PREPOSITIONS = lang.pattern("facts", "organisation_prepositions", re.IGNORECASE)
AT_ORGANISATION = lang.pattern("facts", "at_organisation", re.IGNORECASE)
