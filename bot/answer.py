"""What the bot returns: the answer, whether it abstained, and the passages it cites."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CitedRow(BaseModel):
    number: int = Field(description="the row's 1-based number in its sheet, or in its table")
    cells: list[str] = Field(description="the row's cells as the document writes them")
    total: bool = Field(default=False, description="a printed total")
    marked: list[int] = Field(default_factory=list, description="the cells the answer used: their columns")


class CitedTable(BaseModel):
    """The table rows a citation's passage holds that the answer used, with their table's header."""

    name: str = Field(default="", description="the sheet's name, or the table's caption")
    header: list[str]
    rows: list[CitedRow] = Field(default_factory=list)


class Citation(BaseModel):
    doc_id: str
    title: str
    date: str = ""
    chunk_id: str
    text: str = Field(description="the whole cited passage")
    score: float
    quote: str = Field(default="", description="the words of the passage the answer rests on")
    start: int = Field(default=0, description="offset of the passage in the cleaned document text")
    end: int = 0
    page: int = 0
    language: str = Field(default="", description="the document's language")
    source: str = Field(default="", description="where the document comes from; for an upload, who added it and when")
    translation: str | None = Field(default=None, description="a checked machine translation of the quote")
    ocr: bool = Field(default=False, description="the page was read by OCR: the words may be misread")
    ocr_confidence: float = Field(default=0.0, description="Tesseract's mean word confidence on the page, 0-100")
    table: CitedTable | None = Field(default=None, description="the table rows of the passage the answer used")


class Answer(BaseModel):
    question: str
    answer: str = Field(description="the whole answer: the direct answer, then the numbered quotes")
    direct: str = Field(default="", description="the sentence that answers, in the asker's language")
    quotes: list[str] = Field(default_factory=list, description="the quoted evidence, verbatim, as numbered")
    kind: str = Field(default="description", description="the kind of answer the question wants")
    abstained: bool
    partial: bool = Field(default=False, description="gives what the documents say and says what they do not")
    language: str
    citations: list[Citation] = Field(default_factory=list)
    standalone_question: str = ""
    retrieved: list[str] = Field(default_factory=list, description="doc_id of each retrieved passage, best first")
    generator: str = Field(default="extractive", description="who worded the answer")
    fallback_reason: str | None = Field(default=None, description="why a model's wording was not used")
    timings: dict[str, float] = Field(default_factory=dict)
