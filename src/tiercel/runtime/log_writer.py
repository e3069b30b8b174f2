"""Task runs' log lines, written to the log store in batches by a thread of their own.

A task that prints without end fills a bounded buffer and then waits for the writer: it slows
itself, not the executor nor the other tasks. A worker waits for its lines to be written
(``sync``) before it reports the task's result, so an execution's final state is stored after
its tasks' last lines.
"""

import logging
import threading
from collections import deque

from tiercel.storage.ports import LogStore
from tiercel.storage.records import LogEntry

_log = logging.getLogger("tiercel.logs")

_BATCH = 1000
_MAX_PENDING_LINES = 20_000
_MAX_PENDING_CHARS = 16 * 1024 * 1024


class LogWriter:
    """Writes the lines given to ``put`` to ``store``, in order, on its own thread."""

    def __init__(self, store: LogStore) -> None:
        self._store = store
        self._pending: deque[LogEntry] = deque()
        self._pending_chars = 0
        self._put = 0
        """Lines given so far."""
        self._written = 0
        """Lines written (or given up on) so far."""
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def put(self, entry: LogEntry) -> None:
        """Queue one line; wait while the buffer is full."""
        size = len(entry.message)
        with self._changed:
            while (
                (
                    len(self._pending) >= _MAX_PENDING_LINES
                    or self._pending_chars + size > _MAX_PENDING_CHARS
                )
                and self._pending
                and not self._closed
            ):
                self._changed.wait(0.5)
            self._pending.append(entry)
            self._pending_chars += size
            self._put += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._serve, name="tiercel-logs", daemon=True
                )
                self._thread.start()
            self._changed.notify_all()

    def sync(self, timeout: float | None = None) -> bool:
        """Wait until every line queued before this call is written; False on timeout."""
        target = self._put
        if self._written >= target:
            # Everything queued so far is written (a task run that logged nothing): no lock
            # nor condition to take. Both counts only grow, each under the lock.
            return True
        with self._changed:
            return self._changed.wait_for(lambda: self._written >= target, timeout)

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        self.sync(30.0)
        with self._changed:
            self._closed = True
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join(5.0)

    def _serve(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._pending or self._closed)
                if not self._pending:
                    return
                batch = [self._pending.popleft() for _ in range(min(_BATCH, len(self._pending)))]
                self._pending_chars -= sum(len(entry.message) for entry in batch)
                self._changed.notify_all()  # room for writers that wait
            try:
                self._store.append(batch)
            except Exception:  # the database may be restarting: the lines are lost, loudly
                _log.exception("writing %d log lines failed", len(batch))
            with self._changed:
                self._written += len(batch)
                self._changed.notify_all()
