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
    from ingest.pipeline import ingest

    paths = args.paths or [settings.corpus_dir]
    try:
        report = ingest(paths, settings, reset=args.reset, progress=not args.quiet)
    except KeyboardInterrupt:
        print("interrupted: the index is still usable; run the same command again to finish.", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(report.summary())
    return EXIT_SKIPPED if report.skipped else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="partnerbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="index documents (default: the corpus folder)")
    ingest.add_argument("paths", nargs="*", type=Path, help="files or folders (default: PARTNERBOT_CORPUS_DIR)")
    ingest.add_argument("--reset", action="store_true", help="drop the index and rebuild it from scratch")
    ingest.add_argument("--quiet", action="store_true", help="no progress bars")
    ingest.set_defaults(run=_cmd_ingest)
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
