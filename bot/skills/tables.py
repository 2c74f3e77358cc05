"""Answers from the documents' tables (store/tables.py): which table and column a question is about (its header's
words, their French/English equivalents of `core/lang/tables.toml`), which rows (the labels it names), and what to do
with them: a cell, a sum (a printed total first, said when the rows add up to another figure), an average, the
largest or smallest, the rows with nothing, a count of rows, a difference. Figures are written in the asker's
language with their currency (Babel); the rows used are cited. Amounts in several currencies are never added up.

Also the figures of running text (`Quantities`): "how many members" answered by "neuf membres".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from bot.question import Question
from bot.skills.base import Draft, Skill
from core import lang
from core.dates import format_iso
from core.glossary import concepts
from core.numbers import find_quantities, format_figure
from core.settings import AnswerSettings
from core.text import STOPWORDS, content_words, fold, stem, words
from store.fact_records import Span
from store.tables import Cell, Row, Table

# How close each of some words is to each of some texts (the multilingual embedder): a row of scores a word.
Similar = Callable[[list[str], list[str]], list[list[float]]]
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


@cache
def _concept_of() -> dict[str, str]:
    """Stem -> concept key, for the vocabulary of tables."""
    table = {}
    for number, entry in enumerate(lang.data("tables")["concept"]):
        for word in entry["words"]:
            table[stem(fold(word))] = f"t{number}"
    return table


def keys(text: str) -> set[str]:
    """The words of `text` as comparable keys: a concept of the tables' vocabulary or of the glossary, else a stem."""
    found = set()
    own = _concept_of()
    for word in words(text):
        if word in STOPWORDS and word not in ("ou",):
            continue
        found.add(own.get(stem(word)) or next(iter(concepts([word]))))
    return found


@cache
def _ignored() -> frozenset[str]:
    return frozenset(
        stem(w) for w in (*lang.word_set("tables", "question.ignore"), *lang.word_set("questions", "asking"))
    )


def _operation(folded: str) -> str | None:
    for kind, pattern in lang.patterns("tables", "operation"):
        if pattern.search(folded):
            return kind
    return None


@dataclass
class _Match:
    table: Table
    column: int | None  # the value column
    label: int  # the column that names the rows
    rows: list[Row] = field(default_factory=list)  # the rows the question names
    score: float = 0.0
    header_score: int = 0  # the question's words in the value column's header
    concept: bool = False  # one of them is a word of the vocabulary ("lieu" for "where"), not a name
    leftover: set[str] = field(default_factory=set)  # question words the table does not explain
    by_words: bool = False  # a row is named in its own words, not only by meaning across languages


