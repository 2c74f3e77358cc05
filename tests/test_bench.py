"""The benchmark harness end to end, a smoke of seconds on a tiny index (the real run is `make bench`): every row but
the translation (the packaged model's own tests cover it), with two users asking one question each in the app and
through the API."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.integration
def test_the_bench_measures_and_reports_on_a_small_index(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--sizes",
            "60",
            "--runs",
            "1",
            "--documents",
            "2",
            "--rows",
            "ingest,scale,ocr,facts,cold,load,api",
            "--ocr-pages",
            "1",
            "--load-index",
            "corpus",
            "--cold-questions",
            "2",
            "--users",
            "2",
            "--questions",
            "1",
            "--out",
            str(out),
            "--data-dir",
            str(tmp_path / "data"),
        ],
        cwd=ROOT,
        # One example question warms the app here, answered in the server's own process: the served start-up and
        # the answer processes are measured by the real run.
        env={**os.environ, "PARTNERBOT_WARM_UP_QUESTIONS": "1", "PARTNERBOT_ANSWER_PROCESSES": "0"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads((out / "bench.json").read_text())
    ingest = data["ingest"]
    assert ingest["chunks"] > 5 and 0.5 < ingest["ratio_to_raw"] < 3 and ingest["reingest_share"] < 0.5
    (row,) = data["scale"]
    assert row["size"] == 60 and row["answer_accuracy"] > 0.8
    assert data["facts"]["facts"] == 10_000 and "person by typo" in data["facts"]["lookup_median_ms"]
    assert 0 < row["retrieval_p50_ms"] <= row["retrieval_p95_ms"]
    cold = data["cold_start"]
    assert 0 < cold["served_page_s"] <= cold["ready_s"] and cold["first_question_s"] > 0  # the page before the app
    for load in (data["load"], data["api"]):
        assert (load["served"], load["errors"]) == (2, 0), load["error_examples"]
    assert data["ocr"]["pages"] == 1 and "translate" not in data
    assert data["inprocess"]["questions"] == 2 and data["load"]["server_cpu"] > 0
    assert "| 2 clients x 1 questions through the API (openai client) | 2 | 0 |" in (out / "bench.md").read_text()
    assert "| passages |" in (out / "bench.md").read_text()
    assert (out / "latency.png").read_bytes()[:4] == b"\x89PNG"
