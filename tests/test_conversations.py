"""The conversations' store on an in-memory SQLite database, with a clock the test moves."""

from __future__ import annotations

import pytest

from core.errors import SettingsError
from store.conversations import ConversationStore, UnknownConversation


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        self.now += 1
        return self.now


def turn(question: str, answer: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(clock) -> ConversationStore:
    return ConversationStore("sqlite://", max_messages=6, per_owner=3, clock=clock)


@pytest.mark.unit
def test_a_conversation_keeps_its_turns_in_order_for_its_owner_only(store):
    first = store.create("user:ada", "Who signed the fictional charter of Norvelle?")
    store.append("user:ada", first, turn("Who signed the fictional charter of Norvelle?", "Ilsa Varga [1]."))
    store.append("user:ada", first, turn("When?", "On 3 March 2031 [1]."))
    store.append("user:ada", first, [])  # nothing to add: the conversation stays as it was
    assert store.messages("user:ada", first) == [
        *turn("Who signed the fictional charter of Norvelle?", "Ilsa Varga [1]."),
        *turn("When?", "On 3 March 2031 [1]."),
    ]
    [summary] = store.list("user:ada")
    assert (summary.id, summary.title, summary.messages) == (first, "Who signed the fictional charter of Norvelle?", 4)
    # Another owner neither lists, reads, continues nor deletes it.
    assert store.list("user:bob") == []
    for act in (
        lambda: store.messages("user:bob", first),
        lambda: store.append("user:bob", first, turn("x", "y")),
        lambda: store.delete("user:bob", first),
    ):
        with pytest.raises(UnknownConversation):
            act()
    store.delete("user:ada", first)
    assert store.list("user:ada") == []
    with pytest.raises(UnknownConversation):
        store.messages("user:ada", first)


@pytest.mark.unit
def test_bounds_the_oldest_messages_the_least_recently_used_conversations_and_old_ones_go(store, clock):
    long = store.create("o", "q0")
    for n in range(5):
        store.append("o", long, turn(f"q{n}", f"a{n}"))
    assert [m["content"] for m in store.messages("o", long)] == ["q2", "a2", "q3", "a3", "q4", "a4"]  # the last 6

    others = [store.create("o", f"other {n}") for n in range(2)]
    store.append("o", long, turn("q5", "a5"))  # used last: kept when a fourth comes
    fourth = store.create("o", "fourth")
    assert [c.id for c in store.list("o")] == [fourth, long, others[1]]  # others[0], least recently used, went
    assert [c.title for c in store.list("o")] == ["fourth", "q0", "other 1"]

    clock.now += 10 * 86_400
    recent = store.create("p", "recent")
    assert store.prune(max_age_seconds=86_400) == 3
    assert store.list("o") == [] and [c.id for c in store.list("p")] == [recent]


@pytest.mark.unit
def test_a_long_title_is_cut_and_a_url_that_names_no_database_is_a_settings_error(store):
    conversation = store.create("o", "word " * 100)
    assert len(store.list("o")[0].title) == 80 and store.list("o")[0].title.endswith("…")
    assert store.messages("o", conversation) == []
    with pytest.raises(SettingsError, match="PARTNERBOT_CONVERSATIONS_URL"):
        ConversationStore("nosuchdb://host/x", 10, 10)


@pytest.mark.unit
def test_each_listed_conversation_counts_its_own_messages_only(store, tmp_path):
    """The counts come per conversation: an empty one says 0, another owner's messages count nowhere."""
    busy = store.create("o", "busy")
    store.append("o", busy, turn("a", "b") + turn("c", "d"))
    empty = store.create("o", "empty")
    elsewhere = store.create("p", "elsewhere")
    store.append("p", elsewhere, turn("e", "f"))
    assert [(c.id, c.messages) for c in store.list("o")] == [(empty, 0), (busy, 4)]
    assert [(c.id, c.messages) for c in store.list("p")] == [(elsewhere, 2)]
    # A file database syncs in WAL's NORMAL mode (a commit an answer), and reads what it wrote.
    on_disk = ConversationStore(f"sqlite:///{tmp_path / 'c.db'}", max_messages=6, per_owner=3)
    kept = on_disk.create("o", "kept")
    on_disk.append("o", kept, turn("g", "h"))
    with on_disk.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    assert [(c.id, c.messages) for c in on_disk.list("o")] == [(kept, 2)]
