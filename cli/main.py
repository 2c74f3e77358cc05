"""`partnerbot`: the one command-line entry point."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from core.errors import PartnerbotError
from core.settings import Settings

EXIT_FAILED = 1
EXIT_SKIPPED = 3  # ingestion finished, but some files could not be ingested
EXIT_INTERRUPTED = 130


def progress_bars(enabled: bool) -> tuple[Callable[[str, int, int], None], Callable[[], None]]:
    """An ingest progress callback drawing one tqdm bar per stage, and a function that closes them."""
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def report(stage: str, done: int, total: int) -> None:
        if not enabled or not total:
            return
        bar = bars.get(stage)
        if bar is None:
            units = {"reading": "file", "ocr": "page"}
            bar = bars[stage] = tqdm(
                total=total, desc=stage.upper() if stage == "ocr" else stage.capitalize(), unit=units.get(stage, "")
            )
        if bar.total != total:  # OCR counts the pages of one scanned document after another
            bar.reset(total=total)
        bar.update(done - bar.n)

    def close() -> None:
        for bar in bars.values():
            bar.close()

    return report, close


def _cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from service import build_service

    paths = args.paths or [settings.store.corpus_dir]
    report_progress, close = progress_bars(not args.quiet)
    try:
        report = build_service(settings, reset=args.reset).ingest(paths, on_progress=report_progress)
    except KeyboardInterrupt:
        close()
        print("interrupted: the index is still usable; run the same command again to finish.", file=sys.stderr)
        return EXIT_INTERRUPTED
    close()
    print(report.summary())
    if settings.store.translator != "off" and not args.no_translate:
        translated = _cmd_translate(argparse.Namespace(status=False, quiet=args.quiet), settings)
        if translated:
            return translated
    return EXIT_SKIPPED if report.skipped or report.warnings else 0


def print_answer(answer: Any) -> None:
    print(answer.answer)
    if answer.citations:
        print("\nSources:")
        for n, citation in enumerate(answer.citations, start=1):
            where = f", p. {citation.page}" if citation.page else ""
            print(f"  [{n}] {citation.title} ({citation.date or 'undated'}{where}) - {citation.doc_id}")


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from service import build_service

    answer = build_service(settings).ask(args.question)
    if args.json:
        print(answer.model_dump_json(indent=2))
    else:
        print_answer(answer)
    return 0


def _cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from service import QuestionError, build_service

    service = build_service(settings)
    history: list[dict[str, str]] = []
    print("Ask about the partnership, in French or English. Empty line or Ctrl-D to quit.")
    while True:
        try:
            question = input("\n> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not question:
            return 0
        try:
            answer = service.ask(question, history)
        except QuestionError as exc:
            print(exc)
            continue
        print_answer(answer)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]


def _cmd_facts(args: argparse.Namespace, settings: Settings) -> int:
    from service import build_service

    service = build_service(settings)
    facts = service.facts()
    wanted = [name for name in ("people", "events", "plans") if getattr(args, name)] or ["people", "events", "plans"]
    if args.json:
        chosen = {"people": facts.people, "events": facts.events, "plans": facts.plans}
        for name in wanted:
            for fact in chosen[name]:
                print(fact.model_dump_json())
        return 0
    language = args.language
    if "people" in wanted:
        print_table(["Name", "Role", "Organisation", "Source"], service.whos_who(language))
    if "events" in wanted or "plans" in wanted:
        rows = service.timeline(language)
        print_table(["Date", "What", "Kind", "When", "Source"], rows)
    return 0


def print_table(header: list[str], rows: list[list[str]]) -> None:
    """Columns as wide as their longest cell, cut at 60 characters."""
    cells = [[str(c)[:60] for c in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print()


def _cmd_translate(args: argparse.Namespace, settings: Settings) -> int:
    """Translate the indexed sentences not yet translated (progress bar; Ctrl-C keeps what was done), or report."""
    from tqdm import tqdm

    from service import build_service

    service = build_service(settings)
    if args.status:
        print(service.translation_status().summary())
        return 0
    bar = None

    def report(done: int, total: int) -> None:
        nonlocal bar
        if args.quiet or not total:
            return
        bar = bar or tqdm(total=total, desc="Translating", unit="sentence")
        bar.update(done - bar.n)

    try:
        result = service.translate(on_progress=report)
    except KeyboardInterrupt:
        print("\ninterrupted: the translations done are kept; run the same command again to go on.", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if bar is not None:
            bar.close()
    print(result.summary())
    return 0


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from cli.serve import serve

    serve(settings, host=args.host, port=args.port)
    return 0


def _cmd_api_key(args: argparse.Namespace, settings: Settings) -> int:
    """A new API key, and the SHA-256 the server keeps instead of it (PARTNERBOT_API_KEYS)."""
    import hashlib
    import secrets

    key = "pb-" + secrets.token_urlsafe(32)
    print(f"API key (give it to the client; the server does not keep it): {key}")
    print(f"its SHA-256, for PARTNERBOT_API_KEYS (comma-separated): {hashlib.sha256(key.encode()).hexdigest()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="partnerbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="index documents (default: the corpus folder)")
    ingest.add_argument("paths", nargs="*", type=Path, help="files or folders (default: PARTNERBOT_CORPUS_DIR)")
    ingest.add_argument("--reset", action="store_true", help="drop the index and rebuild it from scratch")
    ingest.add_argument("--quiet", action="store_true", help="no progress bars")
    ingest.add_argument(
        "--no-translate", action="store_true", help="do not translate afterwards (with PARTNERBOT_TRANSLATOR set)"
    )
    ingest.set_defaults(run=_cmd_ingest)

    ask = commands.add_parser("ask", help="answer one question and show its sources")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print exactly one JSON object with the answer's fields")
    ask.set_defaults(run=_cmd_ask)

    chat = commands.add_parser("chat", help="a conversation in the terminal (follow-up questions work)")
    chat.set_defaults(run=_cmd_chat)

    facts = commands.add_parser("facts", help="the people, events and plans found in the documents")
    facts.add_argument("--people", action="store_true", help="who's who: names, roles, organisations")
    facts.add_argument("--events", action="store_true", help="the timeline of dated events and plans")
    facts.add_argument("--plans", action="store_true", help="the timeline of dated events and plans")
    facts.add_argument("--json", action="store_true", help="one JSON object per fact, with its sources")
    facts.add_argument("--language", choices=["en", "fr"], default="en", help="dates in this language")
    facts.set_defaults(run=_cmd_facts)

    translate = commands.add_parser(
        "translate", help="translate the indexed sentences into the other language, checked (PARTNERBOT_TRANSLATOR)"
    )
    translate.add_argument("--status", action="store_true", help="how far translation has come; translate nothing")
    translate.add_argument("--quiet", action="store_true", help="no progress bar")
    translate.set_defaults(run=_cmd_translate)

    api_key = commands.add_parser("api-key", help="make a key for the HTTP API and print the hash to configure")
    api_key.set_defaults(run=_cmd_api_key)

    serve = commands.add_parser("serve", help="start the chat app and its HTTP API (default http://127.0.0.1:7860)")
    serve.add_argument("--host", help="address to bind (default PARTNERBOT_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default PARTNERBOT_PORT, 7860)")
    serve.set_defaults(run=_cmd_serve)

    from eval.run import configure_parser, run_from_args

    evaluate = commands.add_parser("eval", help="score the bot against a gold file and write a report")
    configure_parser(evaluate)
    evaluate.set_defaults(run=run_from_args)
    return parser


def _setting_problem(error: ValidationError) -> str:
    """A validation error named by the variable to fix: `PARTNERBOT_TOP_K: Input should be ...`."""
    from core.settings import FLAT_NAMES

    by_field = {(section, name): flat for flat, (section, name) in FLAT_NAMES.items()}
    lines = []
    for problem in error.errors():
        location = tuple(str(part) for part in problem["loc"])
        flat = by_field.get(location[:2]) if len(location) >= 2 else None
        name = f"PARTNERBOT_{flat.upper()}" if flat else ".".join(location) or "settings"
        lines.append(f"{name}: {problem['msg']}")
    return "; ".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"partnerbot: invalid setting: {_setting_problem(exc)}", file=sys.stderr)
        return EXIT_FAILED
    try:
        return args.run(args, settings)
    except PartnerbotError as exc:  # the known failures carry a message written for the user
        print(f"partnerbot: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:  # `partnerbot facts | head`: the reader has all it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed pipe until exit
        return 0


if __name__ == "__main__":
    sys.exit(main())
