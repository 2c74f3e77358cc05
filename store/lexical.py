"""BM25 over the indexed passages, robust to case, accents and small typos in names.

Building it means reading and tokenizing every passage (seconds at 100k), so it is saved under the data dir,
one folder per collection version: a restart loads it, and any write to the collection makes a new version.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
from rapidfuzz import fuzz, process

from core.text import content_words
from store.records import Chunk

# Reads passages: all of them (None) or those with the given ids.
Fetch = Callable[[list[str] | None], list[Chunk]]

log = logging.getLogger(__name__)
_IDS_FILE = "chunk_ids.txt"


class LexicalIndex:
    """Sparse BM25 matrices over the passages; a search fetches only the passages it returns."""

    def __init__(
        self,
        bm25: bm25s.BM25,
        ids: list[str],
        fetch: Fetch,
        spelling_cutoff: float = 80,
        spelling_min_length: int = 4,
        max_word_chars: int = 40,
    ):
        self._bm25 = bm25
        self.ids = ids
        self._fetch = fetch
        self.spelling_cutoff = spelling_cutoff
        self.spelling_min_length = spelling_min_length
        self.max_word_chars = max_word_chars
        self._known = set(getattr(bm25, "vocab_dict", {}) or [])
        # Spelling candidates share the first letter: keeps the scan short on a large vocabulary.
        self._by_initial: dict[str, list[str]] = {}
        for word in sorted(self._known):
            self._by_initial.setdefault(word[:1], []).append(word)
        self.correct = lru_cache(maxsize=10_000)(self._correct)

    @classmethod
    def build(cls, fetch: Fetch, **spelling: float) -> LexicalIndex:
        chunks = fetch(None)
        bm25 = bm25s.BM25()
        if chunks:
            bm25.index([content_words(f"{c.metadata['title']} {c.text}") for c in chunks], show_progress=False)
        return cls(bm25, [c.id for c in chunks], fetch, **spelling)

    @classmethod
    def load(cls, folder: Path, fetch: Fetch, **spelling: float) -> LexicalIndex:
        bm25 = bm25s.BM25.load(str(folder), show_progress=False)
        ids = (folder / _IDS_FILE).read_text(encoding="utf-8").splitlines()
        return cls(bm25, ids, fetch, **spelling)

    def save(self, folder: Path) -> None:
        """Written beside and renamed into place, so a reader never sees half a folder."""
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".saving-", dir=folder.parent))
        try:
            self._bm25.save(str(staging), show_progress=False)
            (staging / _IDS_FILE).write_text("\n".join(self.ids), encoding="utf-8")
            os.rename(staging, folder)
        except OSError:
            if not folder.exists():  # another process saving the same version first is fine
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _correct(self, term: str) -> str | None:
        """A word unknown to the corpus becomes its closest known spelling ('ferrrat' -> 'ferrat')."""
        return self.closest(term, self.spelling_cutoff, self.spelling_min_length)

    def closest(self, term: str, cutoff: float, min_length: int) -> str | None:
        """The term when the corpus uses it, else the corpus's word of the same initial at least `cutoff` similar
        (rapidfuzz ratio), else None."""
        if term in self._known:
            return term
        # A number is not a misspelling: "2023" must not become "2024". A token longer than a word is not one
        # either, and comparing it with every candidate would cost its length times theirs.
        if not min_length <= len(term) <= self.max_word_chars or any(ch.isdigit() for ch in term):
            return None
        candidates = self._by_initial.get(term[:1], [])
        match = process.extractOne(term, candidates, scorer=fuzz.ratio, score_cutoff=cutoff)
        return match[0] if match else None

    def search(self, query: str, k: int) -> list[tuple[Chunk, float]]:
        terms = [t for t in (self.correct(w) for w in content_words(query)) if t]
        if not self.ids or not terms:
            return []
        scores = self._bm25.get_scores(terms)
        top = [int(i) for i in np.argsort(-scores)[:k] if scores[i] > 0]
        found = {chunk.id: chunk for chunk in self._fetch([self.ids[i] for i in top])}
        # A passage deleted since this index was built is left out until the next version is loaded.
        return [(found[self.ids[i]], float(scores[i])) for i in top if self.ids[i] in found]


def load_or_build(fetch: Fetch, folder: Path, **spelling: float) -> LexicalIndex:
    """The index saved for the collection's version `folder`, or a new one, saved there for next time."""
    if folder.is_dir():
        try:
            return LexicalIndex.load(folder, fetch, **spelling)
        except Exception as exc:  # a damaged copy is only a cache: rebuild it from the collection
            log.warning("rebuilding the keyword index: the saved one is unreadable (%s)", exc)
            shutil.rmtree(folder, ignore_errors=True)
    lexical = LexicalIndex.build(fetch, **spelling)
    if lexical.ids:
        try:
            lexical.save(folder)
            for old in folder.parent.iterdir():  # earlier versions, and leftovers of interrupted saves
                if old != folder:
                    shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:  # a read-only data dir costs a rebuild at the next start, nothing more
            log.warning("could not save the keyword index to %s: %s", folder, exc)
    return lexical