class Tables(Skill):
    name = "tables"
    order = 30

    def first(self, q: Question) -> bool:
        return self.match(q) is not None

    def plan(self, q: Question) -> Draft | None:
        if not self.context.tables or q.instruction:
            return None
        found = self.match(q)
        if found is None:
            return None
        if found == "abstain":
            return Draft(kind="quantity", abstain=True)
        return self.answer(q, found)

    # Which table, column and rows

    def match(self, q: Question) -> _Match | str | None:
        """The best-fitting table, "abstain" when the question is about a table's figures but names rows, years or
        words it does not hold, None when no table fits."""
        cache_key = (id(q), q.text)
        if getattr(self, "_cached", (None,))[0] == cache_key:
            return self._cached[1]
        result = self._match(q)
        self._cached = (cache_key, result)
        return result

    def _match(self, q: Question) -> _Match | str | None:
        asked = keys(q.text) - {k for k in keys(q.text) if k in _ignored()}
        years = set(_YEAR.findall(q.text))
        money = bool(lang.pattern("tables", "question.money").search(q.folded))
        operation = _operation(q.folded)
        candidates = []
        for table in self.context.tables:
            if table.source != "table":
                continue
            found = _fit(table, q, asked, money, operation, self.context.similar, self.context.settings)
            if found is not None:
                candidates.append(found)
        if not candidates:
            return None
        # Alike scores: the table whose header the question names, then the one that leaves fewer words unexplained.
        candidates.sort(key=lambda m: (-m.score, -m.header_score, len(m.leftover)))
        best = candidates[0]
        if (
            len(candidates) > 1
            and (candidates[1].score, candidates[1].header_score, len(candidates[1].leftover))
            == (best.score, best.header_score, len(best.leftover))
            and candidates[1].table.doc_id != best.table.doc_id
        ):
            return None  # two documents' tables fit alike: the passages decide
        # Only a question about figures is answered from a table ("how many", "how much", "which … the most"), or a
        # lookup that names both a row and a column ("where does week 2 take place"); the others are the passages'.
        strong = best.column is not None and best.header_score > 0
        numeric = best.column is not None and best.table.column_kind(best.column) in ("number", "money")
        which = bool(lang.pattern("tables", "question.which").search(q.folded))
        operated = operation is not None and (
            (numeric and (strong or bool(best.rows))) or (operation == "none" and strong and which)
        )
        if best.column is not None and not best.header_score and not money and len(best.leftover) > 1:
            return None  # a figure column the question does not name, and words the table does not explain
        figures = q.needs == "quantity" or q.kind == "count" or money or operated
        if not figures and not (best.rows and strong and best.concept):
            return None  # a lookup needs a row and a column named by a word of the vocabulary ("where", "funded")
        if not figures and best.leftover and not best.by_words:
            return None  # a row only close in meaning, and words the table does not explain: not this table's
        # The years the table names (its title, sheet, headers); the document's date only when it names none: a
        # budget for 2026 written in 2025 is not a 2025 budget.
        said = f"{best.table.doc_title} {best.table.name} " + " ".join(best.table.header)
        if not _YEAR.search(said):
            said += f" {best.table.doc_date}"
        if years and not years & set(_YEAR.findall(said)) and not any(y in r.quote for r in best.rows for y in years):
            return "abstain" if figures and strong and numeric else None  # the table is of another year
        sure = figures and strong and numeric  # a question about this table's figures
        if sure and operation is None and best.leftover and not best.rows:
            return "abstain"  # a row the table does not hold ("communication", "the chemistry programme")
        if operation is None and q.kind != "count" and not best.rows and not best.table.totals():
            return None
        return best

    # Answering

    def answer(self, q: Question, found: _Match) -> Draft | None:
        operation = _operation(q.folded)
        table, column = found.table, found.column
        draft = Draft(kind="quantity")
        if column is None:
            rows = found.rows or table.body()
            return self._count(q, draft, rows, found.label)
        body = table.body()
        header = _shown_header(table.header[column])
        if operation == "difference" and len(found.rows) == 2:
            a, b = (r.cells[column] for r in found.rows)
            if a.value is None or b.value is None or a.currency != b.currency:
                return None
            self._cite(draft, found.rows)
            draft.direct = self.say(
                q,
                "difference",
                first=found.rows[0].label(),
                a=self._figure(draft, a, q),
                second=found.rows[1].label(),
                b=self._figure(draft, b, q),
                value=self._value(draft, abs(a.value - b.value), a.currency, q),
                marks=_marks(draft, found.rows),
            )
            return draft
        if operation in ("max", "min"):
            valued = [r for r in (found.rows or body) if r.cells[column].value is not None]
            if not valued:
                return None
            pick = (max if operation == "max" else min)(valued, key=lambda r: r.cells[column].value or 0.0)
            n = draft.cite_span(_span(pick))
            draft.direct = self.say(
                q,
                operation,
                label=pick.cells[found.label].text,
                header=header,
                value=self._figure(draft, pick.cells[column], q),
                n=n,
            )
            return draft if pick.chunk_id else None
        if operation == "none":
            empty = [r for r in (found.rows or body) if _nothing(r.cells[column])]
            if not empty or len(empty) == len(body):
                return None
            self._cite(draft, empty)
            labels = ", ".join(r.cells[found.label].text for r in empty)
            draft.direct = self.say(q, "none", labels=labels, header=header, marks=_marks(draft, empty))
            return draft
        if operation in ("sum", "average") or (not found.rows and operation is None):
            rows = found.rows if len(found.rows) >= 2 else body
            printed = [r for r in table.totals() if r.cells[column].value is not None] if rows is body else []
            return self._sum(q, draft, rows, column, found.label, printed[-1] if printed else None, operation)
        if not found.rows or not all(r.chunk_id for r in found.rows):
            return None  # a row not found in the passages cannot be cited
        self._cite(draft, found.rows)
        if len(found.rows) == 1:
            row = found.rows[0]
            what = f"{row.label()}, {header}"
            draft.direct = self.say(
                q, "cell", what=what, value=self._figure(draft, row.cells[column], q), n=draft.numbers[row.chunk_id]
            )
        else:
            values = "; ".join(f"{r.label()} {self._figure(draft, r.cells[column], q)}" for r in found.rows)
            draft.direct = self.say(q, "cells", what=header, values=values, marks=_marks(draft, found.rows))
        return draft

    def _sum(
        self,
        q: Question,
        draft: Draft,
        rows: list[Row],
        column: int,
        label: int,
        printed: Row | None,
        operation: str | None,
    ) -> Draft | None:
        cells = [(r, r.cells[column]) for r in rows if r.cells[column].value is not None]
        if not cells:
            return None
        limit = self.context.settings.table_parts
        currencies = {c.currency for _, c in cells}
        if len(currencies) > 1:  # never added across currencies
            parts = []
            for currency in sorted(currencies, key=str):
                total = sum(c.value or 0.0 for _, c in cells if c.currency == currency)
                parts.append(self._value(draft, total, currency, q))
            self._cite(draft, [r for r, _ in cells[:limit]])
            marks = _marks(draft, [r for r, _ in cells[:limit]])
            draft.direct = self.say(q, "per_currency", parts=", ".join(parts), marks=marks)
            return draft
        currency = currencies.pop()
        computed = sum(c.value or 0.0 for _, c in cells)
        shown = cells[:limit]
        parts = ", ".join(f"{r.cells[label].text} {self._figure(draft, c, q)}" for r, c in shown)
        if len(cells) > limit:
            parts += f", … (+{len(cells) - limit})"
        if operation == "average":
            self._cite(draft, [r for r, _ in shown])
            value = self._value(draft, computed / len(cells), currency, q)
            marks = _marks(draft, [r for r, _ in shown])
            draft.direct = self.say(q, "average", value=value, count=len(cells), parts=parts, marks=marks)
            return draft
        if printed is not None and printed.chunk_id:
            stated = printed.cells[column]
            n = draft.cite_span(_span(printed))
            detail = ""
            if abs((stated.value or 0.0) - computed) > 0.005:
                detail = self.say(q, "total_disagrees", computed=self._value(draft, computed, currency, q))
            detail += f" ({parts})" if not detail else ""
            draft.direct = self.say(
                q, "total_printed", value=self._figure(draft, stated, q), label=printed.label(), n=n, detail=detail
            )
            self._cite(draft, [r for r, _ in shown])
            return draft
        self._cite(draft, [r for r, _ in shown])
        value = self._value(draft, computed, currency, q)
        draft.direct = self.say(q, "total", value=value, parts=parts, marks=_marks(draft, [r for r, _ in shown]))
        return draft

    def _count(self, q: Question, draft: Draft, rows: list[Row], label: int) -> Draft | None:
        if not rows or not all(r.chunk_id for r in rows[: self.context.settings.table_parts]):
            return None
        shown = rows[: self.context.settings.table_parts]
        self._cite(draft, shown)
        labels = ", ".join(r.cells[label].text for r in shown) + (", …" if len(rows) > len(shown) else "")
        count = str(len(rows))
        draft.derived.append(count)
        draft.direct = self.say(q, "count", count=count, labels=labels, marks=_marks(draft, shown))
        draft.kind = "count"
        return draft

    # Writing figures

    def _figure(self, draft: Draft, cell: Cell, q: Question) -> str:
        if cell.kind == "date" and cell.iso:
            return format_iso(cell.iso, q.language)
        if cell.value is None:
            return cell.text
        return self._value(draft, cell.value, cell.currency, q)

    def _value(self, draft: Draft, value: float, currency: str | None, q: Question) -> str:
        """A figure in the asker's language; it comes from the cited rows' cells (or their sum), not their text."""
        shown = format_figure(value, q.language, currency)
        draft.derived.append(re.escape(shown))
        return shown

    def _cite(self, draft: Draft, rows: list[Row]) -> None:
        for row in rows:
            if row.chunk_id:
                draft.cite_span(_span(row))


