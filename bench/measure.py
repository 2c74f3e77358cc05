"""The measurements of the benchmark, each run in a child process so that its memory is its own.

`python -m bench.measure ingest|scale ...` prints one JSON object; `bench/__main__.py` drives them.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.synthetic import add_filler, pool_texts
from core.settings import Settings
from core.text import content_words, stems
from eval.gold import load_gold
from eval.run import run_gold
from eval.score import compute_metrics, percentile
from models.embeddings import CountingEmbedder, Embedder, embedder_for, load_embedder
from models.nlp import warm_up
from service import build_service

if TYPE_CHECKING:
    from bench.realistic import Asked
    from service.chat import ChatService

ROOT = Path(__file__).resolve().parents[1]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_ingest(documents: int, runs: int) -> dict:
    """Pipeline time vs raw encode of the same passages with the same model and batches; then a re-ingest."""
    folder = Path(tempfile.mkdtemp(prefix="bench-docs-"))
    paragraphs = pool_texts(documents * 8, seed=1)
    for n in range(documents):
        text = "\n\n".join(paragraphs[n * 8 : (n + 1) * 8])
        (folder / f"doc-{n:04d}.txt").write_text(f"Document {n}\n\n{text}", encoding="utf-8")
    base = Settings()
    embedder = embedder_for(base.store)
    embedder.embed_query("warm up")  # the model load is a cold-start cost, measured on its own
    started = time.perf_counter()
    warm_up({"fr", "en"}).join()  # so is loading the language pipelines of the facts extraction
    language_load = time.perf_counter() - started
    pipeline, raw, again, chunks, facts = [], [], [], 0, 0
    for run in range(runs):
        data = Path(tempfile.mkdtemp(prefix="bench-data-"))
        settings = base.replace(data_dir=data, collection=f"bench-ingest-{run}")
        service = build_service(settings, embedder=embedder, reset=True)
        started = time.perf_counter()
        report = service.ingest([folder])
        pipeline.append(time.perf_counter() - started)
        facts = report.facts
        texts = [c.text for c in service.store.chunks()]
        chunks = len(texts)
        batch = settings.store.embedding_batch_size * 4  # the pipeline's embedding batch
        started = time.perf_counter()
        for start in range(0, len(texts), batch):
            embedder.embed_documents(texts[start : start + batch])
        raw.append(time.perf_counter() - started)
        started = time.perf_counter()
        assert service.ingest([folder]).added == 0
        again.append(time.perf_counter() - started)
        assert report.added == chunks
        shutil.rmtree(data)
    shutil.rmtree(folder)
    return {
        "documents": documents,
        "chunks": chunks,
        "pipeline_s": statistics.median(pipeline),
        "raw_encode_s": statistics.median(raw),
        "ratio_to_raw": statistics.median(pipeline) / statistics.median(raw),
        "chunks_per_s": chunks / statistics.median(pipeline),
        "reingest_s": statistics.median(again),
        "reingest_share": statistics.median(again) / statistics.median(pipeline),
        "facts": facts,
        "language_pipelines_load_s": language_load,
        "peak_rss_mb": peak_rss_mb(),
    }


def measure_facts(count: int, runs: int) -> dict:
    """Lookups in `count` facts: the fixtures' real facts, copied under other names until there are that many."""
    import random

    from eval.facts import extract_folder
    from store.fact_records import FACT
    from store.facts import FactIndex

    real = extract_folder(ROOT / "eval" / "fixtures")
    rng = random.Random(0)
    facts = []
    while len(facts) < count:
        n = len(facts)
        fact = dict(rng.choice(real))
        fact["doc_id"] = f"copy-{n // 50}.md"
        if fact["type"] == "person":
            fact["name"] = f"{fact['name']} {chr(65 + n % 26)}{chr(65 + n // 26 % 26)}{n}"
        facts.append(FACT.validate_python(fact))
    started = time.perf_counter()
    index = FactIndex(facts)
    build = time.perf_counter() - started
    lookups = {
        "person by name": lambda: index.find_people("Priya Nair"),
        "person by typo": lambda: index.find_people("Priya Nairr"),
        "people by role": lambda: index.people_with_role("director of international relations"),
        "events by participant": lambda: index.find_events(participant="Priya Nair"),
        "events by month": lambda: index.find_events(start=date(2025, 6, 1), end=date(2025, 6, 30)),
        "names in a question": lambda: index.people_in("Was Priya Nair at the steering committee in June?"),
    }
    medians = {}
    for name, lookup in lookups.items():
        times = []
        for _ in range(max(runs, 1) * 20):
            t = time.perf_counter()
            lookup()
            times.append(time.perf_counter() - t)
        medians[name] = 1000 * statistics.median(times)
    return {"facts": len(index), "build_s": build, "lookup_median_ms": medians}


