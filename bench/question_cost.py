"""What the worst questions cost: long single "words", a long question of real words, in process after warm-up.

`python -m bench.question_cost [--data-dir DIR] [--runs 3]` indexes the corpus and the fictional fixtures once into
DIR (kept for the next run), warms the bot up, then prints each question's median, worst and first latency and
what it got (an answer, an abstention or the refusal's message). Spelling corrections are cached per word: each
run clears them, like a stream of new questions.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from core.errors import QuestionError
from core.settings import Settings
from service import build_service

ROOT = Path(__file__).resolve().parents[1]
# A realistic long question: real words of the documents' vocabulary, about 2,000 characters.
_SENTENCE = (
    "Pouvez-vous me dire quand la déclaration d'intention entre les partenaires a été signée, qui était présent "
    "lors de la réunion stratégique à Bangalore, et quelles nouvelles pistes de collaboration ont été définies ? "
)
QUESTIONS = {
    "single word, 1,999 characters": ("abcdefghij" * 200)[:1999],
    "single word, 500 characters": ("xylophone" * 60)[:500],
    "real words, 1,999 characters": (_SENTENCE * 10)[:1999],
    "a question and a 1,950-letter token": "Qui est le doyen des études académiques ? " + "q" * 1950,
    "ordinary question": "When was the declaration of intent signed?",
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.question_cost")
    parser.add_argument("--data-dir", type=Path, default=Path(".partnerbot-question-cost"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    settings = Settings(data_dir=args.data_dir, chroma_url=None)
    service = build_service(settings)
    if not service.documents():
        service.ingest([ROOT / "corpus", ROOT / "eval" / "fixtures"])
    service.warm_up()
    service.ask("Qui est le président ?")  # loads the facts, the reader's models and the sentence vectors
    for name, question in QUESTIONS.items():
        latencies, outcome = [], ""
        for _ in range(args.runs):
            service.store.lexical().correct.cache_clear()
            started = time.perf_counter()
            try:
                answer = service.ask(question)
                outcome = "abstained" if answer.abstained else f"answered: {answer.answer[:60]!r}"
            except QuestionError as exc:
                outcome = f"refused: {exc}"
            latencies.append(time.perf_counter() - started)
        print(
            f"{name}: median {statistics.median(latencies):.2f} s, worst {max(latencies):.2f} s, "
            f"first {latencies[0]:.2f} s; {outcome[:110]}",
            flush=True,
        )


if __name__ == "__main__":
    main()