def _fit(
    table: Table,
    q: Question,
    asked: set[str],
    money: bool,
    operation: str | None,
    similar: Similar | None,
    settings: AnswerSettings,
) -> _Match | None:
    """How well a table fits the question: its value column, label column and the rows the question names."""
    prepared = _prepare(table)
    header_keys, kinds = prepared.header_keys, prepared.kinds
    width = len(table.header)
    text_columns = [i for i in range(width) if kinds[i] == "text"]
    value_columns = [i for i in range(width) if kinds[i] in ("number", "money", "date")]
    question_words = set(words(q.text))
    named: dict[str, list[Row]] = {}  # cell text -> the rows that hold it
    used: set[str] = set()
    for text in {t for w in question_words for t in prepared.by_word.get(w, ())}:
        if text in prepared.rows_of and all(w in question_words for w in prepared.cell_words[text]):
            named[text] = list(prepared.rows_of[text])
            used |= keys(text)
    rest = asked - used
    by_words = bool(named)  # rows the question names in their own words (not only by meaning, across languages)
    if similar is not None and text_columns:
        _name_by_meaning(table, q, rest, named, used, similar, settings, text_columns[0])
        rest = asked - used
    scores = [len(rest & header_keys[i]) for i in range(width)]
    counted = _counted(q)
    count_rows = (
        q.kind == "count"
        and operation is None
        and counted is not None
        and any(counted & header_keys[i] for i in text_columns)
    )
    column = None
    # A figure for an operation; a text column too for a lookup ("who funds …", "where …").
    candidates = value_columns + text_columns if operation is None else value_columns
    matched = [i for i in candidates if scores[i] > 0 and (operation is None or kinds[i] != "date")]
    if matched:
        wants_text = q.kind in ("person", "organisation", "place")
        column = max(matched, key=lambda i: (scores[i], (i in text_columns) == wants_text))
    dated = [i for i in value_columns if kinds[i] == "date"]
    when = False  # a "when" question answered from a date column: the column counts as named
    if q.kind == "date" and operation is None and dated and (column is None or kinds[column] != "date"):
        # "When does … take place?": the date column, though "lieu" of "a lieu" names the place column.
        column = max(dated, key=lambda i: scores[i])
        when = True
    if column is None and operation == "none":
        # "Which item is funded by no one?": an empty text column the question names, other than the rows' names.
        named_texts = [i for i in text_columns if scores[i] > 0 and i != (text_columns[0] if text_columns else -1)]
        column = named_texts[0] if named_texts else None
    if column is None and (money or named):
        # No header named: the table's one amount (for "how much", "budget"), or its one figure column.
        figures = [i for i in value_columns if kinds[i] == ("money" if money else kinds[i]) and kinds[i] != "date"]
        column = figures[0] if len(figures) == 1 else None
    if count_rows:
        column = None  # "how many programmes": the rows are counted, their column names them
    if column is not None:
        # A row is named by another column than the one asked about ("(signature)" names no signatory).
        named = {t: rows for t, rows in named.items() if column not in prepared.columns_of[t]}
    if column is None and not count_rows:
        return None
    which = [i for i in text_columns if scores[i] > 0 and i != column]
    # The rows' names: the text column that tells them apart best ("Poste", not the "Catégorie" several rows share).
    others = sorted((i for i in text_columns if i != column), key=lambda i: -prepared.distinct[i])
    label = which[0] if which else (others[0] if others else 0)
    title_keys = prepared.title_keys
    explained = prepared.explained | used
    leftover = {k for k in rest - explained if not k.isdigit() or len(k) < 4}
    if counted and not counted & explained:
        leftover |= counted  # "how many technicians": a thing the table does not count
    if when and (leftover or not by_words):
        return None  # a date column answers "when" for a row named in its words, and nothing else asked
    score = (
        2 * (scores[column] + when if column is not None else 0)
        + sum(scores[i] for i in which)
        + 2 * len(named)
        + len(rest & title_keys)
        + (1 if money and column is not None and kinds[column] == "money" else 0)
        + (2 if count_rows else 0)
    )
    rows = [r for found in named.values() for r in found]
    rows = sorted({id(r): r for r in rows}.values(), key=lambda r: r.number)
    shared = rest & header_keys[column] if column is not None else set()
    concept = when or any(re.fullmatch(r"[t#]\d+", k) for k in shared)
    return _Match(table, column, label, rows, score, len(shared) + when, concept, leftover, by_words)


