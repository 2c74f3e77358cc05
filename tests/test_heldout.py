"""The regression guard: the held-out set, on the default bot, stays within 2 points of eval/baseline.json."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from eval.gold import KINDS, load_gold
from tests.conftest import ROOT, run_cli_here

HELDOUT = ROOT / "eval" / "heldout.jsonl"
BASELINE = ROOT / "eval" / "baseline.json"


@pytest.mark.unit
def test_the_heldout_set_covers_every_kind_both_languages_and_english_about_french():
    golds = load_gold(HELDOUT)
    languages = {"partnership_meeting_2025-03-26.txt": "fr"}
    manifest = (ROOT / "eval" / "fixtures" / "manifest.toml").read_text(encoding="utf-8")
    languages |= {name: entry["language"] for name, entry in tomllib.loads(manifest).items() if isinstance(entry, dict)}
    assert len(golds) >= 80
    assert {g.kind for g in golds} == set(KINDS)
    english = [g for g in golds if g.lang == "en"]
    assert 0.4 <= len(english) / len(golds) <= 0.6
    about_french = [g for g in english if g.sources and {languages[s] for s in g.sources} == {"fr"}]
    assert len(about_french) >= len(golds) / 4


@pytest.mark.integration
def test_the_default_bot_keeps_its_heldout_accuracy(tmp_path: Path):
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    result = run_cli_here(
        "eval",
        "--gold",
        baseline["gold"],
        *[arg for folder in baseline["with"] for arg in ("--with", folder)],
        *(["--lang-strict"] if baseline["lang_strict"] else []),
        "--baseline",
        str(BASELINE.relative_to(ROOT)),
        "--quiet",
        "--results",
        str(tmp_path / "heldout.jsonl"),
        data_dir=tmp_path / "data",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rows = [json.loads(line) for line in (tmp_path / "heldout.jsonl").read_text(encoding="utf-8").splitlines()]
    accuracy = sum(r["correct"] for r in rows) / len(rows)
    print(f"held-out accuracy {accuracy:.3f} (baseline {baseline['accuracy']:.3f})")
    assert accuracy >= baseline["accuracy"] - baseline["tolerance"]
