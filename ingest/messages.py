"""E-mail threads split into their messages, so that every dated statement keeps the date of the message that makes
it rather than the date of the export: a message starts at its sender's header line and takes the date of its
"Date:" header; its quoted lines (">") belong to the earlier message they quote, dated by the line that introduces
them ("On 9 March 2026, X wrote:") or else by the latest earlier message of the thread."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from core import lang
from core.dates import find_dates
from core.text import fold
from store.fact_records import Event, Fact, Plan, Span

_SENDER = lang.pattern("time", "message_sender")
_DATE = lang.pattern("time", "message_date")
_ATTRIBUTION = lang.pattern("time", "attribution")
_QUOTED = lang.pattern("time", "quoted")
# The "Date:" header of a message is among the first lines after its sender's: the other headers (To, Cc, Subject)
# come between, and a message's header block never runs longer than this.
_HEADER_LINES = 6


@dataclass
class Message:
    start: int  # offset of its first line in the text
    date: str  # ISO day
    header: Span  # the line that dates it
    sender: Span | None = None  # the line that says who wrote it ("De : Claire Dubreuil <…>")


def messages(text: str, passages: list[tuple[str, int]]) -> list[tuple[int, int, Message]]:
    """(start, end, message) of every message of the thread and of every quoted block, in the order of the text;
    empty when the text holds no dated message."""
    starts = [start for _, start in passages]

    def span(start: int, line: str) -> Span:
        chunk = passages[max(0, bisect_right(starts, start) - 1)][0] if passages else ""
        return Span(start=start, end=start + len(line), text=line, chunk_id=chunk)

    lines: list[tuple[int, str]] = []
    offset = 0
    for raw in text.split("\n"):
        lines.append((offset, raw))
        offset += len(raw) + 1
    found: list[Message] = []
    for i, (start, line) in enumerate(lines):
        if not _SENDER.match(fold(line.strip())):
            continue
        for header_start, header in lines[i + 1 : i + 1 + _HEADER_LINES]:
            dated = find_dates(header) if _DATE.match(fold(header.strip())) else []
            if dated and dated[0].precision == "day":
                sender = span(start, line.strip())
                found.append(Message(start, dated[0].iso, span(header_start, header.strip()), sender))
                break
    if not found:
        return []
    regions: list[tuple[int, int, Message]] = []
    bounds = [m.start for m in found] + [len(text)]
    for message, end in zip(found, bounds[1:], strict=True):
        regions.append((message.start, end, message))
    quoted: list[tuple[int, int, Message]] = []
    introduced: Message | None = None
    for start, line in lines:
        stripped = line.strip()
        if _ATTRIBUTION.match(fold(stripped)):
            dated = find_dates(stripped)
            introduced = Message(start, dated[0].iso, span(start, stripped)) if dated else None
            continue
        if _QUOTED.match(line):
            owner = introduced or _earlier(found, start, regions)
            if owner is not None:
                quoted.append((start, start + len(line), owner))
        elif stripped:
            introduced = None
    return quoted + regions


def _earlier(found: list[Message], offset: int, regions: list[tuple[int, int, Message]]) -> Message | None:
    """The latest message of the thread older than the one holding `offset`."""
    holder = next((m for s, e, m in regions if s <= offset < e), None)
    if holder is None:
        return None
    older = [m for m in found if m.date < holder.date]
    return max(older, key=lambda m: m.date) if older else None


def dated_by_message(facts: list[Fact], text: str, passages: list[tuple[str, int]]) -> list[Fact]:
    """The facts with, for the events and plans of an e-mail thread, the date of their message as the date they are
    stated as of, and the message's date and sender lines among their spans (to be quoted when an answer names
    them)."""
    regions = messages(text, passages)
    if not regions:
        return facts
    out: list[Fact] = []
    for fact in facts:
        if isinstance(fact, Event | Plan):
            holder = next((m for s, e, m in regions if s <= fact.sentence.start < e), None)
            if holder is not None and _valid(holder.date):
                lines = [holder.header, *([holder.sender] if holder.sender else [])]
                fact = fact.model_copy(update={"doc_date": holder.date, "spans": [*fact.spans, *lines]})
        out.append(fact)
    return out


def _valid(iso: str) -> bool:
    try:
        date.fromisoformat(iso)
    except ValueError:
        return False
    return True
