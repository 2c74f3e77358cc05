"""The code must work on documents it was not written for: no rule, word list or phrasing of the answering and
ingesting code names a person, an organisation or a sentence of the corpus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import simplemma

from core.text import fold
from ingest.loaders import load_file

ROOT = Path(__file__).resolve().parents[1]
CODE_ROOMS = ("bot", "ingest", "core", "models", "store", "service")
CODE_FILES = (".py", ".toml")


def _corpus_names() -> set[str]:
    """The corpus's names: its words of four letters or more that no French or English dictionary knows (people's
    names, acronyms, brands)."""
    names: set[str] = set()
    for path in sorted((ROOT / "corpus").iterdir()):
        if path.name == "manifest.toml" or not path.is_file():
            continue
        text = load_file(path, 50_000_000).text
        for word in re.findall(r"[^\W\d_][\w-]*", text):
            if len(word) >= 4 and not any(simplemma.is_known(w, lang=("fr", "en")) for w in (word, word.lower())):
                names.add(fold(word))
    return names


@pytest.mark.unit
def test_no_code_or_language_data_names_the_corpus():
    names = _corpus_names()
    assert len(names) >= 10  # the check reads the corpus: people's names and acronyms are found
    found = []
    for room in CODE_ROOMS:
        for path in (ROOT / room).rglob("*"):
            if path.suffix not in CODE_FILES:
                continue
            text = fold(path.read_text(encoding="utf-8"))
            found += [
                f"{path.relative_to(ROOT)}: {name}"
                for name in names
                if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
            ]
    assert not found, found


@pytest.mark.unit
def test_the_app_texts_come_from_the_corpus_manifest(tmp_path):
    from ingest.corpus import app_texts

    (tmp_path / "manifest.toml").write_text(
        '[app]\ntitle = "Fictional desk"\nabout = "About a fictional corpus."\n'
        '[[app.examples]]\nlabel = "Try"\nquestions = ["When is the fictional fair?"]\n',
        encoding="utf-8",
    )
    texts = app_texts(tmp_path)
    assert (texts.title, texts.about, texts.examples) == (
        "Fictional desk",
        "About a fictional corpus.",
        (("Try", ("When is the fictional fair?",)),),
    )
    generic = app_texts(tmp_path / "missing")
    assert generic.title == "partnerbot" and generic.examples == () and "documents" in generic.about