@dataclass
class _Prepared:
    """What matching reads of a table, computed once per table: the header's keys, the columns' kinds, the words of
    each text cell and the cells each word is in, and every key the table explains."""

    header_keys: list[set[str]]
    kinds: list[str]
    title_keys: set[str]
    cell_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    by_word: dict[str, set[str]] = field(default_factory=dict)
    rows_of: dict[str, list[Row]] = field(default_factory=dict)
    columns_of: dict[str, set[int]] = field(default_factory=dict)
    explained: set[str] = field(default_factory=set)
    distinct: list[int] = field(default_factory=list)  # how many different texts each column's body rows hold


# Table id -> (the table, its prepared index); a table read anew is another object and is prepared again.
_PREPARED: dict[str, tuple[Table, _Prepared]] = {}
_PREPARED_LIMIT = 10_000


def _prepare(table: Table) -> _Prepared:
    cached = _PREPARED.get(table.id)
    if cached is not None and cached[0] is table:
        return cached[1]
    header_keys = [keys(h) for h in table.header]
    title_keys = keys(f"{table.name} {table.doc_title}")
    prepared = _Prepared(header_keys, [table.column_kind(i) for i in range(len(table.header))], title_keys)
    prepared.explained = set().union(*header_keys, title_keys)
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            if cell.text not in prepared.cell_words:
                cell_words = tuple(w for w in words(cell.text) if w not in STOPWORDS)
                prepared.cell_words[cell.text] = cell_words
                prepared.explained |= keys(cell.text)
                if cell.kind == "text" and cell_words:
                    for word in cell_words:
                        prepared.by_word.setdefault(word, set()).add(cell.text)
            if cell.kind == "text" and not row.total:
                prepared.rows_of.setdefault(cell.text, []).append(row)
                prepared.columns_of.setdefault(cell.text, set()).add(index)
    prepared.distinct = [len({r.cells[i].text for r in table.body()}) for i in range(len(table.header))]
    if len(_PREPARED) >= _PREPARED_LIMIT:
        _PREPARED.clear()
    _PREPARED[table.id] = (table, prepared)
    return prepared


