"""Answers from the documents' tables (store/tables.py): which table and column a question is about (its header's
words, their French/English equivalents of `core/lang/tables.toml`), which rows (the labels it names), and what to do
with them: a cell, a sum (a printed total first, said when the rows add up to another figure), an average, the
largest or smallest, the rows with nothing, a count of rows, a difference (of two rows, or of two columns of a row),
a share of the total. Rows and headers named in another language are found by the multilingual embedder. Figures
are written in the asker's language with their currency (Babel); the rows used are cited. Amounts in several
currencies are never added up.

Also the figures of running text (`Quantities`): "how many members" answered by "neuf membres".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from bot.answer import CitedRow, CitedTable
from bot.question import Question
from bot.skills.base import Draft, Skill
from core import lang
from core.dates import format_iso
from core.glossary import concepts
from core.numbers import find_quantities, format_figure, format_percent
from core.settings import AnswerSettings
from core.text import STOPWORDS, fold, stem, words
from store.fact_records import Span
from store.tables import Cell, Row, Table

# How close each of some words is to each of some texts (the multilingual embedder): a row of scores a word.
Similar = Callable[[list[str], list[str]], list[list[float]]]
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_CONCEPT = re.compile(r"[t#]\d+")  # a key of a concept of the vocabulary (`keys`), not a word's stem


@cache
def _concept_of() -> tuple[dict[str, str], dict[str, str]]:
    """Stem -> concept key, and whole word -> concept key (a word whose stem begins unrelated words), for the
    vocabulary of tables."""
    by_stem, by_word = {}, {}
    for number, entry in enumerate(lang.data("tables")["concept"]):
        for word in entry.get("words", ()):
            by_stem[stem(fold(word))] = f"t{number}"
        for word in entry.get("whole", ()):
            by_word[fold(word)] = f"t{number}"
    return by_stem, by_word


def keys(text: str) -> set[str]:
    """The words of `text` as comparable keys: a concept of the tables' vocabulary or of the glossary, else a stem."""
    found = set()
    by_stem, by_word = _concept_of()
    for word in words(text):
        if word in STOPWORDS and word not in ("ou",):
            continue
        found.add(by_word.get(word) or by_stem.get(stem(word)) or next(iter(concepts([word]))))
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
    second: int | None = None  # another figure column the question names ("the TTC and the HT amount")
    rows_kind: bool = False  # the question names what the rows are ("which step …"): a text column's header


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
        draft = self.answer(q, found)
        if draft is not None:
            _show_rows(draft, found, _operation(q.folded))
        return draft

    # Which table, column and rows

    def match(self, q: Question) -> _Match | str | None:
        """The best-fitting table, "abstain" when the question is about a table's figures but names rows, years or
        words it does not hold, None when no table fits."""
        # Kept with the question: retrieval asks (`Reader.from_tables`), then the reader's skills, of the same tables.
        tables = self.context.tables
        cached = q.memo.get("tables")
        if cached is not None and cached[0] is tables and cached[1] == q.text:
            return cached[2]
        result = self._match(q)
        q.memo["tables"] = (tables, q.text, result)
        return result

    def _match(self, q: Question) -> _Match | str | None:
        asked = keys(q.text) - {k for k in keys(q.text) if k in _ignored()}
        years = set(_YEAR.findall(q.text))
        money = bool(lang.pattern("tables", "question.money").search(q.folded))
        operation = _operation(q.folded)
        tables = [t for t in self.context.tables if t.source == "table"]
        lookup = not (q.needs == "quantity" or q.kind == "count" or money or operation is not None)
        if lookup and not any(_looked_up(t, q, asked) for t in tables):
            # A lookup (no figure asked) is a table's when it names a column by a word of the vocabulary ("where",
            # "funded") or asks "when" of a date column (below). Without either, a header matched by meaning alone no
            # longer makes it one, and its phrases are not compared with every table's headers and rows (the
            # embedder: most of a question's CPU); no development or held-out question was answered that way.
            return None
        candidates = []
        for table in tables:
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
            (numeric and (strong or bool(best.rows)))
            or (operation == "none" and strong and which)
            or (operation in ("max", "min") and numeric and which and best.rows_kind)  # "which step is shortest"
        )
        if best.column is not None and not best.header_score and not money and len(best.leftover) > 1:
            return None  # a figure column the question does not name, and words the table does not explain
        figures = q.needs == "quantity" or q.kind == "count" or money or operated
        if not figures and not (best.rows and strong and best.concept):
            return None  # a lookup needs a row and a column named by a word of the vocabulary ("where", "funded")
        # A row only close in meaning, and words the table does not explain: not this table's. Asked in the other
        # language, a word or so of the question ("the training", "la conférence") cannot be in the table's words.
        across = self.context.settings.table_lookup_unexplained_across if best.table.language != q.language else 0
        if not figures and len(best.leftover) > across and not best.by_words:
            return None
        # The years the table names (its title, sheet, headers); the document's date only when it names none: a
        # budget for 2026 written in 2025 is not a 2025 budget.
        said = f"{best.table.doc_title} {best.table.name} " + " ".join(best.table.header)
        if not _YEAR.search(said):
            said += f" {best.table.doc_date}"
        held = set(_YEAR.findall(said)) | {y for r in best.rows for y in years if y in r.quote}
        if years - held:
            return "abstain" if figures and strong and numeric else None  # a year the table does not hold
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
        if operation == "share" and found.rows and "%" not in table.header[column]:
            return self._share(q, draft, table, column, found)
        if operation == "difference" and len(found.rows) == 1 and found.second is not None:
            return self._columns_difference(q, draft, table, found, column, found.second)
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
            what = f"{_name(row, table, found.label)}, {header}"
            draft.direct = self.say(
                q, "cell", what=what, value=self._figure(draft, row.cells[column], q), n=draft.numbers[row.chunk_id]
            )
        else:
            values = "; ".join(
                f"{_name(r, table, found.label)} {self._figure(draft, r.cells[column], q)}" for r in found.rows
            )
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
            draft.derived.append(str(len(cells) - limit))  # counted, not quoted: the claim check must not seek it
        if operation == "average":
            draft.derived.append(str(len(cells)))  # the rows counted, not quoted
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

    def _share(self, q: Question, draft: Draft, table: Table, column: int, found: _Match) -> Draft | None:
        """The share of the column's total the named rows hold: of its printed total (the largest, a grand total
        rather than a sub-total), else of the sum of its rows; never across currencies."""
        rows = found.rows
        cells = [r.cells[column] for r in rows]
        body = [r for r in table.body() if r.cells[column].value is not None]
        if any(c.value is None for c in cells) or len({r.cells[column].currency for r in body}) > 1:
            return None
        printed = [r for r in table.totals() if r.cells[column].value is not None]
        total_row = max(printed, key=lambda r: r.cells[column].value or 0.0) if printed else None
        whole = total_row.cells[column].value if total_row else sum(r.cells[column].value or 0.0 for r in body)
        if not whole or not all(r.chunk_id for r in rows):
            return None
        part = sum(c.value or 0.0 for c in cells)
        currency = cells[0].currency
        share = format_percent(part / whole, q.language)
        draft.derived.append(re.escape(share))
        labels = ", ".join(_name(r, table, found.label) for r in rows)
        values = {
            "labels": labels,
            "part": self._value(draft, part, currency, q) if len(rows) > 1 else self._figure(draft, cells[0], q),
            "share": share,
        }
        self._cite(draft, rows)
        if total_row is not None and total_row.chunk_id:
            self._cite(draft, [total_row])
            values |= {"whole": self._figure(draft, total_row.cells[column], q), "label": total_row.label()}
            draft.direct = self.say(q, "share_printed", marks=_marks(draft, [*rows, total_row]), **values)
            return draft
        shown = body[: self.context.settings.table_parts]
        self._cite(draft, shown)
        count = str(len(body))
        draft.derived.append(count)
        values |= {"whole": self._value(draft, whole, currency, q), "count": count}
        draft.direct = self.say(q, "share", marks=_marks(draft, [*rows, *shown]), **values)
        return draft

    def _columns_difference(
        self, q: Question, draft: Draft, table: Table, found: _Match, first: int, second: int
    ) -> Draft | None:
        """ "The difference between the TTC and the HT amount of room hire": two figures of one row."""
        row = found.rows[0]
        a, b = row.cells[first], row.cells[second]
        if a.value is None or b.value is None or a.currency != b.currency or not row.chunk_id:
            return None
        n = draft.cite_span(_span(row))
        draft.direct = self.say(
            q,
            "difference_columns",
            label=_name(row, table, found.label),
            first=_shown_header(table.header[first]),
            a=self._figure(draft, a, q),
            second=_shown_header(table.header[second]),
            b=self._figure(draft, b, q),
            value=self._value(draft, abs(a.value - b.value), a.currency, q),
            n=n,
        )
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
    meant: set[int] = set()  # columns a phrase of the question names in another language ("PhD students")
    if similar is not None:
        headers = set().union(*header_keys)
        phrases = _phrases(q, rest, headers)
        if text_columns and table.language != q.language:
            # Meaning names rows across languages only: in the table's own language a row is named in its words, and
            # a close phrase is another thing with the same head word ("travel insurance form", "Registration form").
            # Words of the vocabulary alone ("fund") name columns and operations, not rows.
            naming = [p for p in phrases if any(not _CONCEPT.fullmatch(k) for k in keys(p))]
            rows_label = max(text_columns, key=lambda i: prepared.distinct[i])
            _name_by_meaning(table, naming, named, used, similar, settings, rows_label)
        # A column is named by a phrase none of whose words a header holds or a row took.
        unnamed = [p for p in phrases if not keys(p) & (used | headers)]
        meant = _columns_by_meaning(table, unnamed, used, similar, settings)
        rest = asked - used
    scores = [len(rest & header_keys[i]) + (i in meant) for i in range(width)]
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
        # Alike scores: the header named by words that are not also the title's ("VAT" over "budget" in a budget).
        own = [len((rest - prepared.title_keys) & header_keys[i]) for i in range(width)]
        column = max(matched, key=lambda i: (scores[i], own[i], (i in text_columns) == wants_text))
    second = None
    if operation == "difference" and column is not None:
        # "between the cash and the in-kind contribution": another figure column the question names, alike in kind.
        others = [i for i in matched if i != column and kinds[i] == kinds[column] and scores[i] > 0]
        second = max(others, key=lambda i: scores[i]) if others else None
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
    # "Which step is the shortest?": the rows' kind is named, and the table has one figure column.
    rows_kind = any(scores[i] for i in text_columns)
    if column is None and (money or named or (operation in ("max", "min") and rows_kind)):
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
    by_meaning = column in meant  # a header named in another language counts as a word of the vocabulary
    concept = when or by_meaning or any(_CONCEPT.fullmatch(k) for k in shared)
    header_score = len(shared) + when + by_meaning
    return _Match(table, column, label, rows, score, header_score, concept, leftover, by_words, second, rows_kind)


