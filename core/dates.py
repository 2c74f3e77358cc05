"""Dates written in French or English text, found with their place in it and normalised to ISO with their
precision: "le 12/02/2025", "12 Feb. 2025", "February 12, 2025", "du 17 au 21 novembre 2025", "en janvier 2026".

The month words (names and abbreviations) come from dateparser's locale data; an impossible date ("31 février")
is not a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Literal

from core import lang
from core.text import MONTHS, fold

Precision = Literal["day", "month", "year"]
_MONTH_KEYS = ("january february march april may june july august september october november december").split()


@dataclass(frozen=True)
class DateSpan:
    start: int  # offsets in the text searched
    end: int
    text: str
    iso: str  # "2025-02-12", "2025-02" or "2025"
    precision: Precision
    iso_end: str | None = None  # the last day of a range

    @property
    def first_day(self) -> date:
        parts = [int(p) for p in self.iso.split("-")] + [1, 1]
        return date(parts[0], parts[1], parts[2])

    @property
    def last_day(self) -> date:
        """The last day the date covers: itself, the end of a range, or the end of its month or year."""
        if self.iso_end:
            return date.fromisoformat(self.iso_end)
        first = self.first_day
        if self.precision == "day":
            return first
        if self.precision == "year":
            return date(first.year, 12, 31)
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)


@cache
def month_numbers() -> dict[str, int]:
    """Folded month word (name or abbreviation, French and English) -> month number, from dateparser's locales."""
    from dateparser.languages.loader import default_loader

    words: dict[str, int] = {}
    for language in ("fr", "en"):
        info = default_loader.get_locale(language).info
        for number, key in enumerate(_MONTH_KEYS, start=1):
            for word in info.get(key, []):
                if len(word) >= 3:
                    words[fold(word)] = number
    return words


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    months = "|".join(sorted((re.escape(w) for w in month_numbers()), key=len, reverse=True))
    # A month word ends there: the abbreviation "mar" is not the start of "mardi" ("Jour 2 mardi 14 avril").
    month = rf"(?P<month>{months})(?!\w)\.?"
    day = r"(?P<day>[0-3]?\d)(?:er|st|nd|rd|th)?"
    year = r"(?P<year>(?:19|20)\d\d)"
    return [
        ("iso", re.compile(rf"\b{year}-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b")),
        ("numeric", re.compile(rf"\b(?P<day>[0-3]?\d)/(?P<mnum>[01]?\d)/{year}\b")),
        (
            "range",
            re.compile(
                rf"\b(?:du |from |between )?(?P<day1>[0-3]?\d)(?:er|st|nd|rd|th)?\s*(?:au|to|-|–|and|et)\s*{day}"
                rf"\s+(?:of\s+)?{month}(?:,?\s*{year})?"
            ),
        ),
        ("day-month", re.compile(rf"\b{day}\s+(?:of\s+)?{month}(?:,?\s*{year})?")),
        ("month-day", re.compile(rf"\b{month}\s+{day}\b(?:,?\s*{year})?")),
        ("month-year", re.compile(rf"\b{month}\s+{year}")),
        # A month alone only after words that make it a date: "en mai", "in May", "le mois de mai".
        ("month", re.compile(rf"\b(?:{_markers('month_markers')})\s+{month}\b")),
        ("year", re.compile(rf"\b(?:{_markers('year_markers')})\s+{year}\b")),
    ]


def _markers(key: str) -> str:
    return "|".join(re.escape(w) for w in lang.word_list("words", key))


def find_dates(text: str, reference: date | None = None) -> list[DateSpan]:
    """The dates of `text`, left to right, without overlaps. A date without a year takes the year of
    `reference` (the document's date), when there is one."""
    folded = _searchable(text)
    taken: list[tuple[int, int]] = []
    found: list[DateSpan] = []
    for name, pattern in _patterns():
        for match in pattern.finditer(folded):
            # Leading words that only mark a date ("du", "en", "in") are not part of it.
            first_group = {"range": "day1", "month": "month", "year": "year"}.get(name)
            start, end = match.start(first_group) if first_group else match.start(), match.end()
            if any(start < e and s < end for s, e in taken):
                continue
            span = _span(name, match, text, start, end, reference)
            if span is not None or name not in ("month", "year"):
                taken.append((start, end))  # an impossible day ("31 février") is no date, nor is its month
            if span is not None:
                found.append(span)
    return sorted(found, key=lambda s: s.start)


