"""The benchmark harness: a smoke of seconds (the ingest row on two documents, measured in its own process and
reported), and the report drawn from a recorded run of the other rows. The rows themselves run in `make bench`: the
cold starts, the load runs through the app and the API, OCR and the scale rows take minutes, and the servers and
answers they drive are tested on their own (tests/test_ui.py, tests/test_api.py, tests/test_serve.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import plot, table
from models.embeddings import CountingEmbedder
from tests.conftest import ROOT

# The JSON a run of `python -m bench --sizes 60 --documents 2 --users 2 --questions 1 --load-index corpus` wrote on
# this machine, with a second scale row (its size changed) so that the plot has a line to draw.
SAMPLE = Path(__file__).parent / "data" / "bench_sample.json"


@pytest.mark.integration
def test_the_bench_measures_the_ingest_row_in_its_own_process_and_writes_the_report(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--rows", "ingest", "--documents", "2", "--runs", "1", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    ingest = json.loads((out / "bench.json").read_text())["ingest"]
    # What the measurement checked as it ran: every passage indexed, the unchanged re-ingest added nothing. Times
    # are only reported: how they compare is for `make bench` to show, not for a test to bound.
    assert ingest["documents"] == 2 and ingest["chunks"] > 5 and ingest["facts"] > 0
    assert ingest["pipeline_s"] > 0 and ingest["raw_encode_s"] > 0 and ingest["reingest_s"] > 0
    report = (out / "bench.md").read_text()
    assert f"| passages (2 documents) | {ingest['chunks']} |" in report and "latency" not in report
    assert not (out / "latency.png").exists()  # no scale row, no plot


@pytest.mark.unit
def test_the_report_has_a_table_for_each_measured_row_and_plots_latency_against_size(tmp_path):
    result = json.loads(SAMPLE.read_text())
    report = table(result)
    for heading in (
        "| ingest | value |",
        "| start | value |",
        "| passages | dense recall@20 |",
        "| facts lookup (10,000 facts",
        "| load run, at once",
        "| OCR (Tesseract",
    ):
        assert heading in report
    assert "| 2 clients x 1 questions through the API (openai client) | 2 | 0 |" in report
    assert "| 1,000 | " in report and "| 60 | " in report
    # A row that was not measured is left out, not printed empty.
    assert "translation" not in report and "upload" not in report
    assert "| ingest |" not in table({key: value for key, value in result.items() if key != "ingest"})
    plot(result["scale"], tmp_path / "latency.png")
    assert (tmp_path / "latency.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.integration
def test_the_scale_rows_counter_counts_the_engines_calls_texts_and_characters_and_changes_no_vector(embedder):
    counting = CountingEmbedder(embedder.inner)
    sentences = ["Le comité a validé le budget.", "The board met in March."]
    assert counting.embed_documents(sentences) == embedder.inner.embed_documents(sentences)
    assert counting.embed_queries(["budget", "board"]) == embedder.inner.embed_queries(["budget", "board"])
    assert counting.embed_query("When?") == embedder.inner.embed_query("When?")
    assert counting.embed_documents([]) == []  # reaches no engine: not counted as a call
    chars = sum(map(len, sentences)) + len("budget") + len("board") + len("When?")
    assert counting.counts() == {"calls": 3, "texts": 5, "chars": chars}
    assert counting.cpu_s > 0  # the engine's CPU, which the bench reads as its share of an answer's


@pytest.mark.unit
def test_the_ratios_ceiling_weighs_each_part_of_an_answer_by_what_two_cores_give_it():
    result = {
        "inprocess": {"engine_share": 0.75},
        "scaling": {"processes": 2, "engine_speedup": 1.5, "python_speedup": 2.0},
    }
    report = table(result)
    assert "| the embedding engine, one thread each (the load's questions, one at a time) | 1.50 |" in report
    # 0.75 of an answer 1.5 times as fast, 0.25 twice: 1 / (0.5 + 0.125) = 1.6.
    assert report.endswith("over the in-process one-thread rate | 1.60 |")
    assert "speed-up" not in table({"scaling": result["scaling"]})  # no in-process share measured: no ceiling
