"""A synthetic corpus to grow the index to a given size around the real documents.

Embedding 100k passages with the e5 engine takes over an hour on two cores, so filler passages are made
from a pool of really embedded passages: each filler is a pool passage with a numbered variation, and its
vector that passage's vector with a little noise. Search cost depends on the number and spread of
vectors, which this keeps realistic; the real documents keep their true vectors.
"""

from __future__ import annotations

import random

import numpy as np

from models.embeddings import Embedder
from store.records import Chunk, ChunkMetadata
from store.store import Store

_SUBJECTS = "le comité|la direction|le laboratoire|l'équipe pédagogique|le conseil|la délégation|le service".split("|")
_VERBS = "a examiné|a présenté|a validé|a reporté|prépare|évalue|a financé|coordonne".split("|")
_OBJECTS = (
    "le budget de fonctionnement|le calendrier des examens|la charte informatique|le plan de formation|"
    "la rénovation du campus|le rapport d'activité|la politique d'achats|le programme de tutorat|"
    "l'enquête de satisfaction|la convention de stage|le schéma directeur numérique|la semaine d'intégration"
).split("|")
_PLACES = "Lyon|Nantes|Lille|Toulouse|Grenoble|Rennes|Pune|Chennai|Hyderabad|Montréal|Dakar|Berlin".split("|")


def pool_texts(size: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(size):
        sentences = [
            f"{rng.choice(_SUBJECTS).capitalize()} de {rng.choice(_PLACES)} {rng.choice(_VERBS)} "
            f"{rng.choice(_OBJECTS)} pour l'année {rng.randint(2015, 2030)}."
            for _ in range(rng.randint(3, 5))
        ]
        texts.append(" ".join(sentences))
    return texts


def _letters(n: int) -> str:
    """A unique reference made of letters: digits would read as amounts to the answer checks (and the
    "ref" prefix keeps it from spelling a real word a question could match, like "ceo")."""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(97 + r) + out
        if n == 0:
            return out


def add_filler(store: Store, embedder: Embedder, count: int, pool_size: int = 300, seed: int = 0) -> None:
    """Add `count` synthetic passages to the index, in batches."""
    rng = np.random.default_rng(seed)
    pool_size = min(pool_size, count)
    if pool_size <= 0:
        return
    pool = pool_texts(pool_size, seed)
    vectors = np.asarray(embedder.embed_documents(pool), dtype=np.float32)
    batch = 2000
    for start in range(0, count, batch):
        n = min(batch, count - start)
        picks = rng.integers(0, pool_size, n)
        noisy = vectors[picks] + rng.normal(0, 0.02, (n, vectors.shape[1])).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        chunks = [
            Chunk(
                id=f"synthetic-{start + i}",
                text=f"{pool[p][:-1]} (réf. ref{_letters(start + i)}).",
                metadata=ChunkMetadata(
                    doc_id=f"synthetic/{(start + i) // 50}.txt",
                    title=f"Compte rendu synthétique {(start + i) // 50}",
                    date="",
                    language="fr",
                    source="bench",
                    path="",
                    doc_hash="bench",
                    chunk_index=(start + i) % 50,
                    n_chunks=50,
                    start=0,
                    end=len(pool[p]),
                    page=0,
                ),
            )
            for i, p in enumerate(picks)
        ]
        store.add(chunks, noisy.tolist())


# Fictional people, bodies and places of the upload measurements (nothing of the corpus).
_PEOPLE = "Dr. Lina Marchetti|M. Octave Brissac|Mme Sélène Dutertre|Prof. Arjun Velankar|Ms. Maren Holt".split("|")
_BODIES = "Institut Polaris (IPX)|Fondation Berthelin|Nordvik Institute of Design|Agence Ostrea".split("|")
_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|septembre|octobre|novembre|décembre".split("|")


def fictional_report(paragraphs: int, seed: int = 0) -> str:
    """A long, fictional French meeting report of about 700 characters a paragraph: the upload that used to stall
    the app (people with titles, organisations, dates, places, as a real report has)."""
    rng = random.Random(seed)
    lines = ["Comptes rendus fictifs des groupes de travail (document de test, inventé)"]
    for n in range(paragraphs):
        person, body, place = rng.choice(_PEOPLE), rng.choice(_BODIES), rng.choice(_PLACES)
        day, month, year = rng.randint(1, 28), rng.choice(_MONTHS), rng.randint(2024, 2027)
        lines.append(
            f"Séance {n + 1}. Le {day} {month} {year}, {person}, directrice des programmes de {body}, a réuni à "
            f"{place} {rng.choice(_SUBJECTS)} et {rng.choice(_SUBJECTS)}. "
            f"{rng.choice(_SUBJECTS).capitalize()} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} pour l'année {year}. "
            f"Étaient présents : {rng.choice(_PEOPLE)}, {rng.choice(_PEOPLE)} et {rng.choice(_PEOPLE)}. "
            f"La prochaine réunion est prévue le {rng.randint(1, 28)} {rng.choice(_MONTHS)} {year + 1} à "
            f"{rng.choice(_PLACES)}, en présence de {rng.choice(_PEOPLE)}. {rng.choice(pool_texts(1, seed + n))}"
        )
    return "\n\n".join(lines)
