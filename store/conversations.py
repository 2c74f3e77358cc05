"""Each user's conversations, kept in a database through SQLAlchemy: a SQLite file in the data dir by default, or
any database named by URL (`PARTNERBOT_CONVERSATIONS_URL`) when several app processes share one Chroma server.

Bounded: a conversation keeps its latest `max_messages` messages, an owner its `per_owner` most recently used
conversations, and `prune` drops the ones nobody touched for a while. Every read and write names the owner: a
conversation is found only by its owner.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine, ForeignKey, String, Text, create_engine, delete, event, func, insert, select, update
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.pool import StaticPool

from core.errors import PartnerbotError, SettingsError

# A conversation's title: the start of its first question, as long as a list of conversations shows.
TITLE_CHARS = 80
_UNKNOWN = "This conversation does not exist (any more): start a new one."


class UnknownConversation(PartnerbotError):
    """No conversation of this owner has that id (never had, deleted, or pruned)."""


class ConversationsUnavailable(PartnerbotError):
    """The conversations' database cannot be read or written."""


class _Base(DeclarativeBase):
    pass


class _Conversation(_Base):
    __tablename__ = "conversations"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_CHARS))
    created: Mapped[float]
    updated: Mapped[float] = mapped_column(index=True)


class _Message(_Base):
    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)  # the order of the messages
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    created: Mapped[float]


@dataclass(frozen=True)
class ConversationSummary:
    id: str
    title: str
    updated: float  # seconds since the epoch
    messages: int


_F = TypeVar("_F", bound=Callable[..., Any])


def _guarded(method: _F) -> _F:
    """A database that fails is a `ConversationsUnavailable`, not a driver's exception."""

    @functools.wraps(method)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except SQLAlchemyError as exc:
            raise ConversationsUnavailable(
                f"The conversations cannot be read or saved right now ({type(exc).__name__})."
            ) from exc

    return run  # type: ignore[return-value]


def _engine(url: str) -> Engine:
    try:
        if url in ("sqlite://", "sqlite:///:memory:"):  # one connection, else each would see its own empty database
            return create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise SettingsError(f"PARTNERBOT_CONVERSATIONS_URL cannot be used ({exc})") from exc
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _wal(connection, _record) -> None:
            # Readers do not wait for a writer; app processes on one machine can share the file.
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA busy_timeout=5000")
            # With WAL, NORMAL syncs at checkpoints instead of at every commit (one commit an answer on the page): a
            # crash of the app loses nothing, a power cut may lose the last turns, never the file's consistency.
            connection.execute("PRAGMA synchronous=NORMAL")

    return engine


class ConversationStore:
    def __init__(self, url: str, max_messages: int, per_owner: int, clock: Callable[[], float] = time.time) -> None:
        self.max_messages, self.per_owner, self.clock = max_messages, per_owner, clock
        self.engine = _engine(url)
        _guarded(_Base.metadata.create_all)(self.engine)

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def _owned(self, session: Session, owner: str, conversation_id: str) -> _Conversation:
        found = session.get(_Conversation, conversation_id)
        if found is None or found.owner != owner:  # another's is as unknown as none
            raise UnknownConversation(_UNKNOWN)
        return found

    @_guarded
    def create(self, owner: str, title: str) -> str:
        """A new conversation of `owner`; past `per_owner`, the owner's least recently used go."""
        now = self.clock()
        conversation_id = uuid.uuid4().hex
        with self._session() as session, session.begin():
            session.add(_Conversation(id=conversation_id, owner=owner, title=_title(title), created=now, updated=now))
            session.flush()
            ids = select(_Conversation.id).where(_Conversation.owner == owner)
            surplus = session.scalars(
                ids.order_by(_Conversation.updated.desc(), _Conversation.created.desc()).offset(self.per_owner)
            ).all()
            _delete(session, list(surplus))
        return conversation_id

    @_guarded
    def append(self, owner: str, conversation_id: str, messages: list[dict[str, str]]) -> None:
        """Add messages ({"role", "content"}) at the end of the owner's conversation; past `max_messages`, its
        oldest go. Statements, not the ORM's unit of work: the page keeps a turn after every answer, and the ORM's
        objects and flush took 2.7-3.2 ms of CPU a turn (1,000 turns appended to a SQLite file), these 1.2-1.4 ms."""
        now = self.clock()
        with self.engine.begin() as connection:
            touched = connection.execute(
                update(_Conversation)
                .where(_Conversation.id == conversation_id, _Conversation.owner == owner)
                .values(updated=now)
            )
            if touched.rowcount != 1:  # another's is as unknown as none
                raise UnknownConversation(_UNKNOWN)
            rows = [
                {"conversation_id": conversation_id, "role": m["role"], "content": m["content"], "created": now}
                for m in messages
            ]
            if rows:  # an empty list would be one insert of nothing, refused by the columns' NOT NULL
                connection.execute(insert(_Message), rows)
            kept = select(_Message.id).where(_Message.conversation_id == conversation_id)
            oldest = connection.scalars(kept.order_by(_Message.id.desc()).offset(self.max_messages)).all()
            if oldest:
                connection.execute(delete(_Message).where(_Message.id.in_(oldest)))

    @_guarded
    def messages(self, owner: str, conversation_id: str) -> list[dict[str, str]]:
        """The owner's conversation, oldest message first."""
        with self._session() as session:
            self._owned(session, owner, conversation_id)
            rows = session.execute(
                select(_Message.role, _Message.content)
                .where(_Message.conversation_id == conversation_id)
                .order_by(_Message.id)
            )
            return [{"role": role, "content": content} for role, content in rows]

    @_guarded
    def list(self, owner: str) -> list[ConversationSummary]:
        """The owner's conversations, the most recently used first."""
        # Counted per conversation of this owner through the messages' index: a count grouped over the whole table
        # read every owner's messages at each list, which the page asks for after every answer.
        count = (
            select(func.count())
            .where(_Message.conversation_id == _Conversation.id)
            .correlate(_Conversation)
            .scalar_subquery()
        )
        columns = (_Conversation.id, _Conversation.title, _Conversation.updated, count)
        with self._session() as session:
            rows = session.execute(
                select(*columns)
                .where(_Conversation.owner == owner)
                .order_by(_Conversation.updated.desc(), _Conversation.created.desc())
            )
            return [ConversationSummary(*row) for row in rows]

    @_guarded
    def delete(self, owner: str, conversation_id: str) -> None:
        with self._session() as session, session.begin():
            self._owned(session, owner, conversation_id)
            _delete(session, [conversation_id])

    @_guarded
    def prune(self, max_age_seconds: float) -> int:
        """Delete every conversation not used for `max_age_seconds`; returns how many went."""
        horizon = self.clock() - max_age_seconds
        with self._session() as session, session.begin():
            old = session.scalars(select(_Conversation.id).where(_Conversation.updated < horizon)).all()
            _delete(session, list(old))
        return len(old)


def _delete(session: Session, ids: list[str]) -> None:
    if ids:
        session.execute(delete(_Message).where(_Message.conversation_id.in_(ids)))
        session.execute(delete(_Conversation).where(_Conversation.id.in_(ids)))


def _title(question: str) -> str:
    words = " ".join(question.split())
    return words if len(words) <= TITLE_CHARS else words[: TITLE_CHARS - 1].rstrip() + "…"
