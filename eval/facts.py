"""Precision and recall of the facts extracted from documents whose facts were annotated by hand beforehand.

`python -m eval.facts [--fixtures eval/fixtures]` prints one table per fact type and field: an extracted fact is
right when an annotated fact of its document matches it (people by name, organisations by any of their names,
events by date, plans by the sentence they rest on), and each field is then compared.
"""

from __future__ import annotations

import argparse
import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.text import fold, stems
from ingest.chunking import join_parts
from ingest.facts.extract import extract_facts
from ingest.loaders import load_file

TYPES = ("person", "organisation", "event", "plan")


@dataclass
class Score:
    extracted: int = 0
    annotated: int = 0
    matched: int = 0
    fields: dict[str, list[bool]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else float("nan")

    @property
    def recall(self) -> float:
        return self.matched / self.annotated if self.annotated else float("nan")


def _norm(text: str | None) -> str:
    return " ".join(fold(text or "").replace("’", "'").split())


def _similar(a: str | None, b: str | None) -> bool:
    """The same words, give or take: half of the stems of each are in the other."""
    if not a or not b:
        return not a and not b
    sa, sb = stems(a), stems(b)
    return bool(sa and sb) and len(sa & sb) >= 0.5 * min(len(sa), len(sb))


def _names(fact: dict) -> set[str]:
    return {_norm(n) for n in [fact.get("name"), *fact.get("aliases", [])] if n}


def _same_date(a: str | None, b: str | None) -> bool:
    return bool(a and b) and (a.startswith(b) or b.startswith(a))


def _evidence_overlap(extracted: dict, annotated: dict) -> bool:
    sentence, evidence = _norm(extracted["sentence"]["text"]), _norm(annotated["evidence"])
    return bool(sentence and evidence) and (evidence in sentence or sentence in evidence)


MATCHERS: dict[str, Callable[[dict, dict], bool]] = {
    "person": lambda x, a: _norm(x["name"]) == _norm(a["name"]),
    "organisation": lambda x, a: bool(_names(x) & _names(a)),
    "event": lambda x, a: _same_date(x.get("date"), a.get("date")),
    "plan": _evidence_overlap,
}


def _participants(x: dict, a: dict) -> bool:
    ours = {_norm(p) for p in x.get("participants", [])}
    theirs = {_norm(p) for p in a.get("participants", [])}
    return ours == theirs if theirs else True


FIELDS: dict[str, dict[str, Callable[[dict, dict], bool]]] = {
    "person": {
        "role": lambda x, a: _similar(x.get("role"), a.get("role")),
        "organisation": lambda x, a: _similar(x.get("organisation"), a.get("organisation")),
    },
    "organisation": {"aliases": lambda x, a: _names(a) <= _names(x) | {_norm(a["name"])}},
    "event": {
        "kind": lambda x, a: x.get("kind") == a.get("kind"),
        "date_end": lambda x, a: x.get("date_end") == a.get("date_end"),
        "participants": _participants,
    },
    "plan": {
        "status": lambda x, a: x.get("status") == a.get("status"),
        "when": lambda x, a: _same_date(x.get("when"), a.get("when")) if a.get("when") else not x.get("when"),
    },
}


def score(extracted: list[dict], annotated: list[dict]) -> dict[str, Score]:
    """Facts of the same documents, as dicts: greedy one-to-one matching per document and type."""
    scores = {t: Score() for t in TYPES}
    for kind in TYPES:
        ours = [f for f in extracted if f["type"] == kind]
        theirs = [f for f in annotated if f["type"] == kind]
        result = scores[kind]
        result.extracted, result.annotated = len(ours), len(theirs)
        free = list(theirs)
        for fact in ours:
            match = next((a for a in free if a["doc_id"] == fact["doc_id"] and MATCHERS[kind](fact, a)), None)
            if match is None:
                continue
            free.remove(match)
            result.matched += 1
            for name, compare in FIELDS[kind].items():
                result.fields.setdefault(name, []).append(compare(fact, match))
    return scores


def extract_folder(folder: Path) -> list[dict[str, Any]]:
    """The facts of every document of `folder` that its manifest describes."""
    manifest = tomllib.loads((folder / "manifest.toml").read_text(encoding="utf-8"))
    facts = []
    for name, entry in manifest.items():
        if not isinstance(entry, dict):
            continue
        loaded = load_file(folder / name, 50_000_000)
        text, _ = join_parts(loaded.parts)
        for fact in extract_facts(text, name, entry["title"], entry["date"], entry["language"], []):
            facts.append(fact.model_dump())
    return facts


def table(scores: dict[str, Score]) -> str:
    rows = ["| facts | extracted | annotated | matched | precision | recall | fields right (of matched) |"]
    rows.append("|---|---:|---:|---:|---:|---:|---|")
    for kind, s in scores.items():
        fields = ", ".join(f"{name} {sum(v)}/{len(v)}" for name, v in s.fields.items())
        rows.append(
            f"| {kind} | {s.extracted} | {s.annotated} | {s.matched} | {s.precision:.2f} | {s.recall:.2f} | {fields} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.facts", description=__doc__)
    parser.add_argument("--fixtures", type=Path, default=Path("eval/fixtures"))
    parser.add_argument("--documents", nargs="*", help="only these documents (file names)")
    parser.add_argument("--json", type=Path, help="write the extracted facts here")
    args = parser.parse_args(argv)
    annotated = [json.loads(line) for line in (args.fixtures / "facts.jsonl").read_text(encoding="utf-8").splitlines()]
    extracted = extract_folder(args.fixtures)
    if args.documents:
        annotated = [f for f in annotated if f["doc_id"] in args.documents]
        extracted = [f for f in extracted if f["doc_id"] in args.documents]
    if args.json:
        args.json.write_text("\n".join(json.dumps(f, ensure_ascii=False) for f in extracted), encoding="utf-8")
    print(table(score(extracted, annotated)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
