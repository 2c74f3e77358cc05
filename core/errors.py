"""The errors partnerbot shows to people: one base class whose message is written for the user.

The CLI prints such a message and exits 1; the app shows it in the conversation. Anything else is a bug and
keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class PartnerbotError(Exception):
    """A failure the user can act on; `str(error)` says what happened and what to do."""


class SettingsError(PartnerbotError):
    """A `PARTNERBOT_*` setting has a value partnerbot cannot use."""


class IndexProblem(PartnerbotError):
    """The index cannot be used as asked (another embedding model, a server that does not answer)."""


class ModelNotFoundError(PartnerbotError):
    """A model named by the settings is not installed."""


class QuestionError(PartnerbotError, ValueError):
    """A question the bot cannot take (empty, too long, without words). `in_language` gives the message in the
    language of the page that asked, when the question itself cannot tell it."""

    def __init__(self, message: str, translations: Mapping[str, str] | None = None):
        super().__init__(message)
        self.translations = dict(translations or {})

    def in_language(self, language: str) -> str:
        return self.translations.get(language, str(self))

    def __reduce__(self) -> tuple[Any, ...]:
        # Raised in an answer process, it reaches the app's with its translations (the default keeps the message).
        return type(self), (str(self), self.translations)


class QuestionTooLong(QuestionError):
    """A question over `PARTNERBOT_MAX_QUESTION_CHARS` (the HTTP API answers it with 413, not 400)."""


class UnknownDocument(PartnerbotError):
    """No indexed document has the id asked for."""


class NotRemovable(PartnerbotError):
    """A document that cannot be removed from here (one of the corpus folder's)."""


class LoadError(PartnerbotError):
    """A file that cannot be ingested; the message names the file and says why."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[Path, str]]:
        return type(self), (self.path, self.reason)  # raised in the ingest worker, re-raised in the app


@contextmanager
def index_errors(what: str) -> Iterator[None]:
    """Turn Chroma's and the network's failures into an IndexProblem that says what could not be done."""
    import httpx
    from chromadb.errors import ChromaError

    try:
        yield
    except (ChromaError, httpx.HTTPError, ConnectionError, OSError) as exc:
        raise IndexProblem(f"the document index is unavailable ({what}: {type(exc).__name__}: {exc})") from exc
