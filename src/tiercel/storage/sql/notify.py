"""PostgreSQL's LISTEN/NOTIFY: the writers of the inbox and job tables notify a channel in
the transaction that writes them (delivered at its commit), and a listening thread wakes the
readers of this process at once instead of at their next poll.

Polling stays the readers' fallback: a notification lost while the listening connection is
down only delays them by one poll. SQLite has no such thing and keeps polling.

A process's own writes wake its readers directly (a worker tells the executor beside it of a
result, the executor its worker of new jobs), so the listener passes over the notifications
its own process's connections sent: each would wake a reader a second time, for a read that
finds nothing new.
"""

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Engine, event

_log = logging.getLogger("tiercel.shared")

INBOX = "tiercel_inbox"
"""Notified when an event is posted to the executor's inbox."""

JOBS = "tiercel_jobs"
"""Notified when a job waits for a worker (handed over, or given back)."""


def notify_sql(channel: str) -> str:
    """The statement that notifies ``channel`` (one of this module's constants)."""
    return f"SELECT pg_notify('{channel}', '')"


class OwnSessions:
    """The server process ids of ``engine``'s pooled connections: whatever they notify, this
    process wrote. Told at each checkout (a dictionary look-up once known)."""

    def __init__(self, engine: Engine) -> None:
        self.pids: set[int] = set()
        event.listen(engine, "checkout", self._checked_out)
        event.listen(engine, "close", self._closed)

    def _checked_out(self, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if "backend_pid" not in record.info:
            pid = int(dbapi_connection.info.backend_pid)
            record.info["backend_pid"] = pid
            self.pids.add(pid)

    def _closed(self, _dbapi_connection: Any, record: Any) -> None:
        # Its server process ends with it; the id may come back for another client's.
        self.pids.discard(record.info.pop("backend_pid", None))


class Listener:
    """A thread LISTENing on the channels of ``wakes`` over a connection of its own, calling
    a channel's function at each notification.

    Args:
        engine: A PostgreSQL engine, whose URL the connection is opened with.
        wakes: For each channel, what to call when it is notified (a reader's nudge).
        retry: Seconds to wait before opening the connection again after it failed.
        own: The sessions of this process, whose notifications are passed over; None to
            follow every notification.
    """

    def __init__(
        self,
        engine: Engine,
        wakes: Mapping[str, Callable[[], None]],
        *,
        retry: float = 1.0,
        own: OwnSessions | None = None,
    ) -> None:
        self._engine = engine
        self._wakes = dict(wakes)
        self._retry = retry
        self._own: set[int] = set() if own is None else own.pids
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = threading.Event()
        """Set once the channels are listened to (tests wait for it)."""

    def start(self) -> None:
        """Listen on a thread of its own."""
        self._thread = threading.Thread(target=self._serve, name="tiercel-listen", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop listening and close the connection."""
        self._halt.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _serve(self) -> None:
        while not self._halt.is_set():
            try:
                self._listen()
            except Exception:  # the server may be restarting: the readers poll meanwhile
                _log.exception("listening for notifications failed; trying again")
                self.listening.clear()
                self._halt.wait(self._retry)

    def _listen(self) -> None:
        # A connection of its own, outside the pool: it stays in LISTEN for the process's life.
        connection = self._engine.raw_connection()
        try:
            driver: Any = connection.driver_connection
            driver.autocommit = True
            for channel in self._wakes:
                driver.execute(f'LISTEN "{channel}"')
            self.listening.set()
            while not self._halt.is_set():
                # A short timeout: the halt switch is looked at between waits.
                for notice in driver.notifies(timeout=0.5):
                    if notice.pid in self._own:
                        continue  # this process's own write: its reader was told directly
                    wake = self._wakes.get(notice.channel)
                    if wake is not None:
                        wake()
        finally:
            connection.invalidate()  # never back to the pool in LISTEN mode
