"""Words, not names: the generic French and English vocabulary the extraction recognises. Nothing here names a
person, an organisation or a sentence of any document."""

from __future__ import annotations

import re

# Words that make a capitalised phrase a title or a role, not a person's name ("India Country Manager").
ROLE_WORDS = frozenset(
    """
    director directeur directrice dean doyen doyenne head responsable chef president président présidente
    vice-president vice-présidente vice-président chair chairman chairwoman manager officer coordinator
    coordinateur coordinatrice professor professeur professeure registrar chargé chargée chargee charge
    secretary secrétaire rector recteur rectrice chancellor provost deputy adjoint adjointe minister ministre
    ambassador ambassadeur ambassadrice consul mayor maire founder fondateur fondatrice ceo cto cfo
    délégué déléguée delegate representative représentant représentante advisor adviser conseiller conseillère
    lecturer researcher chercheur chercheuse associate assistant student étudiant étudiante
    """.split()
)

# The first word of an organisation's name: "Région ...", "Institute of ...".
ORGANISATION_HEADS = frozenset(
    """
    région region institut institute école school université university agence agency ministère ministry
    fondation foundation chambre chamber conseil council centre center académie academy collège college
    laboratoire laboratory lab association société company group groupe
    """.split()
)

# Column headers of a table of people (a spreadsheet's row reads "Nom: …; Rôle: …; Organisation: …."), folded.
NAME_HEADERS = frozenset(
    "nom name participant participante attendee personne person intervenant intervenante speaker contact "
    "nom complet full name delegue delegate membre member".split(" ")
)
ROLE_HEADERS = frozenset("role fonction poste title titre position job qualite".split())
ORGANISATION_HEADERS = frozenset(
    "organisation organization institution etablissement organisme entreprise company structure affiliation "
    "universite university employeur employer partenaire partner".split()
)

# Words that make a dated sentence an event, and the kind of event they name (matched on folded text).
EVENT_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("committee", re.compile(r"\b(comite de pilotage|steering committee|comite|committee)\b")),
    ("signing", re.compile(r"\b(signee?s?|signature|signed|signing|signera|sera signee?)\b")),
    ("school", re.compile(r"\b(ecole d'(?:automne|ete|hiver)|(?:autumn|summer|winter) school|summer camp)\b")),
    ("trip", re.compile(r"\b(learning trip|voyage d'(?:etude|apprentissage)|voyage|trip|sejour|study tour)\b")),
    ("visit", re.compile(r"\b(visite|visit|delegation|mission)\b")),
    ("ceremony", re.compile(r"\b(ceremonie|ceremony|diner|dinner|soiree|reception|inauguration)\b")),
    ("deadline", re.compile(r"\b(date limite|deadline|au plus tard|no later than|jusqu'au|cloture des)\b")),
    ("call", re.compile(r"\b(appel a projets|appel a candidatures|call for (?:research )?projects|call for|appel)\b")),
    ("workshop", re.compile(r"\b(atelier|workshop|seminaire|seminar|hackathon|conference|webinar)\b")),
    ("meeting", re.compile(r"\b(reunion|meeting|rencontre|kick-off|lancement|journee|day|forum|session)\b")),
]

# A sentence that names the people taking part in the event at hand.
PARTICIPATION = re.compile(
    r"\b(participants?|presents?|attendees?|attended|accompagne(?:e|s|es)?|joined|rassemble|reuni|took part|"
    r"ont participe|participated|represente(?:e|s|es)?|represented|en presence de|in the presence of|"
    r"autour de|aux cotes de|alongside)\b"
)
# Lines that open a list of attendees or of people excused.
ATTENDEES = re.compile(r"^\s*(etaient presents|presents|participants|attendees|attendance|present|en presence)\s*:")
EXCUSED = re.compile(r"^\s*(excuses?|absents?|apologies|excused|regrets)\s*:")

VIDEOCONFERENCE = re.compile(
    r"\b(visioconference|videoconference|video conference|en ligne|online|virtual|zoom|teams)\b"
)
IN_PERSON = re.compile(r"\b(in person|en presentiel|sur place|on site)\b")

# How a sentence presents what it tells: done, decided or planned (matched on folded text).
DONE = re.compile(
    r"\b(a eu lieu|ont eu lieu|s'est tenue?|s'est deroulee?|a ete (?:signee?|organisee?|lancee?)|took place|"
    r"was held|were held|was signed|has been signed|were signed|was launched|has taken place|a reuni|brought together|"
    r"welcomed|a accueilli|ont participe|took part)\b"
)
DECIDED = re.compile(
    r"\b(decide[rsz]?|decidee?s?|a decide|ont decide|decided|agreed|approuvee?s?|approved|adoptee?s?|adopted|"
    r"validee?s?|validated|convenu|arrete|resolved|confirme|confirmed)\b"
)
PLANNED = re.compile(
    r"\b(sera|seront|va|vont|aura lieu|auront lieu|prevue?s?|planned|will|shall|is scheduled|scheduled|a venir|"
    r"upcoming|prochaine?s?|next|se tiendra|doit|devra|devront|plan to|plans to|intend|envisage|to be held|"
    r"is expected|est attendue?|etudie|is considering)\b"
)

# Places and the words before them: "à Pune", "in Lyon", "chez X", "at the X campus".
PLACE_PREPOSITIONS = re.compile(r"\b(?:à|a|au|aux|in|at|chez|dans|en|on)\s+$")
# Before an organisation that receives an event: "chez X", "at the X campus", "au siège de X".
HOSTED_BY = re.compile(r"\b(?:chez|at the|at|au siège de|dans les locaux de|on the campus of)\s+(?:l['’]\s?)?$", re.I)
# The words between a role and the organisation it belongs to ("Director of", "directrice du").
ORGANISATION_PREPOSITIONS = re.compile(
    r"(?:\s|^)(?:à l'|à la|à|au|aux|chez|pour|de l'|de la|du|des|de|d'|of the|of|at the|at|for the|for|with)\s*$",
    re.IGNORECASE,
)
# Of those, the ones that announce an organisation rather than go on with a title.
AT_ORGANISATION = re.compile(r"(?:\s|^)(?:à l'|à la|à|au|aux|chez|pour|at the|at)\s*$", re.IGNORECASE)
