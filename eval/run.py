"""Run a gold file through the bot (one or several variants), print the metrics, write results and a report."""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from tqdm import tqdm

from core.errors import PartnerbotError, QuestionError
from core.settings import Settings
from core.text import fold
from eval.gold import GoldFileError, GoldQuestion, read_gold
from eval.report import Evaluation, read_results
from eval.score import is_correct
from eval.template import write_template

if TYPE_CHECKING:  # the service (models, store, bot) loads when an evaluation runs: `partnerbot serve` starts faster
    from service import ChatService

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


def run_gold(
    service: ChatService, golds: list[GoldQuestion], label: str = "", progress: bool = True, lang_strict: bool = False
) -> list[dict[str, Any]]:
    """Ask every question (on its `today`, when it has one) and score the answer; a bar shows the running accuracy."""
    # The bot as on a question's day; one day kept at a time, since a variant has its own sentence cache and, with
    # a local generator, its own model (questions of one day are usually together).
    on_day = functools.lru_cache(maxsize=1)(lambda day: service.variant(today=day))

    def asked_on(day: date | None) -> ChatService:
        return service if day is None or day == service.settings.answer.today else on_day(day)

    results: list[dict[str, Any]] = []
    bar = tqdm(golds, desc=label or "questions", unit="q", disable=not progress)
    for gold in bar:
        # The CPU time beside the wall time: on a shared machine the wall time is also the other processes'.
        started, cpu = time.perf_counter(), time.process_time()
        try:
            answer = asked_on(gold.today).ask(gold.question, [turn.model_dump() for turn in gold.history])
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
                "cpu_s": round(time.process_time() - cpu, 4),
                "correct": is_correct(gold, text, abstained, partial, lang_strict),
                "lang_strict": lang_strict,
                **({"error": error} if error else {}),
            }
        )
        bar.set_postfix(accuracy=f"{sum(r['correct'] for r in results) / len(results):.2f}", refresh=False)
    return results


@contextmanager
def evaluation_service(settings: Settings, extra: list[Path]) -> Iterator[ChatService]:
    """The configured index; with `extra` folders, a temporary index of the corpus and those folders.

    Evaluation documents (fictional fixtures) never enter the index the app serves.
    """
    from service import build_service

    if not extra:
        yield build_service(settings)
        return
    with tempfile.TemporaryDirectory(prefix="partnerbot-eval-") as folder:
        temporary = settings.replace(data_dir=Path(folder), chroma_url=None)
        service = build_service(temporary)
        report = service.ingest([settings.store.corpus_dir, *extra])
        print(f"temporary index: {report.summary()}")
        yield service


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a number of questions, 1 or more, not {text!r}")
    return int(text)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gold",
        type=Path,
        default=Path("eval/gold.jsonl"),
        help="questions and expected answers: .jsonl, .csv or .xlsx (see --template)",
    )
    parser.add_argument(
        "--template", type=Path, metavar="FILE", help="write a starter gold file (.jsonl, .csv or .xlsx) and stop"
    )
    parser.add_argument("--strict", action="store_true", help="run nothing when a line of the gold file cannot be read")
    parser.add_argument("--kinds", help="only the questions of these kinds (comma-separated labels)")
    parser.add_argument("--limit", type=positive, metavar="N", help="only the first N questions (after --kinds)")
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
    parser.add_argument(
        "--report", type=Path, metavar="DIR", help="write report.html (one page to share) and results.csv here"
    )
    parser.add_argument(
        "--compare-with",
        type=Path,
        metavar="OLD_RESULTS",
        help="an earlier run's results.csv (or --results file): say which questions got better or worse",
    )
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


def select(golds: list[GoldQuestion], kinds: str | None, limit: int | None) -> list[GoldQuestion]:
    """The questions of the kinds named (labels compared without case or accents), then the first `limit`."""
    if kinds:
        wanted = {fold(k).strip() for k in kinds.split(",") if k.strip()}
        found = {fold(g.label): g.label for g in golds}
        if missing := sorted(wanted - set(found)):
            labels = ", ".join(sorted(set(found.values())))
            raise GoldFileError(f"no question of kind {', '.join(missing)} (kinds in the file: {labels})")
        golds = [g for g in golds if fold(g.label) in wanted]
    return golds[:limit] if limit else golds


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.template:
        try:
            print(f"template: {write_template(args.template)}")
        except GoldFileError as exc:
            print(f"partnerbot eval: {exc}")
            return EXIT_USAGE
        return 0
    if args.baseline and (args.compare or args.kinds or args.limit):
        print("partnerbot eval: --baseline judges the configured bot on the whole file: no --compare, --kinds, --limit")
        return EXIT_USAGE
    try:
        gold = read_gold(args.gold)
        for note in gold.notes:
            print(note)
        if gold.problems:
            then = "nothing was run (--strict)" if args.strict else "the other questions run"
            print(f"{len(gold.problems)} of the questions of {args.gold} cannot be used; {then}:")
            print("\n".join(f"  {problem}" for problem in gold.problems))
            if args.strict:
                return EXIT_USAGE
        if not gold.questions:
            raise GoldFileError(f"{args.gold}: no question to run")
        golds = select(gold.questions, args.kinds, args.limit)
        earlier = read_results(args.compare_with) if args.compare_with else []  # a wrong path fails before the run
    except GoldFileError as exc:
        print(f"partnerbot eval: {exc}")
        return EXIT_USAGE
    with evaluation_service(settings, args.extra) as service:
        if service.store.count() == 0:
            print("partnerbot eval: the index is empty; run `partnerbot ingest` first")
            return 1
        evaluation = Evaluation(golds, {d["doc_id"]: d["language"] for d in service.documents()})
        evaluation.skipped = gold.problems
        variants = compare_variants(settings) if args.compare else {"configured": {}}
        for name, overrides in variants.items():
            variant = service.variant(**overrides) if overrides else service
            evaluation.add(name, run_gold(variant, golds, name, not args.quiet, args.lang_strict))
    print(evaluation.tables())
    if args.compare_with:
        comparisons = evaluation.compare_with(earlier, args.compare_with)
        print("\n".join(c.summary() for c in comparisons) or f"{args.compare_with}: no variant of this run in it")
    if args.results:
        args.results.parent.mkdir(parents=True, exist_ok=True)
        with args.results.open("w", encoding="utf-8") as out:
            for name, rows in evaluation.results.items():
                for row in rows:
                    out.write(json.dumps({"variant": name, **row}, ensure_ascii=False) + "\n")
    if args.report:
        details = ["language-strict"] if args.lang_strict else []
        if args.kinds:
            details.append(f"kinds {args.kinds}")
        if args.limit:
            details.append(f"the first {args.limit}")
        title = args.gold.name + (f" ({', '.join(details)})" if details else "")
        report, results = evaluation.write_report(args.report, title)
        print(f"report: {report}\nresults: {results}")
    if args.baseline and (problem := check_baseline(args.baseline, evaluation.metrics["configured"].accuracy, args)):
        print(f"partnerbot eval: {problem}")
        return EXIT_BELOW_BASELINE
    return 0
