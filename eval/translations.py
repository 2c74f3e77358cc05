"""How the checked machine translations of the fixture documents came out: pass rates, seconds a sentence, and a table
of sentences (source, translation, verdict) for a person to read.

    PARTNERBOT_TRANSLATOR=local PARTNERBOT_TRANSLATIONS_FILE=T.sqlite partnerbot translate   # over corpus + fixtures
    python -m eval.translations --translations T.sqlite [--sentences 30] [--out reports/translations.md]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
from pathlib import Path

from core.errors import LoadError
from core.text import sentences
from ingest.loaders import load_file
from store.translations import TranslationStore


def fixture_sentences(folder: Path) -> set[str]:
    found: set[str] = set()
    for path in sorted(folder.iterdir()):
        try:
            text = load_file(path, 50_000_000).text
        except LoadError:  # the manifest and the annotations are not documents
            continue
        found.update(" ".join(s.split()) for line in text.split("\n") for s in sentences(line))
    return found


def verdict(row: dict) -> str:
    if row["text"] is None:
        return f"left untranslated ({row['reason']})"
    return "kept at the first try" if row["tries"] == 1 else "kept after the retry"


def report(rows: list[dict], count: int) -> str:
    kept_first = sum(1 for r in rows if r["text"] is not None and r["tries"] == 1)
    kept_retry = sum(1 for r in rows if r["text"] is not None and r["tries"] > 1)
    never = sum(1 for r in rows if r["text"] is None)
    seconds = [r["seconds"] for r in rows]
    lines = [
        f"{len(rows)} sentences of the fixture documents translated by {', '.join(sorted({r['model'] for r in rows}))}",
        "",
        "| passed the checks | sentences | share |",
        "|---|---:|---:|",
        f"| at the first try | {kept_first} | {kept_first / max(1, len(rows)):.2f} |",
        f"| after the retry | {kept_retry} | {kept_retry / max(1, len(rows)):.2f} |",
        f"| never (quoted in the original) | {never} | {never / max(1, len(rows)):.2f} |",
        "",
        f"Seconds a sentence (both tries): median {statistics.median(seconds):.1f}, "
        f"p90 {statistics.quantiles(seconds, n=10)[-1]:.1f}."
        if len(seconds) > 1
        else "",
        "",
        "| # | to | source | translation | verdict |",
        "|---:|---|---|---|---|",
    ]
    # A fixed sample that does not depend on the order they were translated in, half in each direction.
    by_target = {t: sorted((r for r in rows if r["target"] == t), key=_order) for t in ("en", "fr")}
    sample = by_target["en"][: count - count // 2] + by_target["fr"][: count // 2]
    for n, row in enumerate(sample, start=1):
        cells = [row["source_text"], row["text"] or "—", verdict(row)]
        lines.append(f"| {n} | {row['target']} | " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def _order(row: dict) -> str:
    return hashlib.sha256(row["source_text"].encode()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.translations", description=__doc__)
    parser.add_argument("--translations", type=Path, required=True, help="the translations file (SQLite)")
    parser.add_argument("--fixtures", type=Path, default=Path("eval/fixtures"))
    parser.add_argument("--sentences", type=int, default=30, help="sentences in the table")
    parser.add_argument("--out", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    wanted = fixture_sentences(args.fixtures)
    rows = [r for r in TranslationStore(args.translations).rows() if " ".join(r["source_text"].split()) in wanted]
    text = report(rows, args.sentences)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