def _searchable(text: str) -> str:
    """The text the patterns are matched on, offset for offset: folded, or lower case where folding changed the
    length (ligatures)."""
    folded = fold(text)
    return folded if len(folded) == len(text) else text.lower()


def _span(name: str, match: re.Match[str], text: str, start: int, end: int, reference: date | None) -> DateSpan | None:
    groups = match.groupdict()
    year = int(groups["year"]) if groups.get("year") else (reference.year if reference else None)
    if groups.get("mnum"):
        month = int(groups["mnum"])
    elif groups.get("month"):
        month = month_numbers()[groups["month"].rstrip(".")]
    else:
        month = None
    if year is None:
        return None
    words = text[start:end]
    try:
        if name == "year":
            return DateSpan(start, end, words, f"{year:04d}", "year")
        assert month is not None
        if name in ("month", "month-year"):
            return DateSpan(start, end, words, f"{year:04d}-{month:02d}", "month")
        first = date(year, month, int(groups["day1"] if name == "range" else groups["day"]))
        last = date(year, month, int(groups["day"])) if name == "range" else None
    except ValueError:  # "31 février": not a date
        return None
    if last is not None and last < first:
        return None
    return DateSpan(start, end, words, first.isoformat(), "day", last.isoformat() if last else None)


def relative_dates(text: str, previous: date | None, j_day: date | None) -> list[DateSpan]:
    """The dates `text` gives relative to another (`core/lang/time.toml` [relative]): "la veille", "the next day",
    "two weeks later" from the latest day named before them (in `text`, else `previous`); "J-7", "D+2" from the day
    the document calls "J" (`j_day`). None where that day is unknown: no date is guessed."""
    folded = _searchable(text)
    numbers, units, rows = _relative()
    matches = [(row, match) for row, pattern in rows for match in pattern.finditer(folded)]
    if not matches:
        return []
    named = [d for d in find_dates(text, previous or j_day) if d.precision == "day"]
    found = []
    for row, match in matches:
        groups = match.groupdict()
        if row.get("anchor") == "j":
            anchor = j_day
        else:
            before = [d for d in named if d.end <= match.start()]
            anchor = before[-1].last_day if before else previous
        if anchor is None or any(match.start() < d.end and d.start < match.end() for d in named):
            continue
        if "days" in row:
            offset = int(row["days"])
        else:
            count = int(groups["n"]) if groups["n"].isdigit() else int(numbers[groups["n"]])
            sign = -1 if groups.get("sign") in ("-", "\u2013", "\u2212") else int(row.get("sign", 1))
            offset = sign * count * int(units.get(groups.get("unit") or "days", 1))
        day = date.fromordinal(anchor.toordinal() + offset).isoformat()
        found.append(DateSpan(match.start(), match.end(), text[match.start() : match.end()], day, "day"))
    return sorted(found, key=lambda d: d.start)


@cache
def _relative() -> tuple[dict[str, int], dict[str, int], list[tuple[dict, re.Pattern[str]]]]:
    table = lang.data("time")["relative"]
    return table["numbers"], table["units"], [(row, re.compile(row["pattern"])) for row in table["rows"]]


def j_day(text: str, reference: date | None) -> date | None:
    """The day a sentence calls "J" or "D-Day" ("Jour J : 20 mai 2032"), when it names one."""
    if not lang.pattern("time", "relative.j_day").search(fold(text)):
        return None
    days = [d for d in find_dates(text, reference) if d.precision == "day"]
    return days[0].first_day if days else None


def format_iso(iso: str, language: str, iso_end: str | None = None, year: bool = True) -> str:
    """An ISO date at its precision, in words of the language: "12 février 2025", "May 2025", "17–21 November 2025"
    (`year=False`: without the year, for a date whose text did not give it)."""
    months = MONTHS.get(language, MONTHS["en"])
    parts = iso.split("-")
    try:
        number, month, day = (
            int(parts[0]),
            int(parts[1]) if len(parts) > 1 else 0,
            int(parts[2]) if len(parts) > 2 else 0,
        )
        if month and not 1 <= month <= 12:
            return iso
        shown = f" {number}" if year else ""
        if iso_end and day:
            end = date.fromisoformat(iso_end)
            if (end.year, end.month) == (number, month):
                if language == "fr":
                    return f"du {day} au {end.day} {months[month - 1]}{shown}"
                return f"{day}–{end.day} {months[month - 1]}{shown}"
        if day:
            return f"{day} {months[month - 1]}{shown}"
        if month:
            return f"{months[month - 1]}{shown}"
        return str(number)
    except ValueError:
        return iso
