"""Bad input gets a clear message and loses nothing; properties of the chunker, scorer and question path."""

from __future__ import annotations

import os
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import Answer, Bot, QuestionError
from bot.question import clean_question
from bot.scoring import embedded_text
from core.settings import Settings
from eval.score import contains_alias, normalise
from ingest.chunking import clean_text, split_text
from ingest.pipeline import ingest
from ingest.uploads import safe_name, save_uploads
from service import ChatService
from store.store import Store
from tests.conftest import CORPUS, SEED_DOC, app_replies

TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=3000)


@pytest.fixture(scope="module")
def bot(tmp_path_factory, embedder) -> Bot:
    settings = Settings(data_dir=tmp_path_factory.mktemp("bad") / "data", chroma_url=None)
    store = Store(settings, embedder=embedder)
    ingest([CORPUS], settings, store=store)
    return Bot(settings, store)


# --- questions ------------------------------------------------------------------------------------------------


@pytest.mark.integration
def test_invalid_utf8_bytes_are_read_with_replacement_characters(bot):
    answer = bot.ask(b"When was the declaration of intent signed?\xff\xfe")
    assert "10 janvier 2024" in answer.answer


@pytest.mark.parametrize(
    "question",
    ["Wann wurde die Absichtserklärung unterzeichnet?", "意向声明是什么时候签署的？", "¿Quién es el decano?"],
)
@pytest.mark.integration
def test_a_question_in_another_language_gets_an_answer_or_an_abstention(bot, question):
    answer = bot.ask(question)
    assert answer.language in ("fr", "en")
    assert answer.abstained == (answer.citations == [])


@pytest.mark.integration
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_gets_an_answer_or_a_clear_refusal(bot, question):
    try:
        answer = bot.ask(question)
    except QuestionError as exc:
        assert str(exc)
        return
    assert isinstance(answer, Answer) and answer.answer
    assert answer.abstained == (answer.citations == [])
    for citation in answer.citations:
        assert citation.quote in answer.answer and citation.quote in citation.text


@pytest.mark.unit
@given(TEXT)
def test_cleaned_questions_hold_no_control_characters_and_respect_the_limit(text):
    try:
        cleaned = clean_question(text, 500)
    except QuestionError:
        return
    assert cleaned and cleaned == cleaned.strip() and len(cleaned) <= 500
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in cleaned)


@pytest.mark.parametrize(
    "question",
    ["😀🎉🙏", "?!?!…;;;", "— « » … ¿¡ 🤔 ?", ("abcdefghij" * 200)[:1999], "2024 ?"],
    ids=["emoji", "punctuation", "mixed-signs", "one-1999-letter-token", "a-number-alone"],
)
@pytest.mark.unit
def test_a_question_without_words_is_asked_again_in_words_in_the_pages_language(question):
    with pytest.raises(QuestionError) as refused:
        clean_question(question, 2000, max_word_chars=40)
    assert "avec des mots" in refused.value.in_language("fr")
    assert "in words" in refused.value.in_language("en")
    assert "in words" in str(refused.value) and "avec des mots" in str(refused.value)  # no language to tell


@pytest.mark.unit
def test_a_question_of_words_with_a_long_token_is_taken_and_only_its_words_are_embedded():
    question = "Qui est le doyen des études ? " + "q" * 1950
    assert clean_question(question, 2000, max_word_chars=40) == question
    assert embedded_text(question, 40, 400) == "Qui est le doyen des études ?"
    long_question = "Quand la déclaration a-t-elle été signée et par qui ? " * 36
    embedded = embedded_text(long_question, 40, 400)
    assert 350 < len(embedded) <= 400 and long_question.startswith(embedded + " ")  # cut at a word


# --- the chunker and the scorer -------------------------------------------------------------------------------


@pytest.mark.unit
@settings(max_examples=150, deadline=None)
@given(TEXT, st.integers(100, 400), st.integers(0, 90))
def test_passages_are_exact_slices_that_cover_the_text(raw, size, overlap):
    text = clean_text(raw)
    passages = split_text(text, size, overlap)
    covered = [False] * len(text)
    for p in passages:
        assert text[p.start : p.end] == p.text and len(p.text) <= size
        covered[p.start : p.end] = [True] * (p.end - p.start)
    assert all(covered[i] for i, ch in enumerate(text) if not ch.isspace())