def _looked_up(table: Table, q: Question, asked: set[str]) -> bool:
    """Could the table answer a lookup: a word of the vocabulary the question asks with in one of its headers, or a
    date column for "when"."""
    prepared = _prepare(table)
    if q.kind == "date" and "date" in prepared.kinds:
        return True
    return any(_CONCEPT.fullmatch(k) for header in prepared.header_keys for k in asked & header)


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


def _phrases(q: Question, rest: set[str], headers: set[str]) -> list[str]:
    """Runs of one to three consecutive words of the question not yet matched, with a word no header holds, as
    written ("flight tickets", "PhD students"): a phrase is compared by meaning better than its words one by one.
    Numbers in words are left out ("three" is close to every "Week 3")."""
    runs: list[list[str]] = [[]]
    for token in re.findall(r"\w[\w-]*", q.text):
        folded = fold(token)
        eligible = (
            # "IT equipment": an acronym is a word, though "it" is a stopword.
            ((folded not in STOPWORDS and len(folded) > 2) or (token.isupper() and len(token) > 1))
            and keys(token) <= rest
            and not find_quantities(f"{token} x", q.language)
        )
        if eligible:
            runs[-1].append(token)
        elif runs[-1]:
            runs.append([])
    # A phrase with a word that no header holds ("montant TTC" names a column, not a row).
    return [
        phrase
        for run in runs
        for n in (3, 2, 1)
        for i in range(len(run) - n + 1)
        if keys(phrase := " ".join(run[i : i + n])) - headers
    ]