def measure_scale(size: int, runs: int, data_dir: Path) -> dict:
    """Retrieval and answer latency, accuracy on the gold set, and memory, with `size` passages indexed."""
    settings = Settings(data_dir=data_dir, collection=f"bench{size}")
    embedder = CountingEmbedder(embedder_for(settings.store))
    service = build_service(settings, embedder=embedder)
    if service.store.count() != size:
        service = build_service(settings, embedder=embedder, reset=True)
        service.ingest([ROOT / "corpus"])
        add_filler(service.store, embedder, size - service.store.count())
    golds = load_gold(ROOT / "eval" / "gold.jsonl")
    startup = []
    for _ in range(2):
        if not startup:  # the first start builds the BM25 index and saves it; the restart loads it
            shutil.rmtree(settings.store.lexical_dir, ignore_errors=True)
        started = time.perf_counter()
        service = build_service(settings, embedder=embedder)
        service.store.lexical()
        startup.append(time.perf_counter() - started)
    plain = service.bot.retriever.model_copy(update={"reranker": None})
    # Spelling corrections are cached per word: each run starts without them, like a stream of new questions.
    forget_spellings = service.store.lexical().correct.cache_clear
    retrieval, results = [], []
    for _ in range(runs):
        forget_spellings()
        for gold in golds:
            t = time.perf_counter()
            plain.invoke(gold.question)
            retrieval.append(time.perf_counter() - t)
    # The first run meets every passage for the first time (no sentence vectors, no spelling corrections): cold.
    service.bot.scorer.clear()
    # The embedder's work in each run: unlike the latencies, it does not vary with the shared machine's load.
    work = []
    for _ in range(runs):
        forget_spellings()
        before = embedder.counts()
        results += run_gold(service, golds, progress=False)
        work.append({k: v - before[k] for k, v in embedder.counts().items()})
    cold, warm = results[: len(golds)], results[len(golds) :] or results
    warm_work = work[1:] or work

    def ms(rows: list[dict], key: str, p: int) -> float:
        return 1000 * percentile([row[key] for row in rows], p)

    # Does the approximate (HNSW) search still find the real passages among the synthetic ones?
    sourced = [g for g in golds if g.sources and not g.history]
    dense_recall = statistics.fmean(
        any(
            c.metadata["doc_id"] in g.sources
            for c, _ in service.store.dense_search(g.question, settings.retrieval.dense_k)
        )
        for g in sourced
    )
    metrics = compute_metrics(golds, cold)
    return {
        "size": service.store.count(),
        "bot_startup_s": startup[0],
        "bot_restart_s": startup[1],
        "dense_recall": dense_recall,
        "retrieval_p50_ms": 1000 * percentile(retrieval, 50),
        "retrieval_p95_ms": 1000 * percentile(retrieval, 95),
        "answer_p50_ms": ms(warm, "latency_s", 50),
        "answer_p95_ms": ms(warm, "latency_s", 95),
        "answer_cold_p50_ms": ms(cold, "latency_s", 50),
        "answer_cold_p95_ms": ms(cold, "latency_s", 95),
        # This process's CPU time an answer: the latencies are also the other processes' on a shared machine.
        "answer_cpu_p50_ms": ms(warm, "cpu_s", 50),
        "answer_cpu_p95_ms": ms(warm, "cpu_s", 95),
        "answer_cold_cpu_p50_ms": ms(cold, "cpu_s", 50),
        "answer_cold_cpu_p95_ms": ms(cold, "cpu_s", 95),
        # Per question, averaged over the cold run and over the warm runs.
        **{f"cold_{k}_per_question": v / len(golds) for k, v in work[0].items()},
        **{f"warm_{k}_per_question": statistics.fmean(w[k] for w in warm_work) / len(golds) for k in work[0]},
        "accuracy": metrics.accuracy,
        "answer_accuracy": metrics.answer_accuracy,
        "abstention_accuracy": metrics.abstention_recall,
        "peak_rss_mb": peak_rss_mb(),
    }


