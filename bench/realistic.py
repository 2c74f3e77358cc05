"""The load rows' realistic setting: an index of the corpus and every fictional fixture folder, and the held-out
questions of every kind, French and English, mixed (issue 25: the gold set on the corpus alone flattered the app by
3x). Light on imports: `bench/__main__.py` uses it without loading any model."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The documents of the realistic index: the corpus and the fictional fixtures (never the corpus folder itself).
FOLDERS = [ROOT / "corpus", *sorted(p for p in (ROOT / "eval").glob("fixtures*") if p.is_dir())]
# The same mix in every run, so that two runs (and the load rows and the in-process rate) ask the same questions.
SEED = 25

Asked = tuple[str, list[dict[str, str]]]  # a question and the conversation before it


def questions(count: int) -> list[Asked]:
    """`count` held-out questions (all `eval/heldout*.jsonl`), shuffled once with a fixed seed so that each client
    meets several kinds and both languages; repeated from the start when more are wanted than there are."""
    found: list[Asked] = []
    for path in sorted((ROOT / "eval").glob("heldout*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                found.append((row["question"], row.get("history", [])))
    random.Random(SEED).shuffle(found)
    return [found[n % len(found)] for n in range(count)]


def ensure_index(env: dict[str, str], marker: Path, folders: list[Path]) -> None:
    """Ingest `folders` into the index `env` names, once: `marker` (in the bench's data dir) says it was done."""
    if marker.exists():
        return
    result = subprocess.run(
        [sys.executable, "-m", "cli", "ingest", "--quiet", "--no-translate", *map(str, folders)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode not in (0, 3):  # 3: a file kept in part; the index is still whole enough to measure
        raise SystemExit(f"ingesting the load rows' index failed:\n{result.stderr[-3000:]}")
    marker.write_text(result.stdout, encoding="utf-8")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process and its descendants (the answer processes) have used so far (Linux'
    /proc), to say how busy the server kept the cores: 2.0 CPU-seconds a second is both cores of this machine."""
    import os

    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # a process that ended meanwhile
            continue
        process = int(stat.parent.name)
        parents[process] = int(fields[1])
        used[process] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    family, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    return sum(used.get(process, 0.0) for process in family)
