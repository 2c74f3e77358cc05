"""Machine translation at ingest: what the model may not change is protected, every translation is checked, the work
is incremental and resumable, and the reader shows a checked translation beside its original.

The model is scripted where the test is about a path (accepted, retried, refused, interrupted); the packaged model
runs for real in the `llm` test. Every document here is fictional.
"""

from __future__ import annotations

import re

import pytest

from bot import Bot
from core.settings import Settings
from ingest.pipeline import ingest
from ingest.translation import Protected, check, protect, restore, translate_sentence
from service.chat import ChatService
from store.store import Store

MINUTES = """Document fictif créé pour les tests.
Compte rendu de la réunion du consortium Lumen

Le comité s'est réuni le 14 mars 2031 à Norvelle.
Mme Odile Ferrat, directrice, Institut Polytechnique de Norvelle (IPN), a présenté le programme.
Le voyage d'études des étudiants aura lieu en mai 2031 et réunira 24 étudiants.
"""
# What a good translator says for each sentence of MINUTES, markers kept (the scripted model looks its prompt up).
GOOD = {
    "Document fictif créé pour les tests.": "Fictional document created for testing.",
    "Compte rendu de la réunion du consortium Lumen": "Minutes of the meeting of the Lumen consortium",
    "Le comité s'est réuni le [[1]] à Norvelle.": "The committee met on [[1]] in Norvelle.",
    "Le comité s'est réuni le [[1]] à [[2]].": "The committee met on [[1]] in [[2]].",  # the place of the facts
    "Mme [[1]], [[2]], [[3]] ([[4]]), a présenté le programme.": (
        "Mrs [[1]], [[2]], [[3]] ([[4]]), presented the programme."
    ),
    "Le voyage d'études des étudiants aura lieu en [[1]] et réunira [[2]] étudiants.": (
        "The students' study trip will take place in [[1]] and will bring together [[2]] students."
    ),
}


class ScriptedTranslator:
    """Answers each prompt from a table of protected sentences; `bad` replies (in turn) come first for a sentence
    whose protected text contains the key; raises after `stop_after` prompts (a Ctrl-C in the middle of a run)."""

    name = "scripted-translator"

    def __init__(self, good: dict[str, str], bad: dict[str, list[str]] | None = None, stop_after: int | None = None):
        self.good, self.bad, self.stop_after = good, {k: list(v) for k, v in (bad or {}).items()}, stop_after
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        if self.stop_after is not None and len(self.prompts) >= self.stop_after:
            raise KeyboardInterrupt
        self.prompts.append(prompt)
        sentence = re.search(r"^(?:French|English): (.*)$", prompt, re.M)[1]
        for key, replies in self.bad.items():
            if key in sentence and replies:
                return replies.pop(0)
        return self.good.get(sentence, sentence)


@pytest.mark.unit
def test_names_titles_dates_and_numbers_are_protected_and_come_back_in_the_target_language():
    sentence = "Mme Odile Ferrat, directrice de l'IPN, a signé le 14 mars 2031 avec 3 partenaires."
    protected = protect(sentence, "fr", "en", names=["Odile Ferrat", "IPN"], titles=["directrice"])
    assert protected.text == "Mme [[1]], [[2]] de l'[[3]], a signé le [[4]] avec [[5]] partenaires."
    assert protected.restore == {
        "[[1]]": "Odile Ferrat",
        "[[2]]": "Director",  # the reviewed glossary's title
        "[[3]]": "IPN",
        "[[4]]": "14 March 2031",  # in the target language's words
        "[[5]]": "3",
    }
    output = "Mrs [[1]], [[2]] of [[3]], signed on [[4]] with [[5]] partners."
    assert check(protected, output) is None
    assert restore(protected, output) == "Mrs Odile Ferrat, Director of IPN, signed on 14 March 2031 with 3 partners."


@pytest.mark.unit
@pytest.mark.parametrize(
    ("output", "reason"),
    [
        ("The [[1]] met in [[2]].", None),
        ("The [[1]] met in [[2]] and [[2]].", "markers changed"),
        ("The [[1]] met.", "markers changed"),
        ("The [[1]] met in [[2]] with 40 people.", "a number the source does not have"),
        ("The [[1]] of Aix-en-Provence met in [[2]].", "a name the source does not have: Aix-en-Provence"),
        ("The [[1]] met in [[2]].\nNote: this is a translation.", "more than one line"),
        ("[[1]] [[2]]", "length 0.38 times the source's"),
        ("", "empty"),
    ],
)
def test_a_translation_that_changes_what_it_may_not_is_refused(output, reason):
    protected = Protected("Le [[1]] s'est réuni à [[2]].", {"[[1]]": "Lumen", "[[2]]": "14 March 2031"})
    assert check(protected, output) == reason


@pytest.mark.unit
def test_a_sentence_left_in_its_own_language_in_whole_or_in_part_is_refused():
    protected = Protected("Le comité réunira deux représentants de chaque partenaire à [[1]].", {"[[1]]": "Norvelle"})
    assert check(protected, protected.text, "fr") == "not translated"
    half = "The committee réunira deux représentants de chaque partenaire in [[1]]."
    assert check(protected, half, "fr") == "partly untranslated"
    assert (
        check(protected, "The committee will bring together two representatives of each partner in [[1]].", "fr")
        is None
    )


