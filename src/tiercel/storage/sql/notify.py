"""PostgreSQL's LISTEN/NOTIFY: the writers of the inbox and job tables notify a channel in
the transaction that writes them (delivered at its commit), and a listening thread wakes the
readers of this process at once instead of at their next poll.

Polling stays the readers' fallback: a notification lost while the listening connection is
down only delays them by one poll. SQLite has no such thing and keeps polling.
"""

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Engine

_log = logging.getLogger("tiercel.shared")

INBOX = "tiercel_inbox"
"""Notified when an event is posted to the executor's inbox."""

JOBS = "tiercel_jobs"
"""Notified when a job waits for a worker (handed over, or given back)."""


def notify_sql(channel: str) -> str:
    """The statement that notifies ``channel`` (one of this module's constants)."""
    return f"SELECT pg_notify('{channel}', '')"


class Listener:
    """A thread LISTENing on the channels of ``wakes`` over a connection of its own, calling
    a channel's function at each notification.

    Args:
        engine: A PostgreSQL engine, whose URL the connection is opened with.
        wakes: For each channel, what to call when it is notified (a reader's nudge).
        retry: Seconds to wait before opening the connection again after it failed.
    """

    def __init__(
        self, engine: Engine, wakes: Mapping[str, Callable[[], None]], *, retry: float = 1.0
    ) -> None:
        self._engine = engine
        self._wakes = dict(wakes)
        self._retry = retry
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
                    wake = self._wakes.get(notice.channel)
                    if wake is not None:
                        wake()
        finally:
            connection.invalidate()  # never back to the pool in LISTEN mode