def _closest(phrases: list[str], texts: list[str], similar: Similar, least: float, lead: float) -> dict[str, int]:
    """Phrase -> the text it is close to (at least `least`) and clearly closer to than to any other (by `lead`); the
    longer phrases first, each word used once ("flight tickets" rather than "tickets")."""
    found: dict[str, int] = {}
    taken: set[str] = set()
    scored = zip(phrases, similar(phrases, texts), strict=True)
    for phrase, sims in sorted(scored, key=lambda item: (-len(item[0].split()), -max(item[1]))):
        order = sorted(range(len(texts)), key=lambda i: -sims[i])
        if sims[order[0]] >= least and sims[order[0]] - sims[order[1]] >= lead and not set(phrase.split()) & taken:
            found[phrase] = order[0]
            taken |= set(phrase.split())
    return found


def _name_by_meaning(
    table: Table,
    phrases: list[str],
    named: dict[str, list[Row]],
    used: set[str],
    similar: Similar,
    settings: AnswerSettings,
    label: int,
) -> None:
    """Rows named in another language ("travel" for "Voyages", "flight tickets" for "Billets d'avion"): a phrase of
    the question that the multilingual embedder finds close to one label of the column that tells rows apart."""
    labels = list(dict.fromkeys(r.cells[label].text for r in table.body() if r.cells[label].text))
    if len(labels) < 2 or len(labels) > settings.table_match_labels or not phrases:
        return
    closest = _closest(phrases, labels, similar, settings.table_match_similarity, settings.table_match_margin)
    for phrase, index in closest.items():
        text = labels[index]
        named.setdefault(text, []).extend(r for r in table.body() if r.cells[label].text == text)
        used |= keys(phrase)


