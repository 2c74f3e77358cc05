"""Run a gold file through the bot (one or several variants), print the metrics, write results and a report."""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import time
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval.gold import GoldFileError, GoldQuestion, load_gold
from eval.score import Metrics, compute_metrics, is_correct
from ingest.settings import Settings

# The variants `--compare` runs, as setting overrides: retrieval variants with the extractive composer, then
# each model generator that is installed (local) or configured (openai, when PARTNERBOT_GENERATOR=openai).
VARIANTS: dict[str, dict[str, Any]] = {
    "dense": {"retrieval_mode": "dense", "reranker": "none", "generator": "extractive"},
    "bm25": {"retrieval_mode": "lexical", "reranker": "none", "generator": "extractive"},
    "hybrid": {"retrieval_mode": "hybrid", "reranker": "none", "generator": "extractive"},
    "hybrid+rerank": {"retrieval_mode": "hybrid", "reranker": "sentences", "generator": "extractive"},
}


def compare_variants(settings: Settings) -> dict[str, dict[str, Any]]:
    variants = dict(VARIANTS)
    if importlib.util.find_spec("llama_cpp"):
        variants["hybrid+rerank+local"] = {"retrieval_mode": "hybrid", "reranker": "sentences", "generator": "local"}
    if settings.generator == "openai":
        variants["hybrid+rerank+openai"] = {"retrieval_mode": "hybrid", "reranker": "sentences"}
    return variants


_COLUMNS = [
    ("accuracy", "accuracy"),
    ("answer_accuracy", "answer acc."),
    ("abstention_accuracy", "abstention acc."),
    ("false_abstention_rate", "false abst."),
    ("recall_at_k", "recall@k"),
    ("mrr", "MRR"),
    ("citation_precision", "citation prec."),
    ("latency_p50", "p50 s"),
    ("latency_p95", "p95 s"),
]


def run_gold(bot: Any, golds: list[GoldQuestion], label: str = "", progress: bool = True) -> list[dict[str, Any]]:
    from bot import QuestionError

    results = []
    for gold in tqdm(golds, desc=label or "questions", unit="q", disable=not progress):
        started = time.perf_counter()
        try:
            answer = bot.ask(gold.question, [turn.model_dump() for turn in gold.history])
            text, abstained = answer.answer, answer.abstained
            citations = [c.model_dump() for c in answer.citations]
            retrieved, error = answer.retrieved, None
        except QuestionError as exc:
            text, abstained, citations, retrieved, error = str(exc), True, [], [], str(exc)
        results.append(
            {
                "id": gold.id,
                "question": gold.question,
                "answer": text,
                "abstained": abstained,
                "citations": citations,
                "retrieved": retrieved,
                "latency_s": round(time.perf_counter() - started, 4),
                "correct": is_correct(gold, text, abstained),
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


def write_plot(metrics: dict[str, Metrics], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(metrics)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    width = 0.27
    for offset, (key, title) in zip(
        (-width, 0, width),
        [("accuracy", "overall"), ("answer_accuracy", "answerable"), ("abstention_accuracy", "abstention")],
        strict=True,
    ):
        left.bar([i + offset for i in range(len(names))], [getattr(metrics[n], key) for n in names], width, label=title)
    left.set_xticks(range(len(names)), names)
    left.set_ylim(0, 1)
    left.set_title("Accuracy per variant")
    left.legend(loc="lower right")
    right.bar(names, [metrics[n].latency_p50 for n in names], label="p50")
    right.scatter(names, [metrics[n].latency_p95 for n in names], color="black", zorder=3, label="p95")
    right.set_title("Seconds per answer")
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(
    directory: Path, metrics: dict[str, Metrics], golds: list[GoldQuestion], results: dict[str, list[dict]]
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    write_plot(metrics, directory / "metrics.png")
    by_id = {g.id: g for g in golds}
    lines = [
        "# partnerbot evaluation",
        "",
        f"{len(golds)} questions ({sum(g.answerable for g in golds)} answerable), {time.strftime('%Y-%m-%d %H:%M')}.",
        "",
        metrics_table(metrics),
        "",
        "![accuracy and latency per variant](metrics.png)",
        "",
    ]
    for name, rows in results.items():
        misses = [r for r in rows if not r["correct"]]
        lines += [f"## Misses of {name} ({len(misses)})", ""]
        for r in misses:
            gold = by_id[r["id"]]
            wanted = "abstain" if not gold.answerable else " AND ".join("/".join(g) for g in gold.expect)
            got = "abstained" if r["abstained"] else r["answer"].replace("\n", " ")[:200]
            lines.append(f"- `{r['id']}` {r['question']} — expected: {wanted}; got: {got}")
        lines.append("")
    report = directory / "report.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    return report


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gold", type=Path, default=Path("eval/gold.jsonl"), help="gold file (JSON lines)")
    parser.add_argument("--results", type=Path, help="write one JSON line per question here")
    parser.add_argument("--report", type=Path, help="write report.md and metrics.png into this folder")
    parser.add_argument(
        "--compare", action="store_true", help="run every variant: " + ", ".join(VARIANTS) + " and the generators"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def run_from_args(args: argparse.Namespace, settings: Settings) -> int:
    from bot import Bot
    from ingest.store import Index

    try:
        golds = load_gold(args.gold)
    except GoldFileError as exc:
        print(f"partnerbot eval: {exc}")
        return 2
    index = Index(settings)
    if index.count() == 0:
        print("partnerbot eval: the index is empty; run `partnerbot ingest` first")
        return 1
    variants = compare_variants(settings) if args.compare else {"configured": {}}
    results: dict[str, list[dict]] = {}
    metrics: dict[str, Metrics] = {}
    for name, overrides in variants.items():
        bot = Bot(settings.model_copy(update=overrides), index=index)
        results[name] = run_gold(bot, golds, label=name, progress=not args.quiet)
        metrics[name] = compute_metrics(golds, results[name])
    print(metrics_table(metrics))
    if args.results:
        args.results.parent.mkdir(parents=True, exist_ok=True)
        with args.results.open("w", encoding="utf-8") as out:
            for name, rows in results.items():
                for row in rows:
                    out.write(json.dumps({"variant": name, **row}, ensure_ascii=False) + "\n")
    if args.report:
        print(f"report: {write_report(args.report, metrics, golds, results)}")
    return 0
