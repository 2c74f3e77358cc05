"""Turn a follow-up question into a standalone one, using the conversation so far.

A pronoun or a demonstrative that points back ("this institute", "cet institut", "there", "he", "it") is replaced by
the person or organisation of the earlier turns that the facts know, the latest first; the assistant's answer counts
by its first sentence, the one that answers. "And <person>?" ("Et <organisation> ?", "And the <thing> of <place>?")
is the previous question asked again of what it names, in place of the person, organisation or thing of the same
kind that question named. Other follow-ups ("And the dean?") get the words of the previous questions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.question import split_two_step
from core import lang
from core.lang import vocabulary as vocab
from core.settings import AnswerSettings
from core.text import content_words, fold, sentences
from store.facts import FactIndex

_AT = lang.data("references")["at"]
_TOKEN = re.compile(r"[\w-]+")  # apart from an apostrophe: "Ana's", "d'Ana" hold the name


def resolve_references(question: str, history: Sequence[Any], facts: FactIndex) -> str | None:
    """The question with the person or organisation it points back to written out, or None when it points to
    nothing the earlier turns name (or to several things at once)."""
    if split_two_step(question)[1] is not None:
        return None  # "…, and who directs it?": the pronoun points to the first question's answer
    # Folded letter by letter, so that a match's offsets map back to the question ("œ" folds to two letters).
    folded, origin = "", []
    for i, letter in enumerate(question.replace("’", "'")):
        folded += fold(letter)
        origin += [i] * len(fold(letter))
    for kind, pattern in lang.patterns("references", "reference"):
        match = pattern.search(folded)
        if match is None:
            continue
        if kind == "person" and lang.pattern("references", "companion").search(folded[: match.start()]):
            return None
        wanted = "person" if kind.startswith("person") else "organisation"
        name = _latest(history, wanted, facts, exchanges=1 if kind.startswith("it") else 2)
        if name is None:
            return None
        if kind == "place":
            name = f"{_AT['fr' if 'la-bas' in match[0] else 'en']} {name}"
        elif kind.endswith("'s"):
            name = f"{name}'s"
        return question[: origin[match.start()]] + name + question[origin[match.end() - 1] + 1 :]
    return None


def ask_again(question: str, history: Sequence[Any], facts: FactIndex) -> str | None:
    """ "And <X>?" after a question about Y: the previous question with X in place of Y, when X and Y are both
    people, both organisations, or two phrases of the same first noun ("the jury of A" then "and the jury of B?");
    None otherwise."""
    previous = user_turns(history)
    match = lang.pattern("references", "and_then").match(fold(question).replace("’", "'"))
    if not previous or match is None:
        return None
    # `fold` keeps the length of these letters (accents off, lower case), so its offsets hold on the question.
    new = question[match.end() :].strip().rstrip("?").strip()
    last = previous[-1]
    if not new or split_two_step(last)[1] is not None:
        return None
    asks = [lang.pattern("questions", key).search(fold(new)) for key in ("wh", "yes_no")]
    if any(asks):
        return None  # "And who is the dean there?": a question of its own
    for found in (facts.people_in, facts.organisations_in):
        named, before = found(new), found(last)
        if len(named) != 1 or not before:
            continue
        if set(content_words(new)) - set(content_words(named[0])):
            return None  # "And Ana's budget?": more than a name, not the same question about another subject
        span = _name_span(last, before[0])
        if span is not None:
            return last[: span[0]] + new + last[span[1] :]
    return _same_head(last, new)


def _name_span(text: str, name: str) -> tuple[int, int] | None:
    """Where `text` writes the name, whole or in part (its longest run of the name's words)."""
    mine = {fold(w) for w in _TOKEN.findall(name)}
    best: tuple[int, int] | None = None
    run: list[re.Match[str]] = []
    for token in [*_TOKEN.finditer(text), None]:
        if token is not None and fold(token[0]) in mine:
            run.append(token)
            continue
        if run and (best is None or run[-1].end() - run[0].start() > best[1] - best[0]):
            best = (run[0].start(), run[-1].end())
        run = []
    return best


def _same_head(last: str, new: str) -> str | None:
    """ "Et le jury de B ?" after "Quand se réunira le jury de A ?": the phrase of the same first noun, as many words
    long, replaced (a name of another length than the one it replaces is not followed)."""
    tokens = list(_TOKEN.finditer(new))
    heads = [i for i, t in enumerate(tokens) if content_words(t[0])]
    if not heads:
        return None
    head = heads[0]
    old = list(_TOKEN.finditer(last))
    at = next((i for i, t in enumerate(old) if fold(t[0]) == fold(tokens[head][0])), None)
    length = len(tokens) - head
    if at is None or at + length > len(old):
        return None
    return last[: old[at].start()] + new[tokens[head].start() :] + last[old[at + length - 1].end() :]


def _latest(history: Sequence[Any], wanted: str, facts: FactIndex, exchanges: int) -> str | None:
    """The one person or organisation of the latest turn (of the last `exchanges`) that names one."""
    texts = _turn_texts(history)[-2 * exchanges :]
    if exchanges == 1 and any(p.search(fold(t)) for t in texts for _, p in vocab.EVENT_KINDS):
        return None  # "it" may be the event just talked about
    for text in reversed(texts):
        found = facts.people_in(text) if wanted == "person" else facts.organisations_in(text)
        if found:
            return found[0] if len(found) == 1 else None
    return None


def _turn_texts(history: Sequence[Any]) -> list[str]:
    texts = []
    for turn in history:
        if isinstance(turn, dict) and isinstance(turn.get("content"), str):
            content = turn["content"]
            if turn.get("role") == "assistant":
                content = next(iter(sentences(content)), "")
            texts.append(content)
        elif isinstance(turn, list | tuple):
            texts += [next(iter(sentences(t)), "") if i else t for i, t in enumerate(turn[:2]) if isinstance(t, str)]
    return texts


def user_turns(history: Sequence[Any]) -> list[str]:
    """The user's earlier questions, from {"role", "content"} messages or (user, assistant) pairs."""
    turns = []
    for turn in history:
        if isinstance(turn, dict):
            if turn.get("role") == "user" and isinstance(turn.get("content"), str):
                turns.append(turn["content"])
        elif isinstance(turn, list | tuple) and turn and isinstance(turn[0], str):
            turns.append(turn[0])
    return turns


def is_follow_up(question: str, settings: AnswerSettings) -> bool:
    points_back = lang.pattern("references", "points_back").search(fold(question))
    return bool(points_back) or len(content_words(question)) < settings.follow_up_words


def condense(question: str, history: Sequence[Any], settings: AnswerSettings, facts: FactIndex) -> str:
    """The question, completed with the subject of the previous turns when it points back to them."""
    previous = user_turns(history)
    if not previous or not is_follow_up(question, settings):
        return question
    resolved = resolve_references(question, history, facts) or ask_again(question, history, facts)
    if resolved is not None:
        return resolved
    own = set(content_words(question))
    context: list[str] = []
    for turn in reversed(previous[-2:]):
        for word in content_words(turn):
            if word not in own and word not in context:
                context.append(word)
    if not context:
        return question
    return f"{question} ({' '.join(context[: settings.context_words])})"
