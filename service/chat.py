"""The chat service: answers, documents, feedback. The app and the CLI call only this."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import logging
import os
import threading
import time
import tomllib
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import tomli_w

from bot import timeline
from bot.answer import Answer, Citation, CitedTable
from bot.bot import Bot
from core.dates import format_iso
from core.errors import LoadError, NotRemovable, PartnerbotError, UnknownDocument
from core.settings import Settings
from core.text import sentences
from ingest.corpus import MANIFEST_NAME, AppTexts, app_texts
from ingest.loaders import SUPPORTED_SUFFIXES, load_ocr_words
from ingest.pipeline import IngestReport, Progress, ingest, remove_documents
from ingest.translation import TranslateReport, pending, translate_all
from ingest.uploads import remove_refused, save_uploads
from ingest.worker import IngestCancelled, Worker
from service.conversations import Conversations
from service.limits import SlidingWindow
from service.pool import AnswerPool
from service.processes import AnswerProcesses
from service.readiness import Readiness
from store.facts import FactIndex
from store.feedback import FeedbackLog
from store.pages import PageView, render_cited_page
from store.records import DocumentRow
from store.store import Store

log = logging.getLogger("partnerbot.service")

# (text, label): label "cited" marks the sentences an answer rests on; a cited table's rows follow its passage.
SourceSegment = tuple[str, str | None] | CitedTable
# Documents added through the app are ingested from the documents dir, where they lie under this folder.
UPLOADS = "uploads"


class FeedbackError(PartnerbotError):
    """Feedback that is not recorded: about no answer this session was given, or more than a session may give."""


@dataclass
class _Conversation:
    """The answers one session was given, by their place in its conversation, and the feedback it gave."""

    # place -> (answer id, answer, the id of the kept conversation it belongs to)
    answers: OrderedDict[int, tuple[str, Answer, str | None]] = field(default_factory=OrderedDict)
    feedback: int = 0
    # what its page was last sent of each list it shows (`unchanged`)
    shown: dict[str, Any] = field(default_factory=dict)


@dataclass
class AddResult:
    """What became of files added through the app: `saved` were indexed, `refused` were not (and were deleted)."""

    saved: list[Path] = field(default_factory=list)
    refused: list[LoadError] = field(default_factory=list)
    report: IngestReport | None = None

    def summary(self) -> str:
        """Files by their names only: the server's folders are none of the reader's business."""
        lines = [f"Refused {err.path.name}: {err.reason}" for err in self.refused]
        if self.saved and self.report is not None:
            report = self.report
            lines.insert(
                0,
                f"Added {len(self.saved)} file(s): {report.added} passages added, {report.unchanged} unchanged, "
                f"{report.facts} facts extracted in {report.seconds:.1f} s",
            )
            lines += [f"Kept in part: {warning.removeprefix('uploads/')}" for warning in report.warnings]
        return "\n".join(lines)


@dataclass
class UploadJob:
    """One batch of uploaded files being indexed in the background; `finished` is set when it ends, whatever way."""

    owner: str
    names: list[str]
    result: AddResult
    stage: str = "waiting"  # waiting, reading, ocr, embedding, facts, answers, cancelling, done, cancelled, failed
    done: int = 0
    total: int = 0
    error: str | None = None
    cancelled: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)

    def progress(self, stage: str, done: int, total: int) -> None:
        if not self.cancelled.is_set():
            self.stage, self.done, self.total = stage, done, total

    def status(self) -> str:
        """Where the job is, in words."""
        files = ", ".join(self.names)
        if self.stage == "waiting":
            return f"Waiting for another upload to finish before indexing {files}…"
        if self.stage == "cancelling":
            return f"Cancelling: removing what was indexed of {files}…"
        if self.stage == "cancelled":
            return f"Cancelled: {files} not added."
        if self.stage == "failed":
            return f"Indexing {files} failed: {self.error}"
        if self.stage == "done":
            return self.result.summary()
        what = _STAGE_WORDS.get(self.stage, self.stage)
        return f"Indexing {files}: {what} {self.done}/{self.total}…" if self.total else f"Indexing {files}: {what}…"


_STAGE_WORDS = {
    "reading": "reading files",
    "ocr": "reading scanned pages",
    "embedding": "passages",
    "facts": "facts",
    "answers": "starting the answers over the new index",
}


class ChatService:
    """Answer questions, add and list documents, record feedback, over one store."""

    supported_suffixes = SUPPORTED_SUFFIXES

    def __init__(self, settings: Settings, store: Store, bot: Bot):
        self.settings = settings
        self.store = store
        self.bot = bot
        self._writing = threading.Lock()  # one ingest at a time in this process
        self._uploads: dict[str, UploadJob] = {}  # the latest upload job of each owner (a user or a session)
        self._uploads_lock = threading.Lock()
        # Started with the first upload and kept (its models loaded) for the next ones; a cancellation stops it.
        self._worker: Worker | None = None
        self._translating = threading.Lock()  # one translation run at a time
        self._feedback = FeedbackLog(settings.store.feedback_path)
        app = settings.app
        self._conversations: OrderedDict[str, _Conversation] = OrderedDict()
        self._conversations_lock = threading.Lock()
        self._feedback_rate = SlidingWindow(app.feedback_per_minute, 60.0, keys=app.remembered_sessions)
        self.readiness = Readiness()  # `partnerbot serve` answers once warmed up (start_warm_up)
        self._processes: AnswerProcesses | None = None  # `answer_in_processes`

    @functools.cached_property
    def pool(self) -> AnswerPool:
        """The one bounded pool where the app's and the API's answers are computed (`service/pool.py`)."""
        return AnswerPool(self.settings.app.workers, self.settings.app.queue_size)

    @functools.cached_property
    def conversations(self) -> Conversations:
        """The conversations people keep (opened on first use: the CLI and the evaluation never need them)."""
        return Conversations(self.settings)

    def variant(self, **overrides: Any) -> ChatService:
        """The same documents answered with other settings (`retrieval_mode="dense"`, `generator="local"`)."""
        settings = self.settings.replace(**overrides)
        return ChatService(settings, self.store, Bot(settings, self.store, variant_of=self.bot))

    # Answers

    def answer_in_processes(self) -> None:
        """Answer in `PARTNERBOT_ANSWER_PROCESSES` worker processes from now on (none: in the caller's thread)."""
        if self.settings.app.answer_processes and self._processes is None:
            self._processes = AnswerProcesses(self.settings, self.settings.app.answer_processes)

    def ask(self, question: str, history: Sequence[Any] | None = None) -> Answer:
        self.readiness.wait(self.settings.app.ready_wait_seconds)
        if self._processes is not None:
            return self._processes.ask(question, history)
        return self.bot.ask(question, history)

    def stream(self, question: str, history: Sequence[Any] | None = None) -> Iterator[str | Answer]:
        """Pieces of the answer's text, then the whole `Answer` (whose text replaces the pieces). While the app is
        still warming up, waits for it (`PARTNERBOT_READY_WAIT_SECONDS`), then `NotReady`."""
        self.readiness.wait(self.settings.app.ready_wait_seconds)
        if self._processes is not None:  # computed whole in a worker process: no pieces before it
            return iter([self._processes.ask(question, history)])
        return self.bot.stream(question, history)

    def sources(self, answer: Answer) -> list[SourceSegment]:
        """The cited passages as text segments, each under a header, the sentences the answer rests on marked."""
        if answer.abstained:
            return [("No sources: the documents do not contain this answer.", None)]
        segments: list[SourceSegment] = []
        if answer.fallback_reason and answer.fallback_reason.startswith(("error", "timeout")):
            segments.append(
                (f"The language model did not answer ({answer.fallback_reason}); quoting the documents.\n\n", None)
            )
        for n, citation in enumerate(answer.citations, start=1):
            segments.append((f"[{n}] {source_header(citation, answer.language)}\n", None))
            segments += _highlighted(citation)
            if citation.table is not None and citation.table.rows:
                segments.append(citation.table)
            if citation.translation:
                said = "Machine translation of the quote" if answer.language == "en" else "Traduction automatique"
                segments.append((f"{said}: « {citation.translation} »\n\n", None))
        return [s for s in segments if isinstance(s, CitedTable) or s[0]]

    # Translation

    def translate(self, on_progress: Callable[[int, int], None] | None = None) -> TranslateReport:
        """Translate, check and store the indexed sentences not yet translated into the other language. Answers are
        served meanwhile (a sentence not yet translated is quoted as it is); stopped, the next run goes on."""
        model = self.bot.translator()
        if model is None:
            raise PartnerbotError("Translation is off: set PARTNERBOT_TRANSLATOR=local (or openai, with a server).")
        with self._translating:
            work, done = pending(self._passages(), self.store.translations, model.name)
            facts = self.store.facts()
            names = [p.name for p in facts.people] + [n for o in facts.organisations for n in (o.name, *o.aliases)]
            names += [e.place for e in facts.events if e.place and e.place[0].isupper()]  # "Chennai", not "en ligne"
            titles = [p.role for p in facts.people if p.role]
            report = TranslateReport(sentences=len(work) + done, already=done)
            return translate_all(work, self.store.translations, model, names, titles, report, on_progress)

    def translation_status(self) -> TranslateReport:
        """How far translation has come, by any model, without loading one."""
        rows = {(r["source_text"], r["target"]): r for r in self.store.translations.rows()}
        work, done = pending(self._passages(), self.store.translations, model=None)
        report = TranslateReport(sentences=len(work) + done, already=done)
        kept = [r for r in rows.values() if r["text"] is not None]
        report.first_try = sum(1 for r in kept if r["tries"] == 1)
        report.after_retry = len(kept) - report.first_try
        report.failed = len(rows) - len(kept)
        return report

    def _passages(self) -> list[tuple[str, str]]:
        return [(c.text, str(c.metadata["language"])) for c in self.store.chunks()]

    def cited_page(self, citation: Citation) -> PageView | None:
        """The PDF page a citation quotes, as an image with the quote highlighted; None when the citation is not on a
        PDF page or its file is gone. A passage may run onto the next page: the page showing more of the quote wins."""
        chunks = self.store.chunks([citation.chunk_id]) if citation.page else []
        if not chunks or not str(chunks[0].metadata["path"]).lower().endswith(".pdf"):
            return None
        meta = chunks[0].metadata
        path = Path(meta["path"])
        if not path.exists():
            return None
        read = load_ocr_words(self.settings.store.ocr_dir / f"{meta['doc_hash']}.json")
        views = []
        for page in (citation.page, citation.page + 1):
            rotation, words = read.get(page, (0, None))
            try:
                views.append(render_cited_page(path, page, citation.quote or citation.text, words, rotation))
            except LoadError:
                break  # past the last page
        return max(views, key=lambda v: sum((b[2] - b[0]) * (b[3] - b[1]) for b in v.boxes), default=None)

    # Documents

    def documents(self) -> list[DocumentRow]:
        return self.store.documents()

    def ingest(self, paths: list[Path], on_progress: Progress | None = None) -> IngestReport:
        """Bring the store up to date with files or folders (their removed documents leave it too)."""
        with self._writing:
            proposer = self.bot.facts_proposer()
            report = ingest(paths, self.settings, store=self.store, on_progress=on_progress, proposer=proposer)
            self.store.facts(refresh=True)  # the who's who and the answers follow at once, not after recheck_seconds
            self._index_changed()
            return report

    def add_documents(self, files: list[tuple[Path, str]], owner: str = "", uploader: str | None = None) -> AddResult:
        """Keep uploaded (temporary path, original name) files under the data dir and index them; waits. Each is
        marked as an upload by `uploader` (None: anonymous) at this time."""
        job = self.start_upload(files, owner, uploader)
        job.finished.wait()
        if job.error is not None:
            raise PartnerbotError(job.status())
        return job.result

    def start_upload(
        self,
        files: list[tuple[Path, str]],
        owner: str = "",
        uploader: str | None = None,
        replacing: Path | None = None,
    ) -> UploadJob:
        """Keep uploaded (temporary path, original name) files under the data dir and index them in the background
        (see `ingest.worker`): answers keep their speed meanwhile. One batch at a time per owner; the temporary
        files are deleted once the batch is indexed, refused files at once. Each file is marked as uploaded by
        `uploader` (None: anonymous) at this time. With `replacing` (an added document's file), the one file
        takes its place once it is accepted: the old one stays when the new one is refused."""
        limit = self.settings.app.max_upload_files
        if len(files) > limit:
            raise PartnerbotError(f"At most {limit} files at a time.")
        with self._uploads_lock:
            running = self._uploads.get(owner)
            if running is not None and not running.finished.is_set():
                raise PartnerbotError(
                    f"Your upload of {', '.join(running.names)} is still being indexed: wait for it to finish, "
                    "or cancel it, before adding more."
                )
            uploads = self.settings.store.documents_dir / "uploads"
            before = set(uploads.iterdir()) if uploads.is_dir() else set()
            saved, refused = save_uploads(files, self.settings.store)
            if replacing is not None and saved:
                saved = [_replace_file(replacing, saved[0])]
            if saved:  # under the uploads' lock: two batches never rewrite the manifest at once
                documents_dir = self.settings.store.documents_dir
                _mark_uploads(documents_dir, saved, uploader or "anonymous", again=replacing is not None)
            job = UploadJob(owner, [name for _, name in files], AddResult(saved, refused))
            self._uploads[owner] = job
        created = [path for path in saved if path not in before]  # what a cancellation removes again
        temporary = [path for path, _ in files]
        threading.Thread(target=self._index_upload, args=(job, created, temporary), name="upload", daemon=True).start()
        return job

    def upload(self, owner: str = "") -> UploadJob | None:
        """The owner's latest upload job, running or finished."""
        with self._uploads_lock:
            return self._uploads.get(owner)

    def cancel_upload(self, owner: str = "") -> bool:
        """Stop the owner's running upload: its files are not added. False when none is running."""
        job = self.upload(owner)
        if job is None or job.finished.is_set():
            return False
        job.cancelled.set()
        return True

    def resume_uploads(self) -> UploadJob | None:
        """Finish indexing uploads that a stop interrupted (in the background); None when there are none."""
        uploads = self.settings.store.documents_dir / "uploads"
        if not uploads.is_dir() or not any(uploads.iterdir()):
            return None
        return self.start_upload([], owner="\x00resume")

    def _index_upload(self, job: UploadJob, created: list[Path], temporary: list[Path]) -> None:
        store = self.settings.store
        try:
            if job.result.saved or not job.names:
                with self._writing:
                    report = self._ingest_uploads(job)
                job.result.refused += remove_refused(report, store)
                refused = {err.path.resolve() for err in report.skipped}
                job.result.saved = [path for path in job.result.saved if path.resolve() not in refused]
                job.result.report = report
                job.progress("answers", 0, 0)
                self._index_changed()
            job.stage = "done"
        except IngestCancelled:
            job.stage = "cancelling"
            documents = store.documents_dir.resolve()
            for path in created:
                path.unlink(missing_ok=True)
            with self._writing:  # the passages already written of the removed files go too
                remove_documents(self.store, {path.resolve().relative_to(documents).as_posix() for path in created})
            self._index_changed()
            job.stage = "cancelled"
        except Exception as exc:  # the app goes on; the job says what happened
            log.exception("indexing an upload failed")
            job.error = str(exc) if isinstance(exc, PartnerbotError) else f"{type(exc).__name__}: {exc}"
            job.stage = "failed"
        finally:
            incoming = store.incoming_dir.resolve()
            for path in (p.resolve() for p in temporary):
                if not path.is_relative_to(incoming):
                    continue  # not the app's to delete
                path.unlink(missing_ok=True)
                if path.parent != incoming:
                    with contextlib.suppress(OSError):  # the folder Gradio made for the file, once empty
                        path.parent.rmdir()
            job.finished.set()

    def _ingest_uploads(self, job: UploadJob) -> IngestReport:
        """Bring the index up to date with the uploads folder, in the worker; called under the writing lock."""
        if self._worker is None or self._worker.closed:
            self._worker = Worker(self.settings.store)
        self._worker.cancelled = job.cancelled
        return ingest(
            [self.settings.store.documents_dir],
            self.settings,
            store=self.store,
            on_progress=job.progress,
            proposer=self.bot.facts_proposer(),
            worker=self._worker,
        )

    def _index_changed(self) -> None:
        """After a write: the answer processes read the index as it was when they started, so new ones take over."""
        if self._processes is not None:
            self._processes.renew()

    def _added_file(self, doc_id: str) -> Path:
        """The file of a document added through the app or the API; `UnknownDocument` or `NotRemovable` (one of the
        corpus folder is removed there, with `partnerbot ingest`: it would come back at the next one)."""
        path = next((Path(m["path"]) for m in self.store.metadatas().values() if m["doc_id"] == doc_id), None)
        if path is None:
            raise UnknownDocument(f"No indexed document has the id {doc_id!r}.")
        if not path.resolve().is_relative_to(self.settings.store.documents_dir.resolve()):
            raise NotRemovable(
                f"{doc_id} was not added through the app: remove its file from {path.parent}, then run "
                "`partnerbot ingest`."
            )
        return path

    def delete_document(self, doc_id: str) -> IngestReport:
        """Remove a document added through the app or the API: its file goes, and an ingest of the added documents
        takes its passages and facts out of the index (the keyword index follows the index's version). The app's
        delete and `DELETE /api/documents/{id}` both call this."""
        self._added_file(doc_id).unlink(missing_ok=True)
        return self.ingest([self.settings.store.documents_dir])

    def replace_document(
        self, doc_id: str, file: tuple[Path, str], owner: str = "", uploader: str | None = None
    ) -> UploadJob:
        """A new version of an added document, indexed in the background in its place (see `start_upload`)."""
        return self.start_upload([file], owner, uploader, replacing=self._added_file(doc_id))

    def health(self) -> dict[str, int]:
        """The index's counts, read from it (two small reads, whatever its size): an `IndexProblem` when it cannot be
        read; with answer processes, how many there are and how many have warmed up."""
        health = {"passages": self.store.count(), "documents": self.store.document_count()}
        if self._processes is not None:
            health |= {"answer_processes": self._processes.count, "warm_processes": self._processes.warm}
        return health

    def warm_up(self) -> None:
        """Load what the first question would wait for: the keyword index, the embedding model and, with the claims
        on, the parser that reads every question (seconds a language, paid here rather than by the first asker);
        then the vectors of the index's sentences (read from the file another process saved, else embedded and saved)
        and the app's example questions, French and English, whose first answers pay what is left cold."""
        self.store.lexical()
        self.store.embedder.embed_query("warm up")
        # simplemma's French and English dictionaries load on first use (0.33 s of CPU): the spelling and language
        # checks of a question read them, and the example questions below do not always reach them.
        import simplemma

        simplemma.langdetect("warm up", lang=("fr", "en"))
        if self.settings.store.claims:
            from models.nlp import parses

            for language in ("fr", "en"):
                parses(["Qui a signé ?" if language == "fr" else "Who signed?"], language)
        # The sentences' vectors: another answer process (or this app before its restart, or the pool before an
        # upload renewed it) may have embedded them; one process embeds while the others wait, then read its file.
        # Each answer process embedded the same ones before: 29 s of CPU of a 61 s start, on the bench's index.
        path = self.settings.store.vectors_path
        version = self.store.version()
        passages = self.store.passage_texts()
        with _exclusive(path.with_name(path.name + ".lock")):
            loaded = self.bot.scorer.load(path)
            warmed = self.bot.scorer.warm(
                (sentence for text in passages for sentence in sentences(text) or [text]),
                self.settings.app.warm_up_sentences,
            )
            examples = [question for _, questions in self.app_texts().examples for question in questions]
            for question in examples[: self.settings.app.warm_up_questions]:
                self.bot.ask(question)
            try:
                # Not if the index changed meanwhile: a passage deleted since would be saved again with its text.
                if self.store.version() == version:
                    self.bot.scorer.save(path)
            except OSError as exc:  # the next process embeds them again
                log.warning("could not save the sentence vectors to %s: %s", path, exc)
        log.info("warm-up: %d sentence vectors read, %d embedded", loaded, warmed)

    def start_warm_up(self) -> threading.Thread:
        """Warm up in the background; questions asked meanwhile wait for it (`readiness`). A failure is logged and
        the app goes on: the questions then meet it themselves, with its message."""
        self.readiness.starting()

        def run() -> None:
            started = time.perf_counter()
            try:
                if self._processes is not None:  # they load and warm the models; this process serves and writes
                    self._processes.warm_up()
                else:
                    self.warm_up()
            except Exception:
                log.exception("warming up failed")
            finally:
                self.readiness.finished()
                log.info("ready: warmed up in %.1f s", time.perf_counter() - started)

        thread = threading.Thread(target=run, name="warm-up", daemon=True)
        thread.start()
        return thread

    # Facts

    def facts(self) -> FactIndex:
        return self.store.facts()

    def today(self) -> date:
        return self.settings.answer.today or date.today()

    def app_texts(self) -> AppTexts:
        """The app's title, about text and example questions, from the corpus manifest's `[app]` table."""
        return app_texts(self.settings.store.corpus_dir)

    def whos_who(self, language: str = "en") -> list[list[str]]:
        """One row per person and role: name, role, organisation, source. The same name with two roles in two
        documents gives two rows, each dated by its document."""
        people = sorted(self.facts().people, key=lambda p: (p.name, p.doc_date, p.doc_id))
        return [
            [p.name, p.role or "", p.organisation or "", _source(p.doc_title, p.doc_date, p.doc_id, language)]
            for p in people
        ]

    def timeline(self, language: str = "en") -> list[list[str]]:
        """Dated events and plans, earliest first, one row per event: date, what, kind or status, past or upcoming
        (and whether a later document replaced the date), every document that states it."""
        facts, today = self.facts(), self.today()
        return [
            [
                format_iso(row.iso, language, row.end),
                timeline.label(row, language, facts),
                timeline.kind_name(row, language),
                timeline.status(row, language, today),
                "; ".join(_source(f.doc_title, f.doc_date, f.doc_id, language) for f in timeline.sources(row)),
            ]
            for row in timeline.timeline(facts)
        ]

    # Conversations and feedback

    def _conversation(self, session: str) -> _Conversation:
        """Under the conversations' lock: the session's, the least recently used forgotten past the limit."""
        conversation = self._conversations.setdefault(session, _Conversation())
        self._conversations.move_to_end(session)
        while len(self._conversations) > self.settings.app.remembered_sessions:
            self._conversations.popitem(last=False)
        return conversation

    def remember(
        self, session: str | None, place: int, answer: Answer | None, conversation_id: str | None = None
    ) -> None:
        """The answer given at `place` of a session's conversation (None: a message there that is no answer, a
        refusal or an outage), kept in the conversation `conversation_id`. What came after it is forgotten: the
        conversation was cleared or went back."""
        if not session:
            return
        with self._conversations_lock:
            answers = self._conversation(session).answers
            for later in [p for p in answers if p >= place]:
                del answers[later]
            if answer is not None:
                answers[place] = (uuid.uuid4().hex, answer, conversation_id)
            while len(answers) > self.settings.app.remembered_answers:
                answers.popitem(last=False)

    def unchanged(self, session: str | None, part: str, value: Any) -> bool:
        """Whether the session's page was last sent this `value` of its `part`; `value` is what it is sent now. An
        unchanged list need not be sent again (Gradio rebuilds a component for each update it sends)."""
        if not session:
            return False
        with self._conversations_lock:
            shown = self._conversation(session).shown
            same, shown[part] = shown.get(part) == value, value
            return same

    def last_answer(self, session: str | None) -> Answer | None:
        with self._conversations_lock:
            conversation = self._conversations.get(session) if session else None
            if not conversation or not conversation.answers:
                return None
            return next(reversed(conversation.answers.values()))[1]

    def record_feedback(self, session: str | None, place: Any, liked: Any) -> None:
        """Append a thumbs up or down about the answer given at `place` of the session's conversation to the
        feedback file, with the question and answer as the server gave them. Refused (FeedbackError) when the
        session was given no answer there, or gave more feedback than a session may."""
        app = self.settings.app
        if not isinstance(liked, bool) or not isinstance(place, int) or isinstance(place, bool):
            raise FeedbackError("Feedback is a thumbs up or down on one of the answers.")
        with self._conversations_lock:
            conversation = self._conversations.get(session) if session else None
            found = conversation.answers.get(place) if conversation else None
            if conversation is None or found is None:
                raise FeedbackError("This message is not an answer of this conversation: no feedback recorded.")
            if conversation.feedback >= app.feedback_per_session:
                raise FeedbackError(f"This conversation has given its {app.feedback_per_session} feedbacks.")
            if not self._feedback_rate.take(str(session)):
                raise FeedbackError(f"At most {app.feedback_per_minute} feedbacks a minute: please wait a moment.")
            conversation.feedback += 1
        answer_id, answer, conversation_id = found
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "answer_id": answer_id,
            "conversation_id": conversation_id,  # joins the kept conversation (store/conversations.py)
            "question": answer.question,
            "answer": answer.answer[: app.feedback_max_chars],
            "liked": liked,
        }
        self._feedback.append(entry)