def _name_by_meaning(
    table: Table,
    q: Question,
    rest: set[str],
    named: dict[str, list[Row]],
    used: set[str],
    similar: Similar,
    settings: AnswerSettings,
    label: int,
) -> None:
    """Rows named in another language ("travel" for "Voyages"): a word of the question that the multilingual
    embedder finds close to one label, clearly closer than to the others."""
    labels = list(dict.fromkeys(r.cells[label].text for r in table.body() if r.cells[label].text))
    if len(labels) < 2 or len(labels) > settings.table_match_labels:
        return
    # Numbers in words are left out: "three" is close to every "Week 3".
    candidates = [
        w for w in content_words(q.text) if keys(w) <= rest and len(w) > 2 and not find_quantities(f"{w} x", q.language)
    ]
    if not candidates:
        return
    for word, sims in zip(candidates, similar(candidates, labels), strict=True):
        order = sorted(range(len(labels)), key=lambda i: -sims[i])
        best, second = sims[order[0]], sims[order[1]]
        if best >= settings.table_match_similarity and best - second >= settings.table_match_margin:
            text = labels[order[0]]
            named.setdefault(text, []).extend(r for r in table.body() if r.cells[label].text == text)
            used |= keys(word)


def _counted(q: Question) -> set[str] | None:
    """The keys of what a count question counts ("how many partners" -> partner)."""
    found = lang.pattern("tables", "question.counted").search(q.folded)
    return keys(found.group(1)) if found else None


