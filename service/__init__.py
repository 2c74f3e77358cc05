"""The application service: what the CLI, the app, the evaluation and the bench do with partnerbot."""

from bot.answer import Answer, CitedRow, CitedTable
from core.errors import PartnerbotError, QuestionError
from service.chat import AddResult, ChatService, FeedbackError, SourceSegment
from service.wiring import build_service

__all__ = [
    "AddResult",
    "Answer",
    "ChatService",
    "CitedRow",
    "CitedTable",
    "FeedbackError",
    "PartnerbotError",
    "QuestionError",
    "SourceSegment",
    "build_service",
]