@pytest.mark.unit
@given(st.text(alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd")), min_size=1, max_size=12), TEXT, TEXT)
def test_an_alias_is_found_wherever_it_stands_as_a_word(alias, before, after):
    assert contains_alias(f"{before} {alias} {after}", [alias])


@pytest.mark.unit
@given(TEXT)
def test_normalising_is_idempotent(text):
    assert normalise(normalise(text)) == normalise(text)


# --- files ----------------------------------------------------------------------------------------------------


@pytest.mark.integration
def test_truncated_docx_and_huge_files_are_refused_by_name_and_the_rest_ingested(tmp_path, embedder):
    import docx

    folder = tmp_path / "docs"
    folder.mkdir()
    document = docx.Document()
    document.add_paragraph("Le séminaire commun aura lieu en octobre.")
    document.save(str(folder / "whole.docx"))
    (folder / "truncated.docx").write_bytes((folder / "whole.docx").read_bytes()[:900])
    with (folder / "huge.txt").open("wb") as huge:  # sparse: over the limit without writing 21 MB
        huge.truncate(21_000_000)
    (folder / "ok.txt").write_text("Un document valide.", encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", chroma_url=None)
    store = Store(settings, embedder=embedder)

    report = ingest([folder], settings, store=store)

    reasons = {err.path.name: err.reason for err in report.skipped}
    assert set(reasons) == {"truncated.docx", "huge.txt"}
    assert "corrupt or truncated DOCX" in reasons["truncated.docx"]
    assert "over the 20.0 MB limit" in reasons["huge.txt"]
    assert {d["doc_id"] for d in store.documents()} == {"whole.docx", "ok.txt"}


@pytest.mark.integration
def test_a_link_out_of_the_folder_is_not_followed(tmp_path, embedder):
    secret = tmp_path / "secret.txt"
    secret.write_text("Mot de passe : hunter2.", encoding="utf-8")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / SEED_DOC.name).write_bytes(SEED_DOC.read_bytes())
    os.symlink(secret, folder / "innocent.txt")
    settings = Settings(data_dir=tmp_path / "data", chroma_url=None)
    store = Store(settings, embedder=embedder)

    report = ingest([folder], settings, store=store)

    assert [err.path.name for err in report.skipped] == ["innocent.txt"]
    assert "outside" in report.skipped[0].reason
    assert not any("hunter2" in c.text for c in store.chunks())


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("/etc/shadow.md", "shadow.md"),
        ("..\\..\\Windows\\win.html", "win.html"),
        ("Compte rendu <atelier> été.PDF", "Compte_rendu_atelier_été.pdf"),
        ("....txt", "document.txt"),
    ],
)
@pytest.mark.unit
def test_upload_names_are_reduced_to_a_safe_file_name(name, safe):
    assert safe_name(name) == safe


@pytest.mark.unit
def test_uploads_stay_in_the_data_dir_and_never_overwrite_each_other(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", chroma_url=None, max_file_mb=0.001)
    first, second, same, big, exe = (tmp_path / n for n in ("a", "b", "c", "d", "e"))
    first.write_text("première version", encoding="utf-8")
    second.write_text("seconde version", encoding="utf-8")
    same.write_text("première version", encoding="utf-8")
    big.write_bytes(b"x" * 5000)
    exe.write_bytes(b"\x7fELF")

    saved, refused = save_uploads(
        [(first, "../notes.txt"), (second, "notes.txt"), (same, "notes.txt"), (big, "big.txt"), (exe, "run.sh")],
        settings.store,
    )

    uploads = settings.store.documents_dir / "uploads"
    assert [p.name for p in saved] == ["notes.txt", "notes-2.txt", "notes.txt"]
    assert all(p.parent == uploads for p in saved)
    assert (uploads / "notes.txt").read_text(encoding="utf-8") == "première version"
    assert (uploads / "notes-2.txt").read_text(encoding="utf-8") == "seconde version"
    assert {err.path.name: err.reason for err in refused}.keys() == {"big.txt", "run.sh"}
    assert sorted(p.name for p in uploads.iterdir()) == ["notes-2.txt", "notes.txt"]


@pytest.mark.integration
def test_a_zip_bomb_named_docx_is_refused_not_expanded(tmp_path, embedder):
    folder = tmp_path / "docs"
    folder.mkdir()
    with zipfile.ZipFile(folder / "bomb.docx", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("not-word.bin", b"\0" * 10_000_000)
    settings = Settings(data_dir=tmp_path / "data", chroma_url=None)

    report = ingest([folder], settings, store=Store(settings, embedder=embedder))

    assert [err.path.name for err in report.skipped] == ["bomb.docx"]


LIMIT = Settings().answer.max_question_chars


@pytest.mark.integration
@pytest.mark.parametrize(("question", "message"), [("   ", "type a question"), ("x" * (LIMIT + 1), str(LIMIT))])
def test_the_app_refuses_a_bad_question_and_keeps_the_typed_text(bot, question, message):
    import ui

    app = ui.ChatApp(ChatService(bot.settings, bot.store, bot))
    *_, (kept, history, sources, _) = app_replies(app, question)  # the last: the conversation, unchanged
    assert kept == question and message in history[-1]["content"] and sources == ""
