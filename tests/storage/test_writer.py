"""The hot path's write transactions (``prepared.Writer``): on SQLite one connection is kept
between them, lent to one thread at a time, and given back when a transaction fails or the
database closes."""

import threading
from pathlib import Path

import pytest

from tiercel.storage.sql.database import Database


def _database(tmp_path: Path) -> Database:
    db = Database.sqlite(tmp_path / "state.db")
    with db.write() as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    return db


def _rows(db: Database) -> list[int]:
    with db.read() as conn:
        return [row[0] for row in conn.exec_driver_sql("SELECT n FROM t ORDER BY n")]


def test_one_connection_serves_every_transaction_and_goes_back_on_close(tmp_path: Path) -> None:
    db = _database(tmp_path)
    seen = set()
    for n in range(3):
        with db.write_cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (?)", (n,))
            seen.add(id(cursor.connection))
        assert db.engine.pool.checkedout() == 1  # kept for the next transaction
    assert len(seen) == 1 and _rows(db) == [0, 1, 2]
    db.close()
    assert db.engine.pool.checkedout() == 0


def test_a_failed_transaction_rolls_back_and_gives_its_connection_back(tmp_path: Path) -> None:
    db = _database(tmp_path)
    with pytest.raises(RuntimeError), db.write_cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
        raise RuntimeError("the step failed")
    assert db.engine.pool.checkedout() == 0 and _rows(db) == []
    with db.write_cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (2)")
    assert _rows(db) == [2]
    db.close()


def test_a_second_thread_meanwhile_takes_a_pooled_connection(tmp_path: Path) -> None:
    db = _database(tmp_path)
    inside, other_done = threading.Event(), threading.Event()
    connections: dict[str, int] = {}

    def other() -> None:
        inside.wait(5)
        # The first thread holds the SQLite write lock: this transaction waits for it (the
        # busy timeout), then commits on its own connection.
        with db.write_cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (2)")
            connections["other"] = id(cursor.connection)
        other_done.set()

    thread = threading.Thread(target=other)
    thread.start()
    with db.write_cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (1)")
        connections["first"] = id(cursor.connection)
        inside.set()
        assert not other_done.wait(0.2)  # serialised behind this transaction
    thread.join(10)
    assert other_done.is_set() and connections["first"] != connections["other"]
    assert _rows(db) == [1, 2]
    db.release_memory()
    assert db.engine.pool.checkedout() == 0
    db.close()
