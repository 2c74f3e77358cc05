"""The app's threads share one sentence scorer: its vector cache must stay consistent under concurrent questions."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from simplemma.strategies.dictionaries.dictionary_factory import DEFAULT_DICTIONARY_FACTORY

from bot.bot import Bot
from bot.scoring import SentenceScorer
from core.settings import Settings

pytestmark = pytest.mark.integration


def test_concurrent_scoring_with_a_cache_smaller_than_the_questions_needs(embedder):
    # A cache of 4 vectors and questions of 6 sentences, each sharing 3 with the next: every call finds some of
    # its vectors cached and embeds the others while another thread evicts. The scorer used to clear its whole
    # cache when full while others were reading it (KeyError in np.stack), and to grow past its bound.
    scorer = SentenceScorer(embedder, Settings().answer.word_weight, 4)
    pool = [f"La réunion numéro {n} a eu lieu à Pune." for n in range(30)]
    groups = [pool[g * 3 : g * 3 + 6] for g in range(8)]

    def score(group: list[str]) -> list[float]:
        return scorer.score("Où a eu lieu la réunion ?", group)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(score, groups * 6))

    assert all(len(r) == 6 for r in results)
    alone = SentenceScorer(embedder, Settings().answer.word_weight, 1000)
    expected = [alone.score("Où a eu lieu la réunion ?", g) for g in groups]
    assert [s for r in results[:8] for s in r] == pytest.approx([s for e in expected for s in e], abs=1e-5)
    assert len(scorer._cache) <= 4


def test_warm_embeds_each_new_sentence_once_up_to_its_limit_and_reads_no_further(embedder):
    scorer = SentenceScorer(embedder, Settings().answer.word_weight, 1000)
    scorer.vectors(["Already scored."])
    read: list[str] = []

    def texts():
        for text in ["Already scored.", "One.", "One.", "Two.", "Three.", "Four.", "Five."]:
            read.append(text)
            yield text

    assert scorer.warm(texts(), limit=3, batch=2) == 3
    assert list(scorer._cache) == ["Already scored.", "One.", "Two.", "Three."]
    assert read == ["Already scored.", "One.", "One.", "Two.", "Three."]  # a lazy source is read no further
    assert scorer.warm(iter(["One.", "Two."]), limit=10) == 0


def test_the_served_warm_up_embeds_the_index_sentences_a_first_question_would_wait_for(embedder, tmp_path_factory):
    from core.text import sentences
    from service.chat import ChatService
    from tests.conftest import bot_over

    documents = {
        "visit.md": "# Fictional visit\n\nThe fictional Norvane delegation visited Lisbon on 3 May 2031. "
        "It met the rector of the fictional Tavora Institute.\n\nA dinner followed at the harbour.",
        "budget.md": "# Fictional budget\n\nThe fictional travel grant is 4,000 euros. It is paid in June 2031.",
    }
    bot = bot_over(documents, tmp_path_factory, embedder)
    service = ChatService(bot.settings, bot.store, bot)
    bot.scorer.clear()
    dictionaries = DEFAULT_DICTIONARY_FACTORY._get_dictionary
    dictionaries.cache_clear()
    service.warm_up()
    assert dictionaries.cache_info().currsize == 2  # simplemma's French and English, loaded before any question
    passages = list(bot.store.passage_texts())
    assert passages
    assert all(s in bot.scorer._cache for text in passages for s in sentences(text) or [text])


def test_a_second_answering_process_reads_the_sentence_vectors_the_first_embedded(embedder, tmp_path_factory):
    """The answer processes of `partnerbot serve` (and the pool that replaces them after an upload) warm up over the
    same index: one embeds its sentences and saves them, the others read them."""
    from service.chat import ChatService
    from tests.conftest import bot_over

    documents = {"visit.md": "# Fictional visit\n\nThe fictional Norvane delegation visited Lisbon on 3 May 2031."}
    bot = bot_over(documents, tmp_path_factory, embedder)
    first = ChatService(bot.settings, bot.store, bot)
    bot.scorer.clear()
    first.warm_up()
    saved = bot.settings.store.vectors_path
    assert saved.exists() and bot.scorer._cache
    question = "When did the Norvane delegation visit Lisbon?"
    expected = bot.ask(question)

    embedded = embedder.embedded
    second = ChatService(bot.settings, bot.store, Bot(bot.settings, bot.store))
    second.warm_up()
    assert embedder.embedded == embedded  # not one sentence or passage embedded again
    assert second.bot.scorer._cache.keys() == bot.scorer._cache.keys()
    answer = second.ask(question)
    assert (answer.answer, answer.citations) == (expected.answer, expected.citations)
    assert embedder.embedded == embedded

    saved.write_bytes(b"not vectors")  # damaged: ignored, and the sentences embedded again
    third = ChatService(bot.settings, bot.store, Bot(bot.settings, bot.store))
    third.warm_up()
    assert embedder.embedded > embedded and third.bot.scorer._cache.keys() == bot.scorer._cache.keys()
    assert saved.exists()

    # A passage deleted (a document removed or replaced) while another process warms up: its sentences leave the
    # data dir with it, and the warm-up that read them does not write them back.
    fourth = ChatService(bot.settings, bot.store, Bot(bot.settings, bot.store))
    warm = fourth.bot.scorer.warm

    def warm_while_a_passage_is_deleted(*args):
        bot.store.delete(list(bot.store.metadatas())[:1])
        assert not saved.exists()
        return warm(*args)

    fourth.bot.scorer.warm = warm_while_a_passage_is_deleted
    fourth.warm_up()
    assert fourth.bot.scorer._cache and not saved.exists()


def test_the_words_of_an_earlier_question_are_not_embedded_again_and_the_query_cache_stays_bounded(embedder):
    scorer = SentenceScorer(embedder, Settings().answer.word_weight, 1000, query_cache=3)
    labels = ["Billets d'avion", "Doctorants"]
    first = scorer.similarities(["budget", "flight tickets"], labels)
    embedder.queried.clear()
    again = scorer.similarities(["flight tickets", "students"], labels)
    assert embedder.queried == {"students": 1} and again[0] == first[1]
    scorer.similarities(["travel", "meeting"], labels)
    assert len(scorer._queries) == 3 and "budget" not in scorer._queries  # the least recently used went first


def test_an_answer_process_answers_as_the_app_itself(embedder, tmp_path_factory):
    from service.processes import AnswerProcesses
    from tests.conftest import bot_over

    documents = {"visit.md": "# Fictional visit\n\nThe fictional Norvane delegation visited Lisbon on 3 May 2031."}
    bot = bot_over(documents, tmp_path_factory, embedder)
    pool = AnswerProcesses(bot.settings, 1)
    try:
        pool.warm_up()
        question = "When did the Norvane delegation visit Lisbon?"
        answer, here = pool.ask(question, []), bot.ask(question)
    finally:
        pool.close()
    assert not answer.abstained and "3 May 2031" in answer.answer
    assert (answer.answer, answer.citations) == (here.answer, here.citations)
