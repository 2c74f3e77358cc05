"""`partnerbot`: the one command-line entry point."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from ingest.settings import Settings

EXIT_FAILED = 1
EXIT_SKIPPED = 3  # ingestion finished, but some files could not be ingested
EXIT_INTERRUPTED = 130


def _cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.lexical import load_or_build
    from ingest.pipeline import ingest
    from ingest.store import Index

    paths = args.paths or [settings.corpus_dir]
    try:
        index = Index(settings, reset=args.reset)
        report = ingest(paths, settings, index=index, progress=not args.quiet)
        # Built now, so that the app's first keyword search does not wait for it.
        load_or_build(index, settings.lexical_dir / index.version())
    except KeyboardInterrupt:
        print("interrupted: the index is still usable; run the same command again to finish.", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(report.summary())
    return EXIT_SKIPPED if report.skipped else 0


def print_answer(answer) -> None:
    print(answer.answer)
    if answer.citations:
        print("\nSources:")
        for n, citation in enumerate(answer.citations, start=1):
            where = f", p. {citation.page}" if citation.page else ""
            print(f"  [{n}] {citation.title} ({citation.date or 'undated'}{where}) - {citation.doc_id}")


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot import Bot, QuestionError

    try:
        answer = Bot(settings).ask(args.question)
    except QuestionError as exc:
        print(f"partnerbot: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print(answer.model_dump_json(indent=2))
    else:
        print_answer(answer)
    return 0


def _cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot import Bot, QuestionError

    bot = Bot(settings)
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
            answer = bot.ask(question, history)
        except QuestionError as exc:
            print(exc)
            continue
        print_answer(answer)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]


def _cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import ui  # the app sits on top of the bot: imported only by the command that starts it

    ui.launch(settings, host=args.host, port=args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="partnerbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="index documents (default: the corpus folder)")
    ingest.add_argument("paths", nargs="*", type=Path, help="files or folders (default: PARTNERBOT_CORPUS_DIR)")
    ingest.add_argument("--reset", action="store_true", help="drop the index and rebuild it from scratch")
    ingest.add_argument("--quiet", action="store_true", help="no progress bars")
    ingest.set_defaults(run=_cmd_ingest)

    ask = commands.add_parser("ask", help="answer one question and show its sources")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print exactly one JSON object with the answer's fields")
    ask.set_defaults(run=_cmd_ask)

    chat = commands.add_parser("chat", help="a conversation in the terminal (follow-up questions work)")
    chat.set_defaults(run=_cmd_chat)

    serve = commands.add_parser("serve", help="start the chat app (default http://127.0.0.1:7860)")
    serve.add_argument("--host", help="address to bind (default PARTNERBOT_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default PARTNERBOT_PORT, 7860)")
    serve.set_defaults(run=_cmd_serve)

    from eval.run import configure_parser, run_from_args

    evaluate = commands.add_parser("eval", help="score the bot against a gold file and write a report")
    configure_parser(evaluate)
    evaluate.set_defaults(run=run_from_args)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"partnerbot: invalid setting: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        return args.run(args, settings)
    except Exception as exc:  # the known failures carry a message written for the user
        from ingest.embeddings import ModelNotFoundError
        from ingest.store import IndexProblem

        if isinstance(exc, IndexProblem | ModelNotFoundError):
            print(f"partnerbot: {exc}", file=sys.stderr)
            return EXIT_FAILED
        raise


if __name__ == "__main__":
    sys.exit(main())