def _source(title: str, doc_date: str, doc_id: str, language: str) -> str:
    when = format_iso(doc_date, language) if doc_date else ""
    return f"{title} ({when})" if when else title or doc_id


def source_header(citation: Citation, language: str) -> str:
    page = f", p. {citation.page}" if citation.page else ""
    date = format_iso(citation.date, language) if citation.date else "undated"
    read = f" — read by OCR ({citation.ocr_confidence:.0f} % confidence)" if citation.ocr else ""
    uploaded = f" — {citation.source}" if citation.doc_id.startswith(f"{UPLOADS}/") and citation.source else ""
    return f"{citation.title} — {date}{page} — {citation.doc_id}{read}{uploaded}"


def _replace_file(old: Path, new: Path) -> Path:
    """The file that replaces `old` with the content of the saved upload `new`: under the old name (the document
    keeps its id) when the type is the same, else the new file, the old one deleted."""
    if new.suffix.lower() != old.suffix.lower():
        old.unlink(missing_ok=True)
        return new
    if new != old:
        os.replace(new, old)
    return old


def _mark_uploads(documents_dir: Path, saved: list[Path], uploader: str, again: bool = False) -> None:
    """Record who uploaded each new file, and when, as its `source` in the manifest of the documents dir (which
    ingest reads, by document id): the sources panel shows it. A file already there keeps its first uploader,
    unless it is uploaded `again` (a replacement)."""
    manifest = documents_dir / MANIFEST_NAME
    try:
        entries = tomllib.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        entries = {}  # written only here: a damaged one loses the marks, not the documents
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    for path in saved:
        key, mark = path.relative_to(documents_dir).as_posix(), {"source": f"uploaded by {uploader} on {when}"}
        entries[key] = mark if again else entries.get(key, mark)
    staging = manifest.with_name(f".{MANIFEST_NAME}.{os.getpid()}")  # a dot file: never read as a document
    staging.write_text(tomli_w.dumps(entries), encoding="utf-8")
    os.replace(staging, manifest)


def _highlighted(citation: Citation) -> list[SourceSegment]:
    segments: list[SourceSegment] = []
    text, cursor = citation.text, 0
    for quoted in sentences(citation.quote):
        start = text.find(quoted, cursor)
        if start < 0:
            continue
        segments += [(text[cursor:start], None), (quoted, "cited")]
        cursor = start + len(quoted)
    segments.append((text[cursor:] + "\n\n", None))
    return segments


@contextlib.contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    """Held by one process at a time (an advisory lock on the file, released if the process dies); by each at once
    where the file cannot be written (a read-only data dir): the lock only saves work."""
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        file = lock.open("a")
    except OSError:
        yield
        return
    with file:
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)