def _nothing(cell: Cell) -> bool:
    """An empty cell, or a zero."""
    return cell.kind == "empty" or cell.value == 0.0


def _span(row: Row) -> Span:
    return Span(start=0, end=0, text=row.quote, chunk_id=row.chunk_id)


def _marks(draft: Draft, rows: list[Row]) -> str:
    numbers = sorted({draft.numbers[r.chunk_id] for r in rows if r.chunk_id in draft.numbers})
    return " " + "".join(f"[{n}]" for n in numbers) if numbers else ""


def _shown_header(header: str) -> str:
    """A header inside a sentence: lower case first, so that it does not read as a name."""
    return header[:1].lower() + header[1:] if header[1:2].islower() else header


class Quantities(Skill):
    """ "How many members does the jury have?" from a sentence that says "un jury de neuf membres": a figure of
    running text (numbers in words included) whose counted word is the one asked about, in a sentence that shares
    another word with the question."""

    name = "quantities"
    order = 25

    def first(self, q: Question) -> bool:
        return self._best(q) is not None

    def plan(self, q: Question) -> Draft | None:
        best = self._best(q)
        if best is None:
            return None
        row, value = best
        draft = Draft(kind="count")
        n = draft.cite_span(_span(row))
        shown = format_figure(value, q.language)
        draft.derived.append(re.escape(shown))
        draft.direct = self.say(q, "figure", value=shown, unit=row.cells[2].text, n=n)
        return draft

    def _best(self, q: Question) -> tuple[Row, float] | None:
        counted = _counted(q) if q.kind == "count" else None
        if not counted or not self.context.tables:
            return None
        asked = keys(q.text) - counted - {k for k in keys(q.text) if k in _ignored()}
        # The sentence must name every person and organisation the question names, and share a third of its words.
        needed = max(1, -(-len(asked) // 3))
        names = [set(words(n)) for n in [*q.people, *q.organisations]]
        scored = []
        for table in self.context.tables:
            if table.source != "text":
                continue
            for row in table.rows:
                if counted & keys(row.cells[2].text) and all(n <= set(words(row.quote)) for n in names):
                    shared = len(asked & keys(row.cells[0].text))
                    if shared >= needed:
                        scored.append((shared, row))
        if not scored:
            return None
        top = max(s for s, _ in scored)
        best = [r for s, r in scored if s == top]
        values = {r.cells[1].value for r in best}
        if len(values) != 1:
            return None  # two sentences give two figures alike: the passages decide
        return best[0], float(values.pop() or 0.0)
