"""Undo what page layout did to the text of a PDF or a DOCX: lines broken inside sentences, words hyphenated at
the end of a line, and the page header and footer repeated on every page. What comes out is paragraphs of whole
sentences, which is what passages are cut from and what answers quote."""

from __future__ import annotations

import re
from collections import Counter

from core import lang
from core.text import NOT_AFTER_ABBREVIATION, STOPWORDS, sentences

# A line that starts an item of a list, or a "Label:" line of a form or of minutes.
_ITEM = re.compile(r"^\s*(?:[-–—•*▪●◦]|\d{1,2}[.)]|[a-z][.)]\s|\(\d+\))\s*")
_LABEL = re.compile(r"^\s*[A-ZÀ-Ý][\w’'À-ÿ-]*(?: [\w’'À-ÿ-]+){0,3}\s?:(?:\s|$)")
_ENDS_SENTENCE = re.compile(NOT_AFTER_ABBREVIATION + r"[.!?…:;»\"”)]\s*$")
_HYPHENATED = re.compile(r"[^\W\d_]-$")
_DIGITS = re.compile(r"\d+")
# Words a sentence cannot end on: a line or a page that stops on one goes on after the break.
_OPEN_ENDINGS = lang.word_set("words", "open_endings")
# A line this much shorter than the page's long lines ends its paragraph (a heading, the last line of one).
_SHORT_LINE = 0.6
# Lines looked at, at the top and the bottom of each page, for a repeated header or footer.
_EDGE_LINES = 3


def page_furniture(pages: list[list[str]]) -> set[str]:
    """Lines at the top or bottom of pages that repeat on at least two pages and on half of them: page headers and
    footers ("Page 3 — …" counts as the same line whatever its number)."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for lines in pages:
        content = [line for line in lines if line.strip()]
        edges = {_DIGITS.sub("#", line.strip()) for line in content[:_EDGE_LINES] + content[-_EDGE_LINES:]}
        seen.update(edges)
    needed = max(2, (len(pages) + 1) // 2)
    return {line for line, count in seen.items() if count >= needed}


def reflow(lines: list[str], furniture: set[str] | None = None) -> str:
    """Join the lines of a page back into paragraphs.

    A line break stays where a paragraph or a list item ends: an empty line, a line that ends a sentence, a short
    line, or a next line that starts an item or a "Label:". Elsewhere the two lines are one sentence: joined with a
    space, or, for a word hyphenated at the end of the line, with no space ("co-" "opération" -> "coopération",
    "Marchetti-" "Duval" -> "Marchetti-Duval").
    """
    kept = [line.rstrip() for line in lines if _DIGITS.sub("#", line.strip()) not in (furniture or set())]
    widths = sorted(len(line) for line in kept if line.strip())
    typical = widths[int(len(widths) * 0.8)] if widths else 0
    out: list[str] = []
    last = ""  # the previous line as laid out, before any joining
    for raw in kept:
        line = raw.strip()
        if line and out and not out[-1]:
            open_paragraph = next((i for i in range(len(out) - 1, -1, -1) if out[i]), None)
            if open_paragraph is not None and _continues(out[open_paragraph], line):
                del out[open_paragraph + 1 :]  # a column or page ended in the middle of a sentence
        if not out or not line or not out[-1]:
            out.append(line)
        elif _HYPHENATED.search(last) and line[:1].isalpha():
            # A hyphen before a small letter only split the word; before a capital it belongs to a name.
            out[-1] = (out[-1][:-1] if line[0].islower() else out[-1]) + line
        elif (
            (_ENDS_SENTENCE.search(last) and not (last[-1] in ":;" and line[0].islower()))
            or _ITEM.match(line)
            or _LABEL.match(line)
            or (len(last) < _SHORT_LINE * typical and not line[0].islower())
            or ((_ITEM.match(out[-1]) or _LABEL.match(out[-1])) and _starts_sentence(line))
        ):
            out.append(line)
        else:
            out[-1] += " " + line
        last = line
    return "\n".join(out)


def _continues(paragraph: str, line: str) -> bool:
    """The line goes on with a sentence the paragraph left open: it starts in small letters, or the paragraph
    stopped on a word that cannot end a sentence ("de", "the")."""
    if _ENDS_SENTENCE.search(paragraph) or _ITEM.match(line) or not paragraph.split():
        return False
    return line.lstrip()[:1].islower() or paragraph.split()[-1].lower() in _OPEN_ENDINGS


def _starts_sentence(line: str) -> bool:
    """After a list item, a line opening with a capitalised function word ("They", "Ils") starts a new sentence;
    one opening with a name or a noun ("Technology (WGIIT)") goes on with the item."""
    first = line.split(maxsplit=1)[0] if line.split() else ""
    return first[:1].isupper() and first.lower() in STOPWORDS


def join_pages(pages: list[str]) -> list[str]:
    """Pages whose last sentence goes on over the page break get the rest of it, so that no sentence is split
    between two pages (the page it starts on is the page it is cited with)."""
    pages = list(pages)
    for i in range(len(pages) - 1):
        following = pages[i + 1].lstrip()
        if pages[i].strip() and following and _continues(pages[i].rstrip(), following):
            line = following.split("\n", 1)[0]
            first = sentences(line)[0] if sentences(line) else line
            pages[i] = pages[i].rstrip() + " " + first
            pages[i + 1] = following[len(first) :].lstrip(" ")
    return pages
