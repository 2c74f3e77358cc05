"""Programmes read at ingest: a document's day-by-day structure ("Day 1 – Arrival", "Jour 3", a dated heading such as
"Monday 6 July"), a slide or a table row a day, with the items of each day (a time as written, what, where) and the
lines they rest on. A day given only by its number gets its date counted from the programme's start date (the first
range of dates the document gives before its days). The days are stored with the other facts (`ProgrammeDay`), so
they are extracted once per document version, like them."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from datetime import date, timedelta

from core import lang
from core.dates import DateSpan, find_dates
from core.text import fold, words
from store.fact_records import ProgrammeDay, ProgrammeItem, Span

# Bump when the reading of programmes changes, so that every document's facts are extracted again.
PROGRAMMES_VERSION = "1"

_DAY = lang.pattern("time", "day_heading")
_WEEKDAY = lang.pattern("time", "weekday_heading")
_TIME = lang.pattern("time", "time")
_ROW_CELL = re.compile(r"(?:^|;\s*)[^:;]{1,40}:\s*")  # "Header: " of a table row read as "header: value; …"


def extract_programme(
    text: str,
    doc_id: str,
    title: str,
    doc_date: str,
    passages: list[tuple[str, int]],
    prose_words: int,
) -> list[ProgrammeDay]:
    """The days of the document's programme, in order; none when it has no day-by-day structure. A line of more
    than `prose_words` words that ends a sentence is prose: it ends the programme."""
    reference = _day(doc_date)
    starts = [start for _, start in passages]

    def span(start: int, line: str) -> Span:
        chunk = passages[max(0, bisect_right(starts, start) - 1)][0] if passages else ""
        return Span(start=start, end=start + len(line), text=line, chunk_id=chunk)

    days: list[dict] = []
    current: dict | None = None
    row_item = False  # the last item started from a line holding only a time: the cells after it are its parts
    before: list[tuple[int, str]] = []  # the lines before the first day, where the programme's dates are
    offset = 0
    for raw in text.split("\n"):
        start = offset + len(raw) - len(raw.lstrip())
        offset += len(raw) + 1
        line = raw.strip()
        if not line:
            continue
        row = ";" in line and _ROW_CELL.match(line)  # a table row read as "header: value; header: value."
        cells = ([c.strip(" .") for c in _ROW_CELL.split(line) if c.strip(" .")] if row else []) or [line]
        folded = fold(cells[0])
        heading = _DAY.match(folded)
        dated = _days(line, reference)
        by_date = _WEEKDAY.match(fold(line)) and dated and len(words(line)) <= 2 * prose_words
        if heading or by_date:
            current = {
                "number": int(heading["n"]) if heading else None,
                "date": dated[0] if dated else None,
                "sentence": span(start, line),
                "items": [],
            }
            days.append(current)
            row_item = False
            rest = [c for c in cells[1:] if not _only_date(c, reference)]
            if len(cells) > 1 and rest:  # a table row a day: its other cells are the day's item
                current["items"].append(_row_item(rest, span(start, line)))
            continue
        if current is None:
            before.append((start, line))
            continue
        if len(cells) == 1 and len(words(line)) >= prose_words and line.endswith((".", "!", "?")):
            current = None  # prose after the programme
            continue
        if current["date"] is None and _only_date(line, reference):
            current["date"] = dated[0]
            continue
        timed = _TIME.match(fold(line))
        items: list[ProgrammeItem] = current["items"]
        if timed:
            what = line[timed.end() :].strip(" -–—:,")
            items.append(ProgrammeItem(time=line[: timed.end()].strip(), what=what, lines=[span(start, line)]))
            row_item = not what
        elif row_item and items:
            item = items[-1]
            item.what = f"{item.what}, {line}" if item.what else line
            item.lines.append(span(start, line))
        else:
            items.append(ProgrammeItem(what=line, lines=[span(start, line)]))
    return _dated(days, before, span, reference, doc_id, title, doc_date)


def _dated(
    days: list[dict],
    before: list[tuple[int, str]],
    span: Callable[[int, str], Span],
    reference: date | None,
    doc_id: str,
    title: str,
    doc_date: str,
) -> list[ProgrammeDay]:
    """The days with their numbers and dates: a number from the day's rank when its heading gave only a date, a date
    counted from the programme's first range of dates when the heading gave only a number."""
    if len(days) < 2:  # one dated line is not a programme
        return []
    numbered = [d["number"] for d in days if d["number"] is not None]
    needed = max(numbered, default=0)
    first: tuple[DateSpan, int, str] | None = None
    for start, line in before:
        for found in find_dates(line, reference):
            if found.precision == "day" and found.iso_end and _length(found) >= needed:
                first = (found, start, line)
                break
        if first:
            break
    out = []
    for rank, day in enumerate(days, start=1):
        number = day["number"] if day["number"] is not None else rank
        found: DateSpan | None = day["date"]
        iso, written, start_span = (found.iso, found.text, None) if found else (None, None, None)
        if found is None and first is not None:
            iso = (date.fromisoformat(first[0].iso) + timedelta(days=number - 1)).isoformat()
            start_span = span(first[1], first[2])
        out.append(
            ProgrammeDay(
                doc_id=doc_id,
                doc_date=doc_date,
                doc_title=title,
                chunk_id=day["sentence"].chunk_id,
                sentence=day["sentence"],
                number=number,
                date=iso,
                date_text=written,
                items=day["items"],
                start=start_span,
            )
        )
    return out


def _days(text: str, reference: date | None) -> list[DateSpan]:
    """The day-precision dates of a line, the fullest first."""
    found = [d for d in find_dates(text, reference) if d.precision == "day"]
    return sorted(found, key=lambda d: -len(d.text))


def _row_item(cells: list[str], line: Span) -> ProgrammeItem:
    timed = next((c for c in cells if _TIME.match(fold(c)) and len(words(c)) <= 3), None)
    what = ", ".join(c for c in cells if c is not timed)
    return ProgrammeItem(time=timed, what=what, lines=[line])


def _only_date(text: str, reference: date | None) -> bool:
    """Is the text a date and nothing else ("lundi 13 avril 2026")?"""
    found = find_dates(text, reference)
    return len(found) == 1 and len(words(text)) <= len(words(found[0].text)) + 1


def _length(span: DateSpan) -> int:
    return (date.fromisoformat(span.iso_end or span.iso) - date.fromisoformat(span.iso)).days + 1


def _day(iso: str) -> date | None:
    try:
        return date.fromisoformat(iso)
    except ValueError:
        return None
