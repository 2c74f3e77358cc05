"""Run a gold file through the bot (one or several variants), print the metrics, write results and a report."""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from tqdm import tqdm

from core.errors import PartnerbotError, QuestionError
from core.settings import Settings
from eval.gold import ALL_KINDS, GoldFileError, GoldQuestion, load_gold
from eval.score import Metrics, breakdown, compute_metrics, is_correct, language_groups
from service import ChatService, build_service

EXIT_USAGE = 2
EXIT_BELOW_BASELINE = 4

# The variants `--compare` runs, as setting overrides: the composers (the extractive one, the reader), the reader
# over each retrieval alone, then each model generator that is installed (local) or configured (openai, when
# PARTNERBOT_GENERATOR=openai) rewording the reader's answer.
VARIANTS: dict[str, dict[str, Any]] = {
    "extractive": {"composer": "extractive", "generator": "extractive"},
    "reader dense": {"composer": "reader", "retrieval_mode": "dense", "generator": "extractive"},
    "reader bm25": {"composer": "reader", "retrieval_mode": "lexical", "generator": "extractive"},
    "reader": {"composer": "reader", "generator": "extractive"},
}


def compare_variants(settings: Settings) -> dict[str, dict[str, Any]]:
    variants = dict(VARIANTS)
    if importlib.util.find_spec("cyllama"):
        variants["reader+local"] = {"composer": "reader", "generator": "local"}
    if settings.answer.generator == "openai":
        variants["reader+openai"] = {"composer": "reader", "generator": "openai"}
    return variants


_COLUMNS = [
    ("accuracy", "accuracy"),
    ("answer_accuracy", "answer acc."),
    ("abstention_recall", "abst. recall"),
    ("abstention_precision", "abst. precision"),
    ("false_abstention_rate", "false abst."),
    ("partial_answers", "partial"),
    ("recall_at_k", "recall@k"),
    ("mrr", "MRR"),
    ("citation_correctness", "citation corr."),
    ("latency_p50", "p50 s"),
    ("latency_p95", "p95 s"),
]


def run_gold(
    service: ChatService, golds: list[GoldQuestion], label: str = "", progress: bool = True, lang_strict: bool = False
) -> list[dict[str, Any]]:
    results = []
    for gold in tqdm(golds, desc=label or "questions", unit="q", disable=not progress):
        started = time.perf_counter()
        try:
            answer = service.ask(gold.question, [turn.model_dump() for turn in gold.history])
            text, abstained, partial = answer.answer, answer.abstained, bool(getattr(answer, "partial", False))
            citations = [c.model_dump() for c in answer.citations]
            retrieved, error = answer.retrieved, None
        except QuestionError as exc:
            text, abstained, partial, citations, retrieved, error = str(exc), True, False, [], [], str(exc)
        results.append(
            {
                "id": gold.id,
                "kind": gold.kind,
                "lang": gold.lang,
                "question": gold.question,
                "answer": text,
                "abstained": abstained,
                "partial": partial,
                "citations": citations,
                "retrieved": retrieved,
                "latency_s": round(time.perf_counter() - started, 4),
                "correct": is_correct(gold, text, abstained, partial, lang_strict),
                "lang_strict": lang_strict,
                **({"error": error} if error else {}),
            }
        )
    return results


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def metrics_table(metrics: dict[str, Metrics]) -> str:
    header = "| variant | " + " | ".join(title for _, title in _COLUMNS) + " |"
    rule = "|---|" + "---:|" * len(_COLUMNS)
    rows = [
        f"| {name} | " + " | ".join(_cell(getattr(m, key)) for key, _ in _COLUMNS) + " |" for name, m in metrics.items()
    ]
    return "\n".join([header, rule, *rows])


def breakdown_table(title: str, tables: dict[str, dict[str, tuple[int, float]]], order: list[str]) -> str:
    """One row per group (kind, language), one accuracy column per variant, with the number of questions."""
    groups = [g for g in order if any(g in t for t in tables.values())]
    groups += sorted({g for t in tables.values() for g in t} - set(groups))
    header = f"| {title} | questions | " + " | ".join(tables) + " |"
    rule = "|---|---:|" + "---:|" * len(tables)
    rows = []
    for group in groups:
        count = next(t[group][0] for t in tables.values() if group in t)
        cells = [_cell(t[group][1]) if group in t else "n/a" for t in tables.values()]
        rows.append(f"| {group} | {count} | " + " | ".join(cells) + " |")
    return "\n".join([header, rule, *rows])


