"""Checked machine translations of sentences, stored by sentence hash, target language and model in one SQLite file,
committed one sentence at a time so that a stopped run resumes (`ingest.translation` makes them)."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

# Bump when the prompts, the markers or the checks change: translations made otherwise are made again.
TRANSLATION_VERSION = "5"


@dataclass
class Translation:
    sentence: str
    text: str | None  # None: left untranslated
    tries: int
    reason: str | None  # why the last try was refused
    seconds: float


def sentence_key(sentence: str, target: str) -> str:
    return hashlib.sha256(f"{target}\x00{' '.join(sentence.split())}".encode()).hexdigest()


class TranslationStore:
    """Translations by (sentence hash, target language, model), in a SQLite file; safe across threads."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS translations (key TEXT, model TEXT, version TEXT, target TEXT, "
                "source_text TEXT, text TEXT, tries INTEGER, reason TEXT, seconds REAL, "
                "PRIMARY KEY (key, model, version))"
            )
        return self._db

    def has(self, sentence: str, target: str, model: str | None) -> bool:
        """Whether `model` (any model, for None) translated or tried the sentence already."""
        if model is None and not self.path.exists():
            return False
        query = "SELECT 1 FROM translations WHERE key = ? AND version = ?" + (" AND model = ?" if model else "")
        values = (sentence_key(sentence, target), TRANSLATION_VERSION, *([model] if model else []))
        with self._lock:
            row = self._connection().execute(query, values).fetchone()
        return row is not None

    def put(self, translation: Translation, target: str, model: str) -> None:
        with self._lock:
            db = self._connection()
            db.execute(
                "INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    sentence_key(translation.sentence, target),
                    model,
                    TRANSLATION_VERSION,
                    target,
                    translation.sentence,
                    translation.text,
                    translation.tries,
                    translation.reason,
                    translation.seconds,
                ),
            )
            db.commit()

    def lookup(self, sentence: str, target: str) -> str | None:
        """The kept translation of a sentence into `target`, by any model; None when there is none (yet)."""
        if not self.path.exists():
            return None
        with self._lock:
            row = (
                self._connection()
                .execute(
                    "SELECT text FROM translations WHERE key = ? AND version = ? AND text IS NOT NULL "
                    "ORDER BY rowid DESC",
                    (sentence_key(sentence, target), TRANSLATION_VERSION),
                )
                .fetchone()
            )
        return row[0] if row else None

    def rows(self) -> list[dict]:
        if not self.path.exists():
            return []
        with self._lock:
            cursor = self._connection().execute(
                "SELECT model, target, source_text, text, tries, reason, seconds FROM translations WHERE version = ?",
                (TRANSLATION_VERSION,),
            )
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
