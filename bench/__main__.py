"""`python -m bench` (`make bench`): ingest and query costs of partnerbot, as a Markdown table, JSON and a plot.

Every figure is a median (or a percentile) over several runs; each measurement runs in its own process.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

from bench import realistic
from bench.page_client import PageClient
from eval.score import percentile

ROOT = Path(__file__).resolve().parents[1]
# The rows of the bench, in the order they are measured.
ROWS = ("ingest", "scale", "ocr", "translate", "facts", "cold", "load", "api", "upload", "tables")


def child(*args: str, env: dict[str, str] | None = None) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench.measure", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"bench.measure {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def serving(env: dict[str, str], warm: bool = False) -> Iterator[tuple[int, float, int]]:
    """The chat app in its own process on a free loopback port: (port, seconds until it served its page, its pid).
    Once it is ready (it answers once one answer process is warm), or with `warm` once every answer process is."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.perf_counter()
    app = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def wait_for(path: str, timeout: float, within: float, pause: float, failure: str) -> bytes:
        while True:
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout).read()
            except OSError:
                if app.poll() is not None or time.perf_counter() - started > within:
                    raise SystemExit(failure) from None
                time.sleep(pause)

    try:
        wait_for("/", 1, 120, 0.05, "the app did not start")
        page = time.perf_counter() - started
        # `/healthz` says 200 once the app is ready (503 while it starts).
        health = json.loads(wait_for("/healthz", 5, 300, 0.2, "the app did not get ready"))
        # The load rows measure a warm app: the other answer processes still warming took both cores from the first
        # seconds of a load row (its idle server used 1.86 cores on a slow machine).
        while warm and health.get("warm_processes", 0) < health.get("answer_processes", 0):
            if time.perf_counter() - started > 300:
                raise SystemExit("the app's answer processes did not all warm up")
            time.sleep(0.2)
            health = json.loads(wait_for("/healthz", 5, 300, 0.2, "the app stopped"))
        yield port, page, app.pid
    finally:
        app.terminate()
        app.wait(timeout=30)


Ask = Callable[[str, list[dict[str, str]]], None]  # one question with the conversation before it


def cold_starts(runs: int, env: dict[str, str], questions: int) -> dict:
    first_answer, served, ready, first, single = [], [], [], [], []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cli", "ask", "When was the declaration of intent signed?"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        first_answer.append(time.perf_counter() - started)
        started = time.perf_counter()
        with serving(env) as (port, seconds, _pid):
            served.append(seconds)
            ready.append(time.perf_counter() - started)
            # One person's first questions once the app says it is ready: does anyone still pay a cold start?
            ask = api_asker(f"http://127.0.0.1:{port}/")
            for question, history in realistic.questions(questions):
                asked = time.perf_counter()
                ask(question, history)
                single.append(time.perf_counter() - asked)
            first.append(single[-questions])
    return {
        "first_answer_s": statistics.median(first_answer),
        "served_page_s": statistics.median(served),
        "ready_s": statistics.median(ready),
        "first_question_s": statistics.median(first),
        "single_user_p95_s": percentile(single, 95),
        "questions": questions,
    }


def app_asker(url: str) -> Ask:
    """One person in the app, as a browser tab asks (`bench.page_client`: Gradio's queue, one kept-alive connection):
    each held-out question with the turns it follows up on sent as the page sends them, to the page's own event
    (`ask_page`: the answer, the cited pages and the conversations' list, as a browser gets them)."""
    client = PageClient(url)

    def ask(question: str, history: list[dict[str, str]]) -> None:
        # Gradio's Chatbot takes a message's content as a list of parts, as the page sends it; None: the kept
        # conversation, a State the server holds for the session.
        turns = [{"role": t["role"], "content": [{"type": "text", "text": t["content"]}]} for t in history]
        # The page sends the conversation with the question its browser step already shows (ui.SHOW_QUESTION_JS).
        client.call(
            "ask_page", [question, [*turns, {"role": "user", "content": [{"type": "text", "text": question}]}], None]
        )

    return ask


def api_asker(url: str) -> Ask:
    """One client of the HTTP API, through the official `openai` package (auth is off here)."""
    from openai import OpenAI

    client = OpenAI(base_url=f"{url}v1", api_key="unused", max_retries=0)

    def ask(question: str, history: list[dict[str, str]]) -> None:
        messages = [*history, {"role": "user", "content": question}]
        client.chat.completions.create(model="partnerbot", messages=messages)

    return ask


# How long the load row watches the warmed server answer nothing: its polling is steady, so seconds suffice.
IDLE_SECONDS = 3.0