def _warmed(count: int, embedder: Embedder | None = None) -> tuple[ChatService, list[Asked]]:
    """A service built from the settings (the index they name) and warmed, and the load rows' first `count`
    questions with the turns they follow."""
    from bench.realistic import questions

    service = build_service(Settings(), embedder=embedder)
    service.warm_up()
    return service, questions(count)


def measure_inprocess(count: int) -> dict:
    """The load rows' questions answered one at a time by one thread of this process, on the index the settings name
    (the bench's realistic one): the rate the app's answers per second are compared with, the cores it kept busy
    (the embedding engine's own threads, unless `PARTNERBOT_MODEL_THREADS` is 1) and the share of its CPU that was
    the embedding engine's."""
    embedder = CountingEmbedder(embedder_for(Settings().store))
    service, asked = _warmed(count, embedder)
    latencies = []
    engine, cpu, started = embedder.cpu_s, time.process_time(), time.perf_counter()
    for question, history in asked:
        t = time.perf_counter()
        service.ask(question, history)
        latencies.append(time.perf_counter() - t)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "questions": len(asked),
        "p50_s": percentile(latencies, 50),
        "p95_s": percentile(latencies, 95),
        "max_s": max(latencies),
        "answers_per_s": len(asked) / wall,
        "cpu": cpu / wall,  # cores this process kept busy, on average
        "engine_share": (embedder.cpu_s - engine) / cpu,
        "model_threads": service.settings.store.model_threads,
    }


# Seconds a scaling worker waits at most for the others to have loaded the engine before they all start together.
SCALING_BARRIER_SECONDS = 120
# Passes of the Python work over the questions: a few seconds, as long as the engine's one pass, on a slow machine.
SCALING_PYTHON_PASSES = 2000


def _scaling_work(kind: str, texts: list[str], barrier: Any, times: Any) -> None:
    """One process's share of `measure_scaling`: the same work as the others, started with them, timed."""
    embedder = None
    if kind == "engine":
        embedder = load_embedder(Settings().store.embedding_model, threads=1)
        embedder.embed_query("warm up")  # loaded before the clock starts
    barrier.wait(SCALING_BARRIER_SECONDS)
    started = time.perf_counter()
    if embedder is not None:
        for text in texts:
            embedder.embed_query(text)
    else:
        for _ in range(SCALING_PYTHON_PASSES):
            for text in texts:
                stems(text)
                content_words(text)
    times.put(time.perf_counter() - started)


def measure_scaling(processes: int, count: int, rounds: int = 2) -> dict:
    """How much faster `processes` processes get through the same work at once than one alone (`processes` is
    perfect): the embedding engine (one thread each, embedding the load rows' questions one at a time) and plain
    Python (the bot's own text functions on them). The app's answers per second, over the in-process one-thread
    rate, reach about what the machine's cores give these two, each weighed by its share of an answer (issue 25)."""
    import multiprocessing

    from bench.realistic import questions

    texts = [question for question, _ in questions(count)]
    context = multiprocessing.get_context("spawn")
    result: dict = {"processes": processes}
    for kind in ("engine", "python"):
        seconds: dict[int, list[float]] = {1: [], processes: []}
        for _ in range(rounds):
            for n in (1, processes):
                barrier, times = context.Barrier(n), context.Queue()
                workers = [context.Process(target=_scaling_work, args=(kind, texts, barrier, times)) for _ in range(n)]
                for worker in workers:
                    worker.start()
                seconds[n] += [times.get(timeout=SCALING_BARRIER_SECONDS * 2) for _ in workers]
                for worker in workers:
                    worker.join()
        # The same work in each process: n processes at once do n times the work of one in the time they take.
        result[f"{kind}_speedup"] = processes * statistics.median(seconds[1]) / statistics.median(seconds[processes])
        result[f"{kind}_alone_s"] = statistics.median(seconds[1])
    return result


