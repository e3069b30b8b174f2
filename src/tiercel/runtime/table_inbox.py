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
    them: an executor that dies loses none. What a worker of this process posts is handed
    over from memory (``posted``) rather than read back; it is acknowledged the same way.
    """

    def __init__(self, work: WorkQueue, *, poll: float = 0.02) -> None:
        self.work = work
        self._memory = MemoryInbox()
        self._poll = poll
        self._halt = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._acked: queue.SimpleQueue[list[int]] = queue.SimpleQueue()
        """Items the loop has applied, for the reading thread to delete from the table."""
        self._lock = threading.Lock()
        self._reading = False
        """Whether the reading thread runs (under ``_lock``)."""
        self._delivered: set[int] = set()
        """Items handed to the loop and not yet deleted (under ``_lock``): never handed
        over twice, whether read or posted here."""
        self._posted: list[int] = []
        """Items posted here since the last read, for its acknowledgement (under ``_lock``)."""

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
        """Read the table now: another process posted to it."""
        self._wake.set()

    def posted(self, seq: int, execution_id: str, payload: bytes) -> None:
        """Hand over the item ``seq`` that this process posted (and committed): no read
        brings it back. Left to be read when the reading thread does not run (the next
        executor to read the table applies it)."""
        with self._lock:
            if not self._reading or seq in self._delivered:
                return
            self._delivered.add(seq)
            if self._deliver(InboxItem(seq, execution_id, payload)):
                # Acknowledged with the next read's items: a call after it in the queue.
                self._posted.append(seq)

    def start(self, halt: Callable[[], None]) -> None:
        """Read the table on a thread of its own."""
        with self._lock:
            self._reading = True
        self._thread = threading.Thread(target=self._read, name="tiercel-inbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float) -> None:
        """Stop reading."""
        self._halt.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _read(self) -> None:
        # Every unacknowledged item stays in the table and is looked for again at each read,
        # less those already handed to the loop (``_delivered``, left out by the query):
        # PostgreSQL commits sequence numbers out of order, so a watermark could step over an
        # item committed late.
        try:
            self._serve()
        finally:
            with self._lock:
                self._reading = False  # from now on the loop deletes what it applied itself
                posted, self._posted = self._posted, []
            if posted:
                self._memory.put("", Call(self._acknowledger(posted), threading.Event()))
            try:
                self.work.ack(self._applied())
            except Exception:  # left in the table: the next executor applies them again
                _log.exception("acknowledging the executor's inbox failed")

    def _serve(self) -> None:
        while not self._halt.is_set():
            # Cleared before the read: a wake that comes during it brings another read.
            self._wake.clear()
            # The items the loop has applied leave the table in the read's transaction.
            acked = self._applied()
            with self._lock:
                skip = set(self._delivered)
            try:
                items = self.work.read_inbox(acked, skip, _BATCH)
            except Exception:  # the database may be restarting: try again shortly
                self._acked.put(acked)  # deleted at the next read
                _log.exception("reading the executor's inbox failed")
                self._halt.wait(1.0)
                continue
            with self._lock:
                self._delivered.difference_update(acked)
                # Items of another version stay in the table, unacknowledged, for an
                # executor that reads them; this one skips them from now on (they stay in
                # ``_delivered``). One posted here meanwhile is not handed over twice.
                fresh = [item for item in items if item.seq not in self._delivered]
                seqs = [item.seq for item in fresh if self._deliver(item)]
                self._delivered.update(item.seq for item in fresh)
                seqs.extend(self._posted)  # handed over before this call is queued
                self._posted = []
            if seqs:
                # Acknowledged once the loop has applied (and stored) the items before it:
                # the loop only says so, and this thread deletes them, off the loop's path.
                self._memory.put("", Call(self._acknowledger(seqs), threading.Event()))
            if len(items) < _BATCH:  # all there was: the next comes with a wake, or a poll
                self._wake.wait(self._poll)

    def _acknowledger(self, seqs: list[int]) -> Callable[[], None]:
        """What the loop runs once it has applied the items before: the items ``seqs``
        may go from the table."""

        def ack() -> None:
            with self._lock:
                if self._reading:
                    # Deleted with the next read, which a poll or a new item soon brings: a
                    # read of its own would cost a transaction for nothing new.
                    self._acked.put(seqs)
                    return
            self.work.ack(seqs)  # the reading thread has stopped

        return ack

    def _applied(self) -> list[int]:
        """The items the loop has applied since the last read, to delete from the table."""
        applied: list[int] = []
        while not self._acked.empty():
            applied.extend(self._acked.get())
        return applied

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
