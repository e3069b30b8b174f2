"""The executor's inbox of a shared backend: the queue table other processes post to, read
by a thread of its own into the loop's memory."""

import logging
import queue
import threading
from collections.abc import Callable

from tiercel.runtime.inbox import MemoryInbox
from tiercel.runtime.ports import Call, Item
from tiercel.runtime.wire import ForeignVersion, WireError, decode_event
from tiercel.storage.work import InboxItem, WorkQueue

_log = logging.getLogger("tiercel.shared")

_BATCH = 500


class TableInbox:
    """An ``Inbox`` fed from ``work``'s inbox table, and the ``Companion`` thread reading it.

    Items are acknowledged (deleted from the table) once the loop has applied those before
    them: an executor that dies loses none.
    """

    def __init__(self, work: WorkQueue, *, poll: float = 0.02) -> None:
        self.work = work
        self._memory = MemoryInbox()
        self._poll = poll
        self._halt = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def put(self, execution_id: str, item: Item) -> None:
        """Hand over ``item`` in this process."""
        self._memory.put(execution_id, item)

    def get(self, timeout: float | None) -> tuple[str, Item] | None:
        """The next item, or None when none came within ``timeout`` seconds."""
        return self._memory.get(timeout)

    def empty(self) -> bool:
        """Whether nothing waits in memory."""
        return self._memory.empty()

    def depth(self) -> int:
        """How many items wait in memory."""
        return self._memory.depth()

    def nudge(self) -> None:
        """Read the table now: something was posted in this process."""
        self._wake.set()

    def start(self, halt: Callable[[], None]) -> None:
        """Read the table on a thread of its own."""
        self._thread = threading.Thread(target=self._read, name="tiercel-inbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float) -> None:
        """Stop reading."""
        self._halt.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _read(self) -> None:
        # Every unacknowledged item is read again each time, less those already handed to the
        # loop: PostgreSQL commits sequence numbers out of order, so a watermark could step
        # over an item committed late.
        delivered: set[int] = set()
        acked: queue.SimpleQueue[list[int]] = queue.SimpleQueue()
        while not self._halt.is_set():
            while not acked.empty():
                delivered.difference_update(acked.get())
            try:
                items = self.work.take(0, _BATCH + len(delivered))
            except Exception:  # the database may be restarting: try again shortly
                _log.exception("reading the executor's inbox failed")
                self._halt.wait(1.0)
                continue
            fresh = [item for item in items if item.seq not in delivered]
            if not fresh:
                self._wake.wait(self._poll)
                self._wake.clear()
                continue
            # Items of another version stay in the table, unacknowledged, for an executor that
            # reads them; this one skips them from now on (they stay in ``delivered``).
            seqs = [item.seq for item in fresh if self._deliver(item)]
            delivered.update(item.seq for item in fresh)
            # Acknowledged once the loop has applied the items before it.
            self._memory.put("", Call(_acknowledger(self.work, seqs, acked), threading.Event()))

    def _deliver(self, item: InboxItem) -> bool:
        """Hand an item to the loop; False when it is left for an executor of its version."""
        try:
            event = decode_event(item.payload)
        except ForeignVersion as exc:
            _log.error(
                "inbox item %d (execution %s) is left in the inbox for an executor of its "
                "version: %s",
                item.seq,
                item.execution_id,
                exc,
            )
            return False
        except WireError as exc:
            _log.error("inbox item %d cannot be read, dropped: %s", item.seq, exc)
            return True
        self._memory.put(item.execution_id, event)
        return True


def _acknowledger(
    work: WorkQueue, seqs: list[int], acked: "queue.SimpleQueue[list[int]]"
) -> Callable[[], None]:
    def ack() -> None:
        work.ack(seqs)
        acked.put(seqs)

    return ack