def load_run(users: int, questions: int, port: int, pid: int, asker: Callable[[str], Ask]) -> dict:
    """`users` clients at once, each asking `questions` held-out questions (`bench.realistic`), and the CPU the
    server's process used meanwhile."""
    asked = realistic.questions(users * questions)
    url = f"http://127.0.0.1:{port}/"
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def user(number: int) -> None:
        try:
            ask = asker(url)
        except Exception as exc:  # a refused connection is an error of the load run, counted like the others
            with lock:
                errors.append(f"connect: {type(exc).__name__}: {exc}")
            return
        for n in range(questions):
            question, history = asked[number * questions + n]
            started = time.perf_counter()
            try:
                ask(question, history)
            except Exception as exc:
                with lock:
                    errors.append(f"{question!r}: {type(exc).__name__}: {exc}")
                continue
            with lock:
                latencies.append(time.perf_counter() - started)

    asker(url)("warm-up", [])
    # What the server costs with no request at all, paid under load too (Gradio's queue polled every millisecond:
    # 5.5 % of a core).
    idle = realistic.cpu_seconds(pid)
    time.sleep(IDLE_SECONDS)
    idle = (realistic.cpu_seconds(pid) - idle) / IDLE_SECONDS
    # The clients' own CPU (this process): on one machine they take it from the server, as 40 browsers would not.
    cpu, clients, started = realistic.cpu_seconds(pid), time.process_time(), time.perf_counter()
    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall, cpu = time.perf_counter() - started, realistic.cpu_seconds(pid) - cpu
    clients = time.process_time() - clients
    return {
        "users": users,
        "questions_each": questions,
        "served": len(latencies),
        "errors": len(errors),
        "error_examples": errors[:5],
        "p50_s": statistics.median(latencies) if latencies else float("nan"),
        "p95_s": percentile(latencies, 95) if latencies else float("nan"),
        "max_s": max(latencies, default=float("nan")),
        "answers_per_s": len(latencies) / wall,
        "server_cpu": cpu / wall,  # cores the server's process kept busy, on average
        "client_cpu": clients / wall,  # cores the load's clients kept busy, on the same machine
        "idle_cpu": idle,  # cores the server kept busy before the load, answering nothing
    }


