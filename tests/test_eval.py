"""The evaluation: scorer on hand-made cases, gold-file checks, and the runner end to end."""

from __future__ import annotations

import json

import pytest

from eval.gold import GoldFileError, GoldQuestion, load_gold
from eval.score import compute_metrics, contains_alias, is_correct
from ingest.pipeline import ingest
from ingest.settings import Settings
from tests.conftest import CORPUS, ROOT, run_cli


def gold(expect=None, answerable=True) -> GoldQuestion:
    return GoldQuestion(id="q", lang="en", question="?", expect=expect or [], answerable=answerable)


@pytest.mark.parametrize(
    ("text", "aliases", "found"),
    [
        ("Signée le 10 janvier 2024.", ["10 janvier 2024"], True),
        ("VALERIE PECRESSE, présidente", ["Valérie Pécresse"], True),  # case and accents
        ("l\u2019Indian Institute (IIITB).", ["IIITB"], True),  # punctuation around
        ("prévu pour le mois de mai", ["May", "mai"], True),  # any alias of the group
        ("une maison à Paris", ["mai"], False),  # whole words only
        ("Dr.Debabrata-Das", ["Debabrata Das"], True),  # punctuation inside
        ("Debabrata", ["Debabrata Das"], False),
        ("anything", ["", "  "], False),  # blank aliases never match
    ],
)
def test_alias_matching(text, aliases, found):
    assert contains_alias(text, aliases) is found


def test_every_group_must_match_and_abstention_is_judged_separately():
    two_groups = gold([["aivancity"], ["IIITB", "IIIT Bangalore"]])
    assert is_correct(two_groups, "aivancity et IIIT Bangalore", abstained=False)
    assert not is_correct(two_groups, "aivancity seulement", abstained=False)
    assert not is_correct(two_groups, "aivancity et IIITB", abstained=True)
    unanswerable = gold(answerable=False)
    assert is_correct(unanswerable, "Je ne trouve pas", abstained=True)
    assert not is_correct(unanswerable, "Le budget est de 5 M€", abstained=False)


def test_metrics_on_hand_made_results():
    golds = [
        GoldQuestion(id="a", lang="en", question="?", expect=[["x"]], answerable=True, sources=["d1"]),
        GoldQuestion(id="b", lang="en", question="?", expect=[["y"]], answerable=True, sources=["d1"]),
        GoldQuestion(id="c", lang="fr", question="?", answerable=False),
    ]
    results = [
        {
            "id": "a",
            "correct": True,
            "abstained": False,
            "retrieved": ["d2", "d1"],
            "latency_s": 1.0,
            "citations": [{"text": "x here"}, {"text": "nothing"}],
        },
        {"id": "b", "correct": False, "abstained": True, "retrieved": ["d3"], "latency_s": 3.0, "citations": []},
        {"id": "c", "correct": True, "abstained": True, "retrieved": [], "latency_s": 2.0, "citations": []},
    ]
    m = compute_metrics(golds, results)
    assert (m.accuracy, m.answer_accuracy, m.abstention_accuracy) == (2 / 3, 0.5, 1.0)
    assert m.false_abstention_rate == 0.5
    assert (m.recall_at_k, m.mrr) == (0.5, 0.25)
    assert m.citation_precision == 0.5
    assert m.latency_p50 == 2.0


def test_a_malformed_gold_line_is_reported_with_its_number(tmp_path):
    path = tmp_path / "gold.jsonl"
    good = {"id": "a", "lang": "fr", "question": "Q ?", "expect": [["x"]], "answerable": True}
    path.write_text(
        "\n".join([json.dumps(good), "{not json", json.dumps({**good, "id": "b", "lang": "de"}), ""]),
        encoding="utf-8",
    )
    with pytest.raises(GoldFileError) as error:
        load_gold(path)
    assert f"{path}:2:" in str(error.value) and f"{path}:3:" in str(error.value)


def test_the_shipped_gold_set_is_valid_and_covers_what_it_must():
    golds = load_gold(ROOT / "eval" / "gold.jsonl")
    assert len(golds) >= 60
    assert {g.lang for g in golds} == {"fr", "en"}
    assert sum(not g.answerable for g in golds) >= 10
    assert sum(bool(g.history) for g in golds) >= 6


def test_runner_end_to_end_writes_results_metrics_and_report(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", chroma_url=None)
    ingest([CORPUS], settings, progress=False)
    small = tmp_path / "small.jsonl"
    rows = [
        {
            "id": "sign",
            "lang": "en",
            "question": "When was the declaration of intent signed?",
            "expect": [["10 janvier 2024"]],
            "answerable": True,
            "sources": ["partnership_meeting_2025-03-26.txt"],
        },
        {
            "id": "dean",
            "lang": "fr",
            "question": "Et le doyen ?",
            "expect": [["Chandrashekar Ramanathan"]],
            "answerable": True,
            "history": [{"role": "user", "content": "Qui dirige IIITB ?"}],
        },
        {"id": "budget", "lang": "en", "question": "What is the budget?", "expect": [], "answerable": False},
    ]
    small.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    result = run_cli(
        "eval",
        "--gold",
        str(small),
        "--results",
        str(tmp_path / "out.jsonl"),
        "--report",
        str(tmp_path / "report"),
        "--quiet",
        "--compare",
        data_dir=settings.data_dir,
    )
    assert result.returncode == 0, result.stderr
    assert "| hybrid+rerank |" in result.stdout and "| dense |" in result.stdout
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    variants = {line["variant"] for line in lines}
    assert {"dense", "bm25", "hybrid", "hybrid+rerank", "hybrid+rerank+local"} <= variants
    assert len(lines) == 3 * len(variants)
    assert {"id", "question", "answer", "abstained", "citations", "latency_s"} <= set(lines[0])
    by_id = {r["id"]: r for r in lines if r["variant"] == "hybrid+rerank"}
    assert by_id["sign"]["correct"] and by_id["budget"]["abstained"] and by_id["dean"]["correct"]
    report = (tmp_path / "report" / "report.md").read_text()
    assert "| variant |" in report and "## Misses of hybrid" in report
    assert (tmp_path / "report" / "metrics.png").read_bytes()[:4] == b"\x89PNG"


def test_runner_reports_a_bad_gold_file_without_running(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n', encoding="utf-8")
    result = run_cli("--gold", str(bad), module="eval", data_dir=tmp_path / "data", timeout=120)
    assert result.returncode == 2 and "bad.jsonl:1:" in result.stdout