@pytest.mark.unit
def test_a_title_repeated_before_every_name_is_refused_and_the_french_adjectives_pass():
    protected = Protected("Ils étaient accompagnés de Dr. [[1]] et [[2]].", {"[[1]]": "A B", "[[2]]": "C D"})
    assert check(protected, "They were accompanied by Dr. [[1]] and Dr. [[2]].") == (
        "a word repeated more often than in the source: Dr"
    )
    adjectives = Protected("Les acteurs français et indiens de l'IA.", {})
    assert check(adjectives, "French and Indian actors of AI.") is None  # glossary concepts, not new names


@pytest.mark.integration
def test_a_refused_translation_is_asked_again_strictly_then_left_untranslated():
    model = ScriptedTranslator(GOOD, bad={"réuni": ["The committee of Aix-en-Provence met on [[1]] in Norvelle."]})
    retried = translate_sentence("Le comité s'est réuni le 14 mars 2031 à Norvelle.", "fr", "en", model, [])
    assert (retried.text, retried.tries) == ("The committee met on 14 March 2031 in Norvelle.", 2)
    assert "add no name" in model.prompts[1]  # the second prompt is the strict one

    stubborn = ScriptedTranslator(GOOD, bad={"réuni": ["The committee met in Paris on [[1]]."] * 2})
    refused = translate_sentence("Le comité s'est réuni le 14 mars 2031 à Norvelle.", "fr", "en", stubborn, [])
    assert refused.text is None and refused.tries == 2 and refused.reason == "a name the source does not have: Paris"


@pytest.fixture
def minutes_service(tmp_path, embedder) -> ChatService:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "minutes-2031-03-14.md").write_text(MINUTES, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data", chroma_url=None, translator="local")
    store = Store(settings, embedder=embedder)
    ingest([folder], settings, store=store)
    return ChatService(settings, store, Bot(settings, store))


@pytest.mark.integration
def test_translation_is_incremental_resumable_and_shown_beside_the_original(minutes_service, monkeypatch):
    service = minutes_service
    stopping = ScriptedTranslator(GOOD, stop_after=2)
    monkeypatch.setattr(service.bot, "_translator", stopping)
    with pytest.raises(KeyboardInterrupt):
        service.translate()
    assert service.translation_status().already == 2  # what was done before the stop is kept

    model = ScriptedTranslator(GOOD)
    monkeypatch.setattr(service.bot, "_translator", model)
    report = service.translate()
    assert report.already == 2 and report.first_try == 3 and report.failed == 0
    assert len(model.prompts) == 3  # only the sentences not yet translated
    assert service.translate().first_try == 0 and len(model.prompts) == 3  # an unchanged index translates nothing

    answer = service.ask("When will the study trip take place?")
    assert "May 2031" in answer.direct
    quote = answer.answer.split("\n\n")[1]
    assert quote.startswith("[1] « The students' study trip will take place in May 2031 and will bring together 24")
    assert "(machine translation; original: « Le voyage d'études des étudiants aura lieu en mai 2031" in quote
    assert answer.citations[0].translation.startswith("The students' study trip")
    panel = "".join(text for text, _ in service.sources(answer))
    assert "Machine translation of the quote: « The students' study trip" in panel and "aura lieu en mai" in panel

    french = service.ask("Quand aura lieu le voyage d'études ?")
    assert "machine translation" not in french.answer and "« Le voyage d'études" in french.answer


@pytest.mark.integration
def test_translation_off_is_a_clear_message(tmp_path, embedder):
    settings = Settings(data_dir=tmp_path / "data", chroma_url=None)
    store = Store(settings, embedder=embedder)
    with pytest.raises(Exception, match="PARTNERBOT_TRANSLATOR=local"):
        ChatService(settings, store, Bot(settings, store)).translate()


@pytest.mark.llm
def test_the_packaged_model_translates_fixture_sentences_that_pass_the_checks(tmp_path):
    from models.chat import build_translator

    model = build_translator(Settings(data_dir=tmp_path / "data", translator="local"))
    sentences = [
        ("Le comité a décidé de lancer un appel à projets commun en septembre 2031.", "fr", "en"),
        ("Mme Odile Ferrat a présenté le programme de l'école d'été.", "fr", "en"),
        ("The consortium signed its charter on 5 May 2031 in Norvelle.", "en", "fr"),
        ("Les étudiants visiteront trois laboratoires de l'Institut Polytechnique de Norvelle.", "fr", "en"),
    ]
    names = ["Odile Ferrat", "Institut Polytechnique de Norvelle", "Norvelle"]
    results = [translate_sentence(s, src, tgt, model, names) for s, src, tgt in sentences]
    kept = [r for r in results if r.text]
    assert len(kept) >= 3, [(r.sentence, r.reason) for r in results]
    assert all("[[" not in r.text for r in kept)
    # The first sentence is kept, its date restored in the target language's words from the protected marker.
    assert results[0].text and "September 2031" in results[0].text and "septembre" not in results[0].text, results[0]