def plot(scale: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [row["size"] for row in scale]
    fig, ax = plt.subplots(figsize=(7, 4))
    for key, label in [
        ("retrieval_p50_ms", "retrieval p50"),
        ("retrieval_p95_ms", "retrieval p95"),
        ("answer_p50_ms", "answer p50"),
        ("answer_p95_ms", "answer p95"),
    ]:
        ax.plot(sizes, [row[key] for row in scale], marker="o", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("passages in the index")
    ax.set_ylabel("milliseconds")
    ax.set_title("partnerbot latency vs corpus size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _cores(cores: float | None) -> str:
    return "" if cores is None else f"{cores:.2f}"  # blank in a run recorded before the clients' CPU was measured


def table(result: dict) -> str:
    """The measured rows as Markdown tables; a row that was not measured is left out."""
    lines: list[str] = []
    if ingest := result.get("ingest"):
        lines += [
            "| ingest | value |",
            "|---|---:|",
            f"| passages ({ingest['documents']} documents) | {ingest['chunks']} |",
            f"| pipeline, median | {ingest['pipeline_s']:.2f} s ({ingest['chunks_per_s']:.1f} passages/s) |",
            f"| raw encode of the same passages, median | {ingest['raw_encode_s']:.2f} s |",
            f"| pipeline (facts included) / raw encode | {ingest['ratio_to_raw']:.3f} |",
            f"| facts extracted | {ingest['facts']} |",
            f"| loading the language pipelines (once per process, not in the pipeline time) "
            f"| {ingest['language_pipelines_load_s']:.2f} s |",
            f"| re-ingest unchanged, median | {ingest['reingest_s'] * 1000:.1f} ms "
            f"({ingest['reingest_share']:.2%} of the first) |",
            f"| peak RSS of ingest | {ingest['peak_rss_mb']:.0f} MB |",
            "",
        ]
    if cold := result.get("cold_start"):
        lines += [
            "| start | value |",
            "|---|---:|",
            f"| process start to first answer (`partnerbot ask`) | {cold['first_answer_s']:.2f} s |",
            f"| app start to served page | {cold['served_page_s']:.2f} s |",
            f"| app start to ready (`/healthz` 200: loaded and warmed) | {cold['ready_s']:.2f} s |",
            f"| then one person's first question (API) | {cold['first_question_s']:.2f} s |",
            f"| p95 of their first {cold['questions']} held-out questions | {cold['single_user_p95_s']:.2f} s |",
            "",
        ]
    if scale := result.get("scale"):
        lines += [
            "| passages | dense recall@20 | retrieval p50 | retrieval p95 | answer p50 (cold) | answer p95 (cold)"
            " | answer p50 (warm) | answer p95 (warm) | accuracy | answerable | abstention | bot start (builds BM25)"
            " | restart (loads it) | peak RSS serving |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in scale:
            lines.append(
                f"| {row['size']:,} | {row['dense_recall']:.3f} | {row['retrieval_p50_ms']:.1f} ms "
                f"| {row['retrieval_p95_ms']:.1f} ms "
                f"| {row['answer_cold_p50_ms']:.0f} ms | {row['answer_cold_p95_ms']:.0f} ms "
                f"| {row['answer_p50_ms']:.0f} ms | {row['answer_p95_ms']:.0f} ms | {row['accuracy']:.3f} "
                f"| {row['answer_accuracy']:.3f} | {row['abstention_accuracy']:.3f} | {row['bot_startup_s']:.1f} s "
                f"| {row['bot_restart_s']:.2f} s | {row['peak_rss_mb']:.0f} MB |"
            )
        lines.append("")
    if facts := result.get("facts"):
        lines += [f"| facts lookup ({facts['facts']:,} facts, index built in {facts['build_s']:.2f} s) | median |"]
        lines.append("|---|---:|")
        lines += [f"| {name} | {ms:.3f} ms |" for name, ms in facts["lookup_median_ms"].items()]
        lines.append("")
    through = {"load": "the app (browser-like page client)", "api": "the API (openai client)"}
    if loads := [(through[key], result[key]) for key in through if key in result]:
        alone, cores = result["inprocess"], result.get("inprocess_all_cores")

        def ratio(load: dict, base: dict | None) -> str:
            return f"{load['answers_per_s'] / base['answers_per_s']:.2f}" if base else ""

        def inprocess(label: str, row: dict) -> str:
            times = f"{row['p50_s']:.2f} s | {row['p95_s']:.2f} s | {row['max_s']:.2f} s"
            return (
                f"| {label} | {row['questions']} | 0 | {times} | {row['answers_per_s']:.1f} | {_cores(row.get('cpu'))} "
                f"| | | {ratio(row, alone)} | {ratio(row, cores)} |"
            )

        lines += [
            "| load run, at once (realistic index, held-out questions) | served | errors | p50 | p95 | max "
            "| answers/s | server CPU (cores) | idle server (cores) | clients' CPU (cores) | / in-process rate "
            "| / in-process, engine on every core |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            inprocess("the same questions in process, one thread (the embedding engine's too)", alone),
        ]
        if cores:
            lines.append(inprocess("the same, one Python thread, the embedding engine on every core", cores))
        lines += [
            f"| {load['users']} clients x {load['questions_each']} questions through {via} | {load['served']} "
            f"| {load['errors']} | {load['p50_s']:.2f} s | {load['p95_s']:.2f} s | {load['max_s']:.2f} s "
            f"| {load['answers_per_s']:.1f} | {load['server_cpu']:.2f} | {_cores(load.get('idle_cpu'))} "
            f"| {_cores(load.get('client_cpu'))} | {ratio(load, alone)} | {ratio(load, cores)} |"
            for via, load in loads
        ]
        lines.append("")
    if (scaling := result.get("scaling")) and "engine_share" in result.get("inprocess", {}):
        share, n = result["inprocess"]["engine_share"], scaling["processes"]
        engine, python = scaling["engine_speedup"], scaling["python_speedup"]
        lines += [
            f"| {n} processes of the same work at once, against one alone | speed-up ({n:.2f} is all the cores) |",
            "|---|---:|",
            f"| the embedding engine, one thread each (the load's questions, one at a time) | {engine:.2f} |",
            f"| the bot's text functions (plain Python) | {python:.2f} |",
            f"| share of the in-process one-thread answers' CPU spent in the engine | {share:.2f} |",
            # Each part of an answer sped up by what its kind gets (Amdahl), before the app's own work. An estimate,
            # not a bound: an answer process's engine also takes the other core while the other one is in Python.
            "| so, roughly, what the app's answers/s can reach over the in-process one-thread rate "
            f"| {1 / (share / engine + (1 - share) / python):.2f} |",
            "",
        ]
    if ocr := result.get("ocr"):
        lines += [
            "| OCR (Tesseract, French+English, two cores) | pages | median | pages/s | words read back |",
            "|---|---:|---:|---:|---:|",
            f"| a scan made by the bench ({ocr['dpi']} dpi, noised, skewed 1°) | {ocr['pages']} "
            f"| {ocr['seconds_median']:.1f} s | {ocr['pages_per_s']:.2f} | {ocr['words_recognised']:.3f} |",
            "",
        ]
    if translate := result.get("translate"):
        lines += [
            "| translation (packaged Qwen2.5-Coder-1.5B) | sentences | s a sentence | first try | retry | never |",
            "|---|---:|---:|---:|---:|---:|",
            f"| the longest sentences of the fixtures | {translate['sentences']} | {translate['seconds_median']:.1f} "
            f"| {translate['first_try']} | {translate['after_retry']} | {translate['never']} |",
        ]
    if upload := result.get("upload"):
        lines += [
            f"| answers ({upload['questions']} gold questions, one at a time) while a {upload['upload_mb']:.1f} MB "
            "upload is indexed | p50 | p95 | max | passages indexed meanwhile |",
            "|---|---:|---:|---:|---:|",
            f"| idle | {upload['idle']['p50_s']:.2f} s | {upload['idle']['p95_s']:.2f} s "
            f"| {upload['idle']['max_s']:.2f} s | |",
        ]
        for key, label in [
            ("worker", f"by the worker process (nice {upload['worker'].get('nice')})"),
            ("thread", "by a thread of the app (before)"),
        ]:
            indexer = upload[key]
            reading, embedding = indexer["reading"], indexer["embedding"]
            lines.append(
                f"| {label}, while the file is read | {reading['p50_s']:.2f} s | {reading['p95_s']:.2f} s "
                f"| {reading['max_s']:.2f} s | (stage after: {reading['stage_after']}) |"
            )
            if embedding is None:
                lines.append(f"| {label}, while embedding | not reached in {upload['wait_s']:.0f} s | | | |")
            else:
                lines.append(
                    f"| {label}, while embedding (reached after {indexer['seconds_to_embedding']:.0f} s) "
                    f"| {embedding['p50_s']:.2f} s | {embedding['p95_s']:.2f} s | {embedding['max_s']:.2f} s "
                    f"| {embedding['passages_indexed']} |"
                )
    if tables := result.get("tables"):
        lines += [
            "",
            f"| tables: a {tables['rows']:,}-row workbook (ingest {tables['ingest_s']:.1f} s, {tables['passages']} "
            f"passages; first question after start {tables['first_question_s'] * 1000:.0f} ms) | answered "
            "| cold p50 | cold p95 | warm p50 | warm p95 |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {kind} | {row['answered']}/{row['questions']} | {row['cold_p50_ms']:.0f} ms "
            f"| {row['cold_p95_ms']:.0f} ms | {row['warm_p50_ms']:.0f} ms | {row['warm_p95_ms']:.0f} ms |"
            for kind, row in tables["kinds"].items()
        ]
    return "\n".join(lines).rstrip()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000", help="index sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--documents", type=int, default=40, help="documents of the ingest measurement")
    parser.add_argument("--users", type=int, default=40, help="simultaneous users of the load run")
    parser.add_argument("--questions", type=int, default=4, help="questions each user of the load run asks")
    parser.add_argument(
        "--cold-questions", type=int, default=10, help="questions one person asks right after each start of the app"
    )
    parser.add_argument("--upload-mb", type=float, default=20.0, help="size of the upload answered beside")
    parser.add_argument("--out", type=Path, default=Path("reports/bench"))
    parser.add_argument("--data-dir", type=Path, help="keep the built indexes here (default: a temporary folder)")
    parser.add_argument(
        "--rows",
        default=",".join(ROWS),
        help=f"the rows to measure, comma-separated (default: all of {', '.join(ROWS)}); the others are left out",
    )
    parser.add_argument(
        "--load-index",
        choices=["realistic", "corpus"],
        default="realistic",
        help="the index of the cold and load rows: the corpus and every fixture folder (default), or the corpus alone",
    )
    parser.add_argument("--ocr-pages", type=int, default=4, help="pages of the scan the OCR row reads")
    args = parser.parse_args()
    rows = set(args.rows.split(","))
    if unknown := rows - set(ROWS):
        parser.error(f"unknown rows: {', '.join(sorted(unknown))}")

    args.out.mkdir(parents=True, exist_ok=True)
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="partnerbot-bench-"))
    result: dict = {"chroma_url": os.environ.get("PARTNERBOT_CHROMA_URL")}
    if "ingest" in rows:
        print(f"ingest: {args.documents} documents x {args.runs} runs", flush=True)
        result["ingest"] = child("ingest", "--documents", str(args.documents), "--runs", str(args.runs))
    scale = []
    for size in (int(s) for s in args.sizes.split(",")) if "scale" in rows else ():
        print(f"scale: {size:,} passages x {args.runs} runs", flush=True)
        scale.append(child("scale", "--size", str(size), "--runs", str(args.runs), "--data-dir", str(data_dir)))
    result["scale"] = scale
    if "ocr" in rows:
        print(f"OCR: a {args.ocr_pages}-page scan made by the bench", flush=True)
        result["ocr"] = child("ocr", "--pages", str(args.ocr_pages), "--runs", str(args.runs))
    if "translate" in rows:
        print("translation: 6 fixture sentences with the packaged model", flush=True)
        result["translate"] = child("translate", "--pages", "6")
    if "facts" in rows:
        print("facts lookups: 10,000 facts", flush=True)
        result["facts"] = child("facts", "--facts", "10000", "--runs", str(args.runs))
    if rows & {"cold", "load", "api"}:
        # The corpus and the fictional fixtures (issue 25), or the corpus alone (the harness's own test), built once
        # in the bench's data dir.
        folders = realistic.FOLDERS if args.load_index == "realistic" else realistic.FOLDERS[:1]
        name = args.load_index
        loaded = {**os.environ, "PARTNERBOT_DATA_DIR": str(data_dir / name), "PARTNERBOT_COLLECTION": f"bench-{name}"}
        print(f"the {name} index ({', '.join(f.name for f in folders)})", flush=True)
        realistic.ensure_index(loaded, data_dir / f"{name}-ingested", folders)
    if "cold" in rows:
        print("cold starts", flush=True)
        result["cold_start"] = cold_starts(args.runs, loaded, args.cold_questions)
    if rows & {"load", "api"}:
        count = args.users * args.questions
        print(f"load: the same {count} questions in process, one thread", flush=True)
        # The ratio's base is one thread in all (issue 25): the embedding engine's threads too, unless the operator
        # set them. With its threads on every core, one Python thread kept 1.5 of two cores busy (12.6 answers/s at
        # 120 ms of CPU an answer, 9.1/s and 111 ms in one thread): that rate is measured too, and shown beside it.
        threads = {"PARTNERBOT_MODEL_THREADS": os.environ.get("PARTNERBOT_MODEL_THREADS", "1")}
        result["inprocess"] = child("inprocess", "--questions", str(count), env={**loaded, **threads})
        if "PARTNERBOT_MODEL_THREADS" not in os.environ:
            print(f"load: the same {count} questions in process, the embedding engine on every core", flush=True)
            result["inprocess_all_cores"] = child("inprocess", "--questions", str(count), env=loaded)
        # What the machine's cores give at once, against one: about what the ratio above can reach (issue 25).
        print("load: two processes of the same work at once, against one", flush=True)
        result["scaling"] = child("scaling", "--questions", str(count), env=loaded)
        for row, asker, through in (("load", app_asker, "the app"), ("api", api_asker, "the API")):
            if row in rows:
                # Each row on a server of its own, freshly started and warmed: the second row on the first's server
                # met every question again in the answer processes' caches (the API row after the app's: 6.7 vs
                # 4.0 answers a second; the page after the API: 5.7 vs 3.3).
                print(f"{row}: {args.users} clients x {args.questions} questions through {through}", flush=True)
                with serving(loaded, warm=True) as (port, _, pid):
                    result[row] = load_run(args.users, args.questions, port, pid, asker)
    if "upload" in rows:
        print(f"answers while a {args.upload_mb:g} MB upload is indexed", flush=True)
        result["upload"] = child(
            "upload", "--megabytes", str(args.upload_mb), "--questions", "30", "--data-dir", str(data_dir / "upload")
        )
    if "tables" in rows:
        print("tables: a 10,000-row workbook", flush=True)
        result["tables"] = child("tables", "--rows", "10000", "--data-dir", str(data_dir / "tables"))
    if not args.data_dir:
        shutil.rmtree(data_dir, ignore_errors=True)

    if scale:
        plot(scale, args.out / "latency.png")
    (args.out / "bench.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    markdown = table(result)
    plotted = "\n\n![latency vs size](latency.png)" if scale else ""
    (args.out / "bench.md").write_text(markdown + plotted + "\n", encoding="utf-8")
    print(markdown)
    print(
        f"\nwritten: {args.out / 'bench.md'}, {args.out / 'bench.json'}"
        + (f", {args.out / 'latency.png'}" if scale else "")
    )


if __name__ == "__main__":
    main()
