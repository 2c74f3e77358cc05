"""Clean extracted text and split it into passages that keep their place in the document."""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from core.text import NOT_AFTER_ABBREVIATION

# Paragraphs first, then lines, then sentence ends, so that a passage is a run of whole sentences.
# A full stop after a title or an initial ("Dr. Odile Ferrat") does not end a sentence.
_SEPARATORS = [r"\n\n", r"\n", NOT_AFTER_ABBREVIATION + r"\. ", r"\? ", r"! ", r"; ", r": ", r", ", r" ", r""]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(text: str) -> str:
    """Normalise Unicode and white space; keep paragraph breaks, drop control characters."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


@dataclass(frozen=True)
class Passage:
    text: str
    start: int
    end: int
    page: int | None  # 1-based page number for documents that have pages


def join_parts(parts: list[str]) -> tuple[str, list[int]]:
    """Clean each part (page) and join them; return the text and where each part starts."""
    cleaned = [clean_text(p) for p in parts]
    starts, offset = [], 0
    for part in cleaned:
        starts.append(offset)
        offset += len(part) + 2
    return "\n\n".join(cleaned), starts


def split_text(text: str, chunk_size: int, chunk_overlap: int, page_starts: list[int] | None = None) -> list[Passage]:
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        separators=_SEPARATORS,
        keep_separator="end",
        is_separator_regex=True,
        add_start_index=True,
    )
    passages = []
    for doc in splitter.create_documents([text]):
        start = int(doc.metadata["start_index"])
        page = bisect.bisect_right(page_starts, start) if page_starts else None
        passages.append(Passage(doc.page_content, start, start + len(doc.page_content), page))
    return passages


def chunk_ids(doc_id: str, passages: list[Passage]) -> list[str]:
    """Ids from content, so an unchanged passage keeps its id (and its embedding) across edits."""
    seen: Counter[str] = Counter()
    ids = []
    for passage in passages:
        seen[passage.text] += 1
        key = f"{doc_id}\x00{passage.text}\x00{seen[passage.text]}"
        ids.append(hashlib.sha256(key.encode()).hexdigest()[:32])
    return ids