def measure_cpu(count: int) -> dict:
    """CPU seconds an answer (all of this process's threads) of the load rows' questions, on the index the settings
    name, in a service set up as one of `partnerbot serve`'s answer processes and warmed: what caps the answers a
    second of a machine's cores (issue 25). The first pass asks questions the service has not seen; the second asks
    them again, and is flattered by every cache keyed on a question's text."""
    service, asked = _warmed(count)
    result: dict = {"questions": len(asked), "model_threads": service.settings.store.model_threads}
    for name in ("first_pass", "second_pass"):
        started = time.process_time()
        for question, history in asked:
            service.ask(question, history)
        result[f"{name}_cpu_s_per_answer"] = (time.process_time() - started) / len(asked)
    return result


def measure_ocr(pages: int, runs: int) -> dict:
    """Pages a second that OCR reads on this machine, on a scan the bench makes of known French and English text
    (noised and slightly skewed), with the share of its words read back."""
    from bench.scans import save_scan, scan, typed_pdf, words_recognised
    from ingest.loaders import LoadOptions, load_file

    texts = [(pool_texts(2, seed=n)[0][:900]) for n in range(pages)]
    folder = Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    path = save_scan(scan(typed_pdf(texts), noise=0.005, skew=1.0), folder / "scan.pdf")
    options = LoadOptions.from_settings(Settings().store)
    seconds, recognised = [], 0.0
    for _ in range(runs):
        started = time.perf_counter()
        loaded = load_file(path, options)
        seconds.append(time.perf_counter() - started)
        recognised = words_recognised("\n\n".join(texts), loaded.text)
    shutil.rmtree(folder)
    return {
        "pages": pages,
        "seconds_median": statistics.median(seconds),
        "pages_per_s": pages / statistics.median(seconds),
        "words_recognised": recognised,
        "dpi": options.ocr_dpi,
    }


def measure_translate(count: int) -> dict:
    """Seconds a sentence for the packaged translator on two cores, and how many of the sentences pass the checks,
    on sentences of the fixture documents (French to English and back)."""
    from core.text import guess_language
    from eval.translations import fixture_sentences
    from ingest.translation import translate_sentence
    from models.chat import build_translator

    chosen = sorted(fixture_sentences(ROOT / "eval" / "fixtures"), key=len)[-count:]  # the longest: the real cost
    model = build_translator(Settings(data_dir=Path(tempfile.mkdtemp(prefix="bench-tr-")), translator="local"))
    model("Translate into English: bonjour.")  # loading the model is a cold-start cost, measured apart
    results = []
    for sentence in chosen:
        source = guess_language(sentence)
        results.append(translate_sentence(sentence, source, "en" if source == "fr" else "fr", model, []))
    seconds = [r.seconds for r in results]
    return {
        "sentences": len(results),
        "seconds_median": statistics.median(seconds),
        "first_try": sum(1 for r in results if r.text and r.tries == 1),
        "after_retry": sum(1 for r in results if r.text and r.tries == 2),
        "never": sum(1 for r in results if r.text is None),
    }


