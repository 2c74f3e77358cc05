"""Numbers as values: a cell or a phrase read as a figure with its currency or unit ("12 500 €", "€12,500", "1,5 M€",
"15k", "neuf membres", "eleven people"), in French and English, and a figure written back in the asker's language
(Babel). Numbers written in words are read by text2num; its vocabulary of currencies and multipliers is in
`core/lang/tables.toml`."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.numbers import format_currency, format_decimal
from babel.numbers import format_percent as _babel_percent
from text_to_num import alpha2digit, text2num

from core import lang
from core.text import fold

# Babel's locales for the two languages the bot speaks.
LOCALES = {"fr": "fr_FR", "en": "en_GB"}
# Numbers up to this one stay in words ("un", "one" are articles and pronouns far more often than counts).
_WORDS_FROM = 2

_GROUPED = r"\d{1,3}(?:[ \u00a0\u202f'’]\d{3})+"  # "12 500", "1 500 000"
_PLAIN = r"\d+(?:[.,]\d+)*"
_FIGURE = rf"(?:{_GROUPED}|{_PLAIN})(?:[.,]\d+)?"


@dataclass(frozen=True)
class Quantity:
    """A figure, with its currency (ISO code) or the word it counts ("semaines", "people"), and where it was read."""

    value: float
    currency: str | None = None
    unit: str = ""
    text: str = ""
    start: int = 0
    end: int = 0


@cache
def _currency_words() -> dict[str, str]:
    return {word: code for code, words in lang.data("tables")["currencies"].items() for word in words}


@cache
def _magnitudes() -> dict[str, float]:
    return {word: float(value) for word, value in lang.data("tables")["magnitudes"].items()}


@cache
def _amount() -> re.Pattern[str]:
    symbols = "|".join(re.escape(w) for w in sorted(_currency_words(), key=len, reverse=True))
    magnitudes = "|".join(re.escape(w) for w in sorted(_magnitudes(), key=len, reverse=True))
    return re.compile(
        rf"^(?P<pre>{symbols})?\s*(?P<sign>[-−])?\s*(?P<pre2>{symbols})?\s*(?P<num>{_FIGURE})\s*"
        rf"(?P<mag>(?:{magnitudes})(?![a-z]))?\s*(?P<post>{symbols})?\s*(?P<pct>%)?$"
    )


def to_float(figure: str, language: str = "en") -> float:
    """A figure as written ("12 500", "12,500", "1,5", "1.234,56") as a float. A lone comma or point before three
    digits groups thousands in English ("12,500") and French ("12.500"); otherwise it is the decimal mark."""
    s = re.sub(r"[ \u00a0\u202f'’]", "", figure)
    if "," in s and "." in s:
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif "," in s or "." in s:
        mark = "," if "," in s else "."
        parts = s.split(mark)
        thousands = len(parts) > 2 or (len(parts[-1]) == 3 and (mark == ",") == (language != "fr"))
        s = s.replace(mark, "") if thousands else s.replace(mark, ".")
    return float(s)


def parse_amount(text: str, language: str = "en") -> Quantity | None:
    """A whole cell read as a figure ("€40,000", "1,5 M€", "15k", "12 %"), or None when it is not one."""
    folded = fold(text.strip()).replace("’", "'")
    match = _amount().match(folded)
    if match is None or not any(ch.isdigit() for ch in folded):
        return None
    # A currency sign before the figure is the English way of writing it ("€40,000"): its comma groups thousands.
    written = "en" if match["pre"] or match["pre2"] else language
    value = to_float(match["num"], written) * _magnitudes().get(match["mag"] or "", 1.0)
    if match["sign"]:
        value = -value
    symbol = match["pre"] or match["pre2"] or match["post"]
    currency = _currency_words()[symbol] if symbol else None
    if (match["mag"] or "").endswith("€"):
        currency = "EUR"
    return Quantity(value, currency, "%" if match["pct"] else "", text.strip(), 0, len(text))


def currency_in(text: str) -> str | None:
    """The one currency a header names ("Montant (€)", "Amount in EUR"), or None."""
    folded = fold(text)
    found = {code for word, code in _currency_words().items() if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", folded)}
    return found.pop() if len(found) == 1 else None


def header_scale(text: str) -> tuple[float, str | None]:
    """The multiplier and currency a header's unit gives its figures: "Grant (k€)" -> (1000, "EUR"), "Montant (en
    milliers d'euros)" -> (1000, "EUR"), "Students" -> (1, None)."""
    folded = fold(text).replace("’", "'")
    for entry in lang.data("tables")["header_scale"]:
        if re.search(entry["pattern"], folded):
            return float(entry["value"]), currency_in(text) or next(
                (code for word, code in _currency_words().items() if not word.isalpha() and word in folded), None
            )
    return 1.0, currency_in(text)


