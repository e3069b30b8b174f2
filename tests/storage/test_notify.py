"""LISTEN/NOTIFY on PostgreSQL: a write to the inbox or the jobs by one process wakes the
readers of another at its commit; SQLite has no listener (its readers poll)."""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tiercel.storage import Database, SqlExecutionStore, SqlWorkQueue
from tiercel.storage.sql.notify import INBOX, JOBS, Listener
from tiercel.storage.work import Job

T0 = datetime(2026, 1, 1, tzinfo=UTC)
WAIT = 10.0
"""Seconds a wake may take on a loaded machine; it comes in milliseconds when it works."""


@pytest.fixture
def listening(postgres_url: str) -> Iterator[tuple[Database, dict[str, threading.Event]]]:
    """A database, and an event per channel set by a listener on a database of its own."""
    woken = {INBOX: threading.Event(), JOBS: threading.Event()}
    with Database(postgres_url) as theirs, Database(postgres_url) as ours:
        listener = SqlWorkQueue(ours).listener({name: event.set for name, event in woken.items()})
        assert isinstance(listener, Listener)
        listener.start()
        try:
            assert listener.listening.wait(WAIT)
            yield theirs, woken
        finally:
            listener.stop()


def test_posting_to_the_inbox_wakes_its_reader(
    listening: tuple[Database, dict[str, threading.Event]],
) -> None:
    database, woken = listening
    SqlWorkQueue(database).post("e1", b"event", now=T0)
    assert woken[INBOX].wait(WAIT)
    assert not woken[JOBS].is_set()


def test_a_completed_job_wakes_the_inbox_and_a_given_back_one_the_workers(
    listening: tuple[Database, dict[str, threading.Event]],
) -> None:
    database, woken = listening
    queue = SqlWorkQueue(database)
    queue.enqueue([Job("run1", "e1", b"job", T0)])
    assert woken[JOBS].wait(WAIT)
    woken[JOBS].clear()
    queue.claim("w1", 1, now=T0, lease=T0 - T0)
    assert queue.give_back("w1", "run1")
    assert woken[JOBS].wait(WAIT)
    queue.claim("w1", 1, now=T0, lease=T0 - T0)
    assert queue.complete("w1", "run1", b"done", now=T0)
    assert woken[INBOX].wait(WAIT)


def test_jobs_stored_with_a_step_wake_the_workers(
    listening: tuple[Database, dict[str, threading.Event]],
) -> None:
    database, woken = listening
    SqlExecutionStore(database).save_all([], [Job("run1", "e1", b"job", T0)])
    assert woken[JOBS].wait(WAIT)
    (claimed,) = SqlWorkQueue(database).claim("w1", 1, now=T0, lease=T0 - T0)
    assert (claimed.task_run_id, claimed.payload) == ("run1", b"job")


def test_sqlite_has_no_listener(database: Database) -> None:
    queue = SqlWorkQueue(database)
    listener = queue.listener({INBOX: lambda: None})
    assert (listener is None) == (database.dialect == "sqlite")
    if listener is not None:
        listener.stop()  # never started: stopping is harmless


def test_a_listener_passes_over_what_its_own_process_notified(postgres_url: str) -> None:
    woken = {INBOX: threading.Event(), JOBS: threading.Event()}
    with Database(postgres_url) as ours, Database(postgres_url) as theirs:
        queue = SqlWorkQueue(ours)
        listener = queue.listener({name: event.set for name, event in woken.items()})
        assert isinstance(listener, Listener)
        listener.start()
        try:
            assert listener.listening.wait(WAIT)
            queue.post("e1", b"ours", now=T0)  # this process's writer tells its reader itself
            # Notifications arrive in commit order: once another process's has woken the
            # workers, this process's own was passed over.
            SqlWorkQueue(theirs).enqueue([Job("run1", "e1", b"job", T0)])
            assert woken[JOBS].wait(WAIT)
            assert not woken[INBOX].is_set()
            SqlWorkQueue(theirs).post("e2", b"theirs", now=T0)
            assert woken[INBOX].wait(WAIT)
        finally:
            listener.stop()