def measure_upload(megabytes: float, questions: int, data_dir: Path, wait: float) -> dict:
    """Answer latency (p50, p95) idle, then while an upload of `megabytes` of fictional text is being indexed: by the
    app's low-priority worker process (what the app does), and by a thread of the app's process (what it did before).
    The questions are answered in two windows of each upload: while its file is read (parsing, chunking, numbers),
    which starts at once, and while its passages are embedded, which a 20 MB file reaches after a minute or more of
    reading (at most `wait` seconds are waited for it; a low-priority worker on a busy machine may get no CPU). Each
    upload is cancelled once the questions are answered: the figures are the answers' latency, not the upload's."""
    import contextlib
    import threading

    from bench.synthetic import fictional_report
    from ingest.worker import IngestCancelled

    settings = Settings(data_dir=data_dir, collection="bench-upload")
    service = build_service(settings, reset=True)
    service.ingest([ROOT / "corpus"])
    service.warm_up()
    gold = [g.question for g in load_gold(ROOT / "eval" / "gold.jsonl") if not g.history]
    # A paragraph of the report is about 720 bytes; the file stays under the upload limit, which would refuse it.
    limit = settings.store.max_file_mb * 1_000_000
    paragraphs = max(1, int(min(megabytes * 1_000_000, 0.97 * limit) / 720))
    upload = Path(tempfile.mkdtemp(prefix="bench-upload-")) / "comptes-rendus.txt"
    upload.write_text(fictional_report(paragraphs, seed=11), encoding="utf-8")
    assert upload.stat().st_size < limit, "the bench's upload would be refused"

    def answer_times() -> list[float]:
        times = []
        for n in range(questions):
            started = time.perf_counter()
            service.ask(gold[n % len(gold)])
            times.append(time.perf_counter() - started)
        return times

    def row(times: list[float]) -> dict:
        return {"p50_s": percentile(times, 50), "p95_s": percentile(times, 95), "max_s": max(times)}

    def windows(stage: Callable[[], tuple[str, int]]) -> dict:
        """The answers while the file is read, then while its passages are embedded (when reached in time)."""
        started = time.monotonic()
        result: dict = {"reading": row(answer_times()) | {"stage_after": stage()[0]}}
        deadline = started + wait
        while stage()[0] != "embedding" and time.monotonic() < deadline:
            time.sleep(0.05)
        if stage()[0] != "embedding":
            return result | {"embedding": None, "seconds_to_embedding": None}
        reached = time.monotonic() - started
        before = stage()[1]
        times = answer_times()
        return result | {
            "embedding": row(times) | {"passages_indexed": stage()[1] - before},
            "seconds_to_embedding": reached,
        }

    answer_times()  # the sentence vectors of the gold passages are computed once, as in a running app
    idle = answer_times()

    job = service.start_upload([(upload, upload.name)], owner="bench")
    worker = windows(lambda: (job.stage, job.done))
    service.cancel_upload("bench")
    job.finished.wait()

    progress = {"stage": "", "done": 0, "stop": False}

    def follow(stage: str, done: int, total: int) -> None:
        if progress["stop"]:
            raise IngestCancelled
        progress.update(stage=stage, done=done)

    def index_in_thread() -> None:
        with contextlib.suppress(IngestCancelled):
            service.ingest([upload.parent], on_progress=follow)

    thread = threading.Thread(target=index_in_thread, daemon=True)
    thread.start()
    in_thread = windows(lambda: (str(progress["stage"]), int(progress["done"])))
    progress["stop"] = True
    thread.join()
    size = upload.stat().st_size / 1e6
    shutil.rmtree(upload.parent)
    return {
        "upload_mb": size,
        "questions": questions,
        "wait_s": wait,
        "idle": row(idle),
        "worker": worker | {"nice": settings.store.upload_nice},
        "thread": in_thread,
    }


def _mission_names(count: int, seed: int) -> list[str]:
    """`count` distinct invented place-like names (syllables drawn at random): row labels no other row shares."""
    import random

    rng = random.Random(seed)
    syllables = "ka lo ve ri sa mo tu ne da pi go ra lu be fe zo mi ta no ve".split()
    names: set[str] = set()
    while len(names) < count:
        names.add("".join(rng.choice(syllables) for _ in range(rng.randint(3, 4))).capitalize())
    return sorted(names)