def _columns_by_meaning(
    table: Table, phrases: list[str], used: set[str], similar: Similar, settings: AnswerSettings
) -> set[int]:
    """Columns named in another language ("PhD students" for "Doctorants", "administrative staff" for "Personnels
    administratifs"): a phrase close to one header and clearly closer to it than to the others."""
    if len(table.header) < 2 or not phrases:
        return set()
    least, lead = settings.table_header_similarity, settings.table_header_margin
    closest = _closest(phrases, table.header, similar, least, lead)
    for phrase in closest:
        used |= keys(phrase)
    return set(closest.values())


def _counted(q: Question) -> set[str] | None:
    """The keys of what a count question counts ("how many partners" -> partner)."""
    found = lang.pattern("tables", "question.counted").search(q.folded)
    return keys(found.group(1)) if found else None


def _nothing(cell: Cell) -> bool:
    """An empty cell, or a zero."""
    return cell.kind == "empty" or cell.value == 0.0


def _span(row: Row) -> Span:
    return Span(start=0, end=0, text=row.quote, chunk_id=row.chunk_id)


def _show_rows(draft: Draft, found: _Match, operation: str | None) -> None:
    """The cited rows of the table, by passage, for the sources panel: the header, the rows, and the cells whose figures
    the answer used marked (the rows' names too when the answer is a row: a count, "which … the most", "… none")."""
    table = found.table
    marked = [c for c in (found.column, found.second) if c is not None]
    if not marked or operation in ("none", "max", "min"):
        marked.append(found.label)
    cited = set(draft.sentences)
    for row in table.rows:
        if (row.chunk_id, row.quote) in cited:
            shown = draft.tables.setdefault(row.chunk_id, CitedTable(name=table.name, header=table.header))
            cells = [c.text for c in row.cells]
            shown.rows.append(CitedRow(number=row.number, cells=cells, total=row.total, marked=sorted(marked)))


def _marks(draft: Draft, rows: list[Row]) -> str:
    numbers = sorted({draft.numbers[r.chunk_id] for r in rows if r.chunk_id in draft.numbers})
    return " " + "".join(f"[{n}]" for n in numbers) if numbers else ""


def _name(row: Row, table: Table, label: int) -> str:
    """What names a row: its first text, or its cell of the labels' column when other rows share that first text
    ("Location de salles", not the "Fonctionnement" of three rows)."""
    first = row.label()
    if len(_prepare(table).rows_of.get(first, ())) > 1 and row.cells[label].text:
        return row.cells[label].text
    return first


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