def write_plot(metrics: dict[str, Metrics], per_kind: dict[str, dict[str, tuple[int, float]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(metrics)
    kinds = [k for k in ALL_KINDS if any(k in t for t in per_kind.values())]
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 4.5), gridspec_kw={"width_ratios": [3, 1]})
    width = 0.8 / max(len(names), 1)
    for i, name in enumerate(names):
        shares = [per_kind[name].get(k, (0, 0.0))[1] for k in kinds]
        left.bar([x + (i - (len(names) - 1) / 2) * width for x in range(len(kinds))], shares, width, label=name)
    left.set_xticks(range(len(kinds)), kinds, rotation=30, ha="right")
    left.set_ylim(0, 1)
    left.set_title("Accuracy per kind of question")
    left.legend(loc="upper right", fontsize="small")
    right.bar(names, [metrics[n].latency_p50 for n in names], label="p50")
    right.scatter(names, [metrics[n].latency_p95 for n in names], color="black", zorder=3, label="p95")
    right.set_title("Seconds per answer")
    right.tick_params(axis="x", rotation=30)
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


@contextmanager
def evaluation_service(settings: Settings, extra: list[Path]) -> Iterator[ChatService]:
    """The configured index; with `extra` folders, a temporary index of the corpus and those folders.

    Evaluation documents (fictional fixtures) never enter the index the app serves.
    """
    if not extra:
        yield build_service(settings)
        return
    with tempfile.TemporaryDirectory(prefix="partnerbot-eval-") as folder:
        temporary = settings.replace(data_dir=Path(folder), chroma_url=None)
        service = build_service(temporary)
        report = service.ingest([settings.store.corpus_dir, *extra])
        print(f"temporary index: {report.summary()}")
        yield service


class Evaluation:
    """The results of one run of a gold file, with the tables and the report made from them."""

    def __init__(self, golds: list[GoldQuestion], doc_languages: dict[str, str]):
        self.golds = golds
        self.doc_languages = doc_languages
        self.results: dict[str, list[dict[str, Any]]] = {}
        self.metrics: dict[str, Metrics] = {}

    def add(self, variant: str, results: list[dict[str, Any]]) -> None:
        self.results[variant] = results
        self.metrics[variant] = compute_metrics(self.golds, results)

    def per_kind(self) -> dict[str, dict[str, tuple[int, float]]]:
        return {name: breakdown(self.golds, rows, lambda g: [g.kind]) for name, rows in self.results.items()}

    def per_language(self) -> dict[str, dict[str, tuple[int, float]]]:
        groups = language_groups(self.doc_languages)
        return {name: breakdown(self.golds, rows, groups) for name, rows in self.results.items()}

    def tables(self) -> str:
        return "\n\n".join(
            [
                metrics_table(self.metrics),
                breakdown_table("kind", self.per_kind(), list(ALL_KINDS)),
                breakdown_table("language", self.per_language(), ["fr", "en", "en about fr", "fr about en"]),
            ]
        )

    def write_report(self, directory: Path, title: str) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        per_kind = self.per_kind()
        write_plot(self.metrics, per_kind, directory / "metrics.png")
        by_id = {g.id: g for g in self.golds}
        lines = [
            f"# partnerbot evaluation: {title}",
            "",
            f"{len(self.golds)} questions ({sum(g.answerable for g in self.golds)} answerable), "
            f"{time.strftime('%Y-%m-%d %H:%M')}.",
            "",
            self.tables(),
            "",
            "![accuracy per kind and latency per variant](metrics.png)",
            "",
        ]
        for name, rows in self.results.items():
            misses = [r for r in rows if not r["correct"]]
            lines += [f"## Misses of {name} ({len(misses)})", ""]
            for r in misses:
                lines.append(f"- `{r['id']}` ({r['kind']}, {r['lang']}) {r['question']}")
                lines.append(f"  - expected: {_wanted(by_id[r['id']])}")
                got = "abstained: " if r["abstained"] else ("partial: " if r.get("partial") else "")
                lines.append(f"  - got: {got}{' '.join(r['answer'].split())[:400]}")
            lines.append("")
        report = directory / "report.md"
        report.write_text("\n".join(lines), encoding="utf-8")
        return report


def _wanted(gold: GoldQuestion) -> str:
    if not gold.answerable:
        return "abstain"
    groups = " AND ".join("/".join(group.aliases()) for group in gold.expect)
    return groups + (" (and say what is missing)" if gold.partial else "")


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gold", type=Path, default=Path("eval/gold.jsonl"), help="gold file (JSON lines)")
    parser.add_argument(
        "--with",
        dest="extra",
        type=Path,
        action="append",
        default=[],
        metavar="FOLDER",
        help="also index these documents (e.g. eval/fixtures), with the corpus, in a temporary index",
    )
    parser.add_argument(
        "--lang-strict", action="store_true", help="an answer must state its facts in the question's language"
    )
    parser.add_argument("--results", type=Path, help="write one JSON line per question here")
    parser.add_argument("--report", type=Path, help="write report.md and metrics.png into this folder")
    parser.add_argument(
        "--compare", action="store_true", help="run every variant: " + ", ".join(VARIANTS) + " and the generators"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a JSON file with 'accuracy' and 'tolerance': exit 4 when the accuracy falls further below it",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def check_baseline(path: Path, accuracy: float, args: argparse.Namespace) -> str | None:
    """Why the accuracy is not acceptable against the baseline file, or None when it is.

    The file also says how its figure was measured (gold file, extra folders, language-strict scoring): a run
    measured otherwise is not compared with it.
    """
    baseline = json.loads(path.read_text(encoding="utf-8"))
    measured = {"gold": str(args.gold), "with": [str(p) for p in args.extra], "lang_strict": args.lang_strict}
    if differs := {k: v for k, v in measured.items() if k in baseline and baseline[k] != v}:
        return f"{path} was measured with {', '.join(f'{k}={baseline[k]!r}' for k in differs)}, not {differs}"
    floor = baseline["accuracy"] - baseline["tolerance"]
    if accuracy < floor - 1e-9:
        return (
            f"accuracy {accuracy:.3f} is more than {baseline['tolerance']:.3f} below the baseline "
            f"{baseline['accuracy']:.3f} of {path}"
        )
    return None


def run_from_args(args: argparse.Namespace, settings: Settings | None = None) -> int:
    try:
        return _run(args, settings or Settings())
    except (PartnerbotError, ValidationError) as exc:
        print(f"partnerbot eval: {exc}")
        return 1


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.baseline and args.compare:
        print("partnerbot eval: --baseline judges the configured bot alone; run it without --compare")
        return EXIT_USAGE
    try:
        golds = load_gold(args.gold)
    except GoldFileError as exc:
        print(f"partnerbot eval: {exc}")
        return EXIT_USAGE
    with evaluation_service(settings, args.extra) as service:
        if service.store.count() == 0:
            print("partnerbot eval: the index is empty; run `partnerbot ingest` first")
            return 1
        evaluation = Evaluation(golds, {d["doc_id"]: d["language"] for d in service.documents()})
        variants = compare_variants(settings) if args.compare else {"configured": {}}
        for name, overrides in variants.items():
            variant = service.variant(**overrides) if overrides else service
            evaluation.add(name, run_gold(variant, golds, name, not args.quiet, args.lang_strict))
    print(evaluation.tables())
    if args.results:
        args.results.parent.mkdir(parents=True, exist_ok=True)
        with args.results.open("w", encoding="utf-8") as out:
            for name, rows in evaluation.results.items():
                for row in rows:
                    out.write(json.dumps({"variant": name, **row}, ensure_ascii=False) + "\n")
    if args.report:
        title = args.gold.name + (" (language-strict)" if args.lang_strict else "")
        print(f"report: {evaluation.write_report(args.report, title)}")
    if args.baseline and (problem := check_baseline(args.baseline, evaluation.metrics["configured"].accuracy, args)):
        print(f"partnerbot eval: {problem}")
        return EXIT_BELOW_BASELINE
    return 0