def measure_tables(rows: int, questions: int, data_dir: Path) -> dict:
    """A generated workbook of `rows` fictional mission costs: its ingest time, then answer latency (p50, p95) of
    cell, sum and extreme questions on it, cold (each question's first asking, in a fresh service) and warm (asked
    again)."""
    import openpyxl

    names = _mission_names(rows, seed=7)
    folder = Path(tempfile.mkdtemp(prefix="bench-tables-"))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Missions"
    sheet.append(["Mission costs 2030 (a fictional workbook generated by the bench)"])
    sheet.append(["Mission", "Category", "Cost (€)"])
    categories = ("travel", "housing", "meals", "fees")
    for n, name in enumerate(names):
        sheet.append([name, categories[n % len(categories)], 100 + (n * 37) % 4900])
    book.save(folder / "mission-costs-2030.xlsx")
    # The bench's own sheet is longer than the default bound on kept rows (a participants list is far shorter).
    settings = Settings(data_dir=data_dir, collection="bench-tables").replace(max_sheet_rows=rows + 10)
    service = build_service(settings, reset=True)
    started = time.perf_counter()
    report = service.ingest([folder])
    ingest_s = time.perf_counter() - started
    shutil.rmtree(folder)
    service = build_service(settings)  # a fresh process's view: the tables are read from the index
    service.warm_up()
    picks = [names[(n * 7919) % rows] for n in range(questions)]
    asked = {
        "cell": [f"How much did the {name} mission cost?" for name in picks],
        "sum": ["What is the total cost of the missions?", "Quel est le coût total des missions ?"],
        "extreme": ["Which mission cost the most?", "Quelle mission a coûté le moins ?"],
    }
    cold: dict[str, list[float]] = {kind: [] for kind in asked}
    warm: dict[str, list[float]] = {kind: [] for kind in asked}
    answered: dict[str, int] = dict.fromkeys(asked, 0)
    started = time.perf_counter()
    service.ask(f"How much did the {names[-1]} mission cost?")  # tables read from the index: once per start
    first_s = time.perf_counter() - started
    for times in (cold, warm):
        for kind, texts in asked.items():
            for text in texts:
                t = time.perf_counter()
                answer = service.ask(text)
                times[kind].append(time.perf_counter() - t)
                if times is cold and not answer.abstained and answer.generator == "reader":
                    answered[kind] += 1
    every_cold = [t for times in cold.values() for t in times]
    every_warm = [t for times in warm.values() for t in times]
    return {
        "rows": rows,
        "passages": report.added,
        "ingest_s": ingest_s,
        "first_question_s": first_s,
        "kinds": {
            kind: {
                "questions": len(asked[kind]),
                "answered": answered[kind],
                "cold_p50_ms": 1000 * percentile(cold[kind], 50),
                "cold_p95_ms": 1000 * percentile(cold[kind], 95),
                "warm_p50_ms": 1000 * percentile(warm[kind], 50),
                "warm_p95_ms": 1000 * percentile(warm[kind], 95),
            }
            for kind in asked
        },
        "cold_p50_ms": 1000 * percentile(every_cold, 50),
        "cold_p95_ms": 1000 * percentile(every_cold, 95),
        "warm_p50_ms": 1000 * percentile(every_warm, 50),
        "warm_p95_ms": 1000 * percentile(every_warm, 95),
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.measure")
    parser.add_argument(
        "what",
        choices=["ingest", "scale", "facts", "ocr", "translate", "upload", "inprocess", "cpu", "scaling", "tables"],
    )
    parser.add_argument("--megabytes", type=float, default=20.0, help="size of the upload of `upload`")
    parser.add_argument(
        "--questions",
        type=int,
        default=30,
        help="questions of `upload` (idle and during each upload), of `inprocess` and of `cpu`",
    )
    parser.add_argument("--wait", type=float, default=600, help="seconds `upload` waits for the upload's embedding")
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--facts", type=int, default=10_000)
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the workbook of `tables`")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2, help="processes at once of `scaling`")
    parser.add_argument("--data-dir", type=Path, default=Path(".partnerbot-bench"))
    args = parser.parse_args()
    if args.what == "ingest":
        result = measure_ingest(args.documents, args.runs)
    elif args.what == "facts":
        result = measure_facts(args.facts, args.runs)
    elif args.what == "ocr":
        result = measure_ocr(args.pages, args.runs)
    elif args.what == "translate":
        result = measure_translate(args.pages)
    elif args.what == "inprocess":
        result = measure_inprocess(args.questions)
    elif args.what == "cpu":
        result = measure_cpu(args.questions)
    elif args.what == "scaling":
        result = measure_scaling(args.processes, args.questions)
    elif args.what == "tables":
        result = measure_tables(args.rows, args.questions, args.data_dir)
    elif args.what == "upload":
        result = measure_upload(args.megabytes, args.questions, args.data_dir, args.wait)
    else:
        result = measure_scale(args.size, args.runs, args.data_dir)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