def find_quantities(text: str, language: str) -> list[Quantity]:
    """The figures of running text, numbers in words included ("neuf membres" -> 9, "membres"), each with the word
    after it (what it counts) or its currency. Offsets are in the text with the numbers in words turned into digits."""
    digits = _in_digits(text, language)
    found = []
    pattern = _quantity()
    for match in pattern.finditer(digits):
        amount = parse_amount(match["amount"], language)
        if amount is None:
            continue
        unit = fold(match["unit"] or "")
        found.append(
            Quantity(amount.value, amount.currency, amount.unit or unit, match[0].strip(), match.start(), match.end())
        )
    return found


def _in_digits(text: str, language: str) -> str:
    converted = alpha2digit(text, language, threshold=_WORDS_FROM)
    # text2num leaves a French number word after a noun alone ("le jury compte neuf membres": "neuf" may mean "new");
    # one followed by a word is taken as the number it spells.
    return _WORD_BEFORE_WORD.sub(lambda m: _spelt(m[1], language) or m[1], converted)


_WORD_BEFORE_WORD = re.compile(r"(?<![\w-])([^\W\d_]+(?:-[^\W\d_]+)*)(?=\s+[^\W\d_]{3,})")


def _spelt(word: str, language: str) -> str | None:
    try:
        value = text2num(word.lower(), language)
    except ValueError:
        return None
    return str(value) if value > _WORDS_FROM else None


@cache
def _quantity() -> re.Pattern[str]:
    symbols = "|".join(re.escape(w) for w in sorted(_currency_words(), key=len, reverse=True) if not w.isalpha())
    words = "|".join(re.escape(w) for w in sorted(_currency_words(), key=len, reverse=True) if w.isalpha())
    magnitudes = "|".join(re.escape(w) for w in sorted(_magnitudes(), key=len, reverse=True))
    return re.compile(
        rf"(?<![\w.,])(?P<amount>(?:{symbols})?\s?{_FIGURE}(?:\s?(?:{magnitudes})(?![a-z]))?"
        rf"(?:\s?(?:{symbols}|(?i:{words})\b))?(?:\s?%)?)(?:\s+(?:de\s+|d'|of\s+)?(?P<unit>[^\W\d_]{{3,}}))?",
        re.IGNORECASE,
    )


def format_figure(value: float, language: str, currency: str | None = None) -> str:
    """A figure in the asker's language: "24 300 €" / "€24,300", "1,5" / "1.5"; no decimals when it has none."""
    locale = LOCALES.get(language, LOCALES["en"])
    rounded = round(value, 2)
    if currency:
        pattern = Locale.parse(locale).currency_formats["standard"].pattern
        if float(rounded).is_integer():
            pattern = pattern.replace(".00", "")
        return format_currency(rounded, currency, format=pattern, locale=locale, currency_digits=False)
    if math.isclose(rounded, round(rounded)):
        return format_decimal(round(rounded), locale=locale)
    return format_decimal(rounded, locale=locale)


def format_percent(share: float, language: str) -> str:
    """A share (0.226) as a percentage in the asker's language, to a tenth: "22,6 %" / "22.6%"."""
    locale = LOCALES.get(language, LOCALES["en"])
    pattern = Locale.parse(locale).percent_formats[None].pattern.replace("0", "0.#", 1)
    return _babel_percent(share, format=pattern, locale=locale)
