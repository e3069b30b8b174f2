"""The executor's inbox table: items reach the loop, and leave the table only once the loop
has applied those before them, while the reader runs and after it has stopped."""

import time
from datetime import UTC, datetime

from tiercel.engine import Kill
from tiercel.runtime.ports import Call
from tiercel.runtime.table_inbox import TableInbox
from tiercel.runtime.wire import encode_event
from tiercel.wiring.local import Backend

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _apply_all(inbox: TableInbox, wanted: int) -> list[str]:
    """Play the loop: take items until ``wanted`` events came, running each call."""
    events: list[str] = []
    deadline = time.monotonic() + 10
    while len(events) < wanted:
        assert time.monotonic() < deadline, "the items did not reach the loop"
        got = inbox.get(0.1)
        if got is None:
            continue
        execution_id, item = got
        if isinstance(item, Call):
            item.run()
        else:
            events.append(execution_id)
    return events


def _left(backend: Backend) -> int:
    return len(backend.work.take(0, 100))


def test_applied_items_leave_the_table_whether_the_reader_runs_or_not(
    backend: Backend,
) -> None:
    inbox = TableInbox(backend.work, poll=0.01)
    inbox.start(lambda: None)
    try:
        for n in range(3):
            backend.work.post(f"e{n}", encode_event(Kill()), now=NOW)
        assert _apply_all(inbox, 3) == ["e0", "e1", "e2"]
        deadline = time.monotonic() + 10
        while inbox.depth() == 0:  # the acknowledgement the reader queued after them
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert _left(backend) == 3  # not applied yet: still in the table
        (_, ack) = inbox.get(1.0) or ("", None)
        assert isinstance(ack, Call)
        ack.run()
        while _left(backend):  # the reader deletes them
            assert time.monotonic() < deadline
            time.sleep(0.01)
        backend.work.post("late", encode_event(Kill()), now=NOW)
        assert _apply_all(inbox, 1) == ["late"]
    finally:
        inbox.stop(5)
    # The reader has stopped: the loop's acknowledgement deletes the item itself.
    while (got := inbox.get(0.5)) is not None:
        if isinstance(got[1], Call):
            got[1].run()
    assert _left(backend) == 0


def test_an_item_posted_here_is_handed_over_from_memory_once_and_acknowledged(
    backend: Backend,
) -> None:
    inbox = TableInbox(backend.work, poll=60)  # reads only when woken
    inbox.start(lambda: None)
    try:
        backend.work.post("e1", encode_event(Kill()), now=NOW)
        (item,) = backend.work.take(0, 10)
        inbox.posted(item.seq, item.execution_id, item.payload)
        inbox.posted(item.seq, item.execution_id, item.payload)  # told twice: handed over once
        got = inbox.get(5.0)
        assert got is not None and got[0] == "e1" and isinstance(got[1], Kill)
        inbox.nudge()  # a read finds it handed over already, and queues its acknowledgement
        (_, ack) = inbox.get(5.0) or ("", None)
        assert isinstance(ack, Call)
        assert inbox.get(0.2) is None  # neither read nor handed over again
        assert _left(backend) == 1  # kept until the loop has applied it
        ack.run()  # applied: deleted by a read after this (the reader's first may be late)
        inbox.nudge()
        deadline = time.monotonic() + 10
        while _left(backend):
            assert time.monotonic() < deadline
            time.sleep(0.01)
    finally:
        inbox.stop(5)


def test_an_item_posted_while_the_reader_is_stopped_is_left_to_be_read(
    backend: Backend,
) -> None:
    inbox = TableInbox(backend.work, poll=0.01)
    backend.work.post("e1", encode_event(Kill()), now=NOW)
    (item,) = backend.work.take(0, 10)
    inbox.posted(item.seq, item.execution_id, item.payload)
    assert inbox.get(0.1) is None
    inbox.start(lambda: None)
    try:
        assert _apply_all(inbox, 1) == ["e1"]
    finally:
        inbox.stop(5)
