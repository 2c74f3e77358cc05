"""The BM25 index: saved per collection version, reused after a restart, rebuilt when anyone writes."""

from __future__ import annotations

import pytest

from bot import Bot
from core.settings import Settings
from store.lexical import LexicalIndex
from store.records import Chunk
from store.store import Store
from tests.conftest import SEED_DOC, run_cli, run_cli_here


@pytest.fixture
def folder(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / SEED_DOC.name).write_bytes(SEED_DOC.read_bytes())
    (docs / "code.txt").write_text("Le mot de passe du wifi du campus est ALPHAVILLE.", encoding="utf-8")
    return docs


def lexical_bot(data_dir, embedder, recheck_seconds: float = 10.0) -> Bot:
    settings = Settings(
        data_dir=data_dir, chroma_url=None, retrieval_mode="lexical", reranker="none", recheck_seconds=recheck_seconds
    )
    return Bot(settings, Store(settings, embedder=embedder))


def full_reads(store: Store) -> list[None]:
    """Records the reads of the whole collection (`chunks()` without ids) made through this Index."""
    calls: list[None] = []
    read = store.chunks

    def spy(ids=None):
        if ids is None:
            calls.append(None)
        return read(ids)

    store.chunks = spy
    return calls


@pytest.mark.integration
def test_ingest_saves_the_keyword_index_and_a_restart_loads_it_instead_of_reading_every_passage(
    tmp_path, folder, embedder
):
    data = tmp_path / "data"
    assert run_cli_here("ingest", "--quiet", str(folder), data_dir=data).returncode == 0
    saved = list((data / "lexical" / "partnerbot").iterdir())
    assert len(saved) == 1 and (saved[0] / "chunk_ids.txt").is_file()

    bot = lexical_bot(data, embedder)
    reads = full_reads(bot.store)
    found = bot.retriever.invoke("debabratta das")  # a typo the saved vocabulary corrects

    assert reads == []
    assert "Debabrata Das" in found[0].page_content


@pytest.mark.integration
def test_a_damaged_saved_index_is_rebuilt(tmp_path, folder, embedder):
    data = tmp_path / "data"
    assert run_cli_here("ingest", "--quiet", str(folder), data_dir=data).returncode == 0
    (saved,) = (data / "lexical" / "partnerbot").iterdir()
    for file in saved.iterdir():
        file.write_bytes(b"\x00garbage")

    bot = lexical_bot(data, embedder)
    reads = full_reads(bot.store)
    found = bot.retriever.invoke("ALPHAVILLE")

    assert reads == [None]  # rebuilt from the collection
    assert "ALPHAVILLE" in found[0].page_content
    assert (saved / "chunk_ids.txt").read_text(encoding="utf-8").count("\n") >= 1  # and saved again


@pytest.mark.integration
def test_a_running_bot_sees_text_another_process_changed_without_changing_the_passage_count(tmp_path, folder, embedder):
    data = tmp_path / "data"
    assert run_cli_here("ingest", "--quiet", str(folder), data_dir=data).returncode == 0
    bot = lexical_bot(data, embedder, recheck_seconds=0.0)
    count = bot.store.count()
    assert "ALPHAVILLE" in bot.retriever.invoke("ALPHAVILLE")[0].page_content

    (folder / "code.txt").write_text("Le mot de passe du wifi du campus est OMEGAPOLIS.", encoding="utf-8")
    # Another process writes the index: the running bot must see the change on disk.
    assert run_cli("ingest", "--quiet", str(folder), data_dir=data).returncode == 0

    assert bot.store.count() == count
    found = bot.retriever.invoke("OMEGAPOLIS")
    assert found and "OMEGAPOLIS" in found[0].page_content
    assert bot.retriever.invoke("ALPHAVILLE") == []
    assert len(list((data / "lexical" / "partnerbot").iterdir())) == 1  # the old version's copy is gone


@pytest.mark.unit
def test_a_token_longer_than_a_word_is_not_spell_corrected():
    # Fictional text; the 49-letter "word" stands for any token longer than a word can be.
    long_token = "norvellepolytechniquerechercheinnovationscommunes"
    chunks = [
        Chunk("1", f"Le séminaire de Norvelle porte sur {long_token}.", {"title": "Note fictive"}),  # type: ignore[typeddict-item]
        Chunk("2", "Le comité de pilotage se réunit en mars.", {"title": "Note fictive"}),  # type: ignore[typeddict-item]
    ]
    index = LexicalIndex.build(lambda ids: chunks, max_word_chars=40)
    assert index.correct("norvele") == "norvelle"  # a word is still corrected
    assert index.correct(long_token[:-1] + "z") is None  # one letter off, but no word: not compared
    assert index.correct(long_token) == long_token  # what the passages hold is still found as it is


@pytest.mark.unit
def test_a_questions_typos_become_the_documents_words_and_nothing_else_changes():
    from bot.spelling import corrected

    chunks = [  # fictional text
        Chunk("1", "Le comité de pilotage de Norvelle s'est réuni avec Debabrata Varenko en 2031.", {"title": "Note"}),  # type: ignore[typeddict-item]
        Chunk("2", "The committee of the Harbour Institute approved the budget.", {"title": "Note"}),  # type: ignore[typeddict-item]
    ]
    index = LexicalIndex.build(lambda ids: chunks)

    def spell(text: str) -> str:
        return corrected(text, lambda word: index.closest(word, 85, 5), 5)

    # Two letters dropped from each of two words: the documents' words, in the asker's case.
    assert spell("Who is Debbrata Varnko?") == "Who is Debabrata Varenko?"
    assert (
        spell("When did the comittee of the Harbor Institute meet?")
        == "When did the committee of the Harbour Institute meet?"  # the documents' spelling too
    )
    # A word the documents use stays as written, accents and capitals (the index keeps it folded: "reuni").
    assert spell("Quand NORVELLE s'est-il réuni ?") == "Quand NORVELLE s'est-il réuni ?"
    # Words the questions are asked with, numbers and words far from any of the documents' stay as written.
    assert (
        spell("Combien de personnes en 2032 ? What about the insurance?")
        == "Combien de personnes en 2032 ? What about the insurance?"
    )
