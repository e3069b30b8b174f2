"""``io.tiercel.plugin.ai.embeddings.SQLiteVec``: a Tiercel addition, not a Kestra type.
Embeddings in a local SQLite file with the sqlite-vec extension: an embedded store that needs
no server, searched by cosine distance in SQLite (``vec0`` virtual table)."""

import importlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from tiercel.plugins.ai.domain.segments import Match, Segment
from tiercel.plugins.ai.embeddings.base import EmbeddingStoreProvider, driver
from tiercel.sdk import RunContext, TaskFailure, Text

_SQLITE_ERRORS = frozenset(
    {"OperationalError", "DatabaseError", "IntegrityError", "ProgrammingError"}
)
"""sqlite3 and pysqlite3 each have their own classes of these names."""


class SQLiteVec(EmbeddingStoreProvider):
    """Embeddings in a SQLite file (sqlite-vec)."""

    type: Literal["io.tiercel.plugin.ai.embeddings.SQLiteVec"]
    path: Text = Field(description="The SQLite file, created when missing (an absolute path).")
    table: Text = Field(default="embeddings", description="The table to store embeddings in.")

    def open(self, ctx: RunContext, dimension: int, drop: bool) -> "SqliteVecStore":
        """Open the file, load sqlite-vec, and create the table when missing."""
        path = Path(str(ctx.render(self.path)))
        table = str(ctx.render(self.table))
        if not path.is_absolute():
            raise TaskFailure(f"SQLiteVec: `path` must be absolute, got '{path}'")
        if not table.isidentifier():
            raise TaskFailure(f"SQLiteVec: `table` must be a plain name, got '{table}'")
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = connect(path)
        store = SqliteVecStore(conn, table)
        with store.errors("Unable to prepare the embedding table"):
            if drop:
                conn.execute(f"DROP TABLE IF EXISTS {table}")
            conn.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING vec0("
                f"embedding float[{dimension}] distance_metric=cosine, +text TEXT, +metadata TEXT)"
            )
            conn.commit()
        return store


def connect(path: Path) -> Any:
    """A connection with sqlite-vec loaded: the standard library's sqlite3 when it can load
    extensions, else pysqlite3 (some Python builds leave extension loading out)."""
    sqlite_vec = driver("sqlite_vec", "sqlite-vec")
    module: Any = sqlite3
    if not hasattr(sqlite3.Connection, "enable_load_extension"):
        try:
            module = importlib.import_module("pysqlite3.dbapi2")
        except ImportError:
            raise TaskFailure(
                "This Python's sqlite3 cannot load extensions: pip install pysqlite3-binary "
                "(or 'tiercel[ai]')"
            ) from None
    conn = module.connect(str(path), check_same_thread=False)
    conn.enable_load_extension(True)
    sqlite_vec.load(conn)
    conn.enable_load_extension(False)
    return conn


class SqliteVecStore:
    """An open sqlite-vec table."""

    def __init__(self, conn: Any, table: str) -> None:
        self._conn = conn
        self._table = table

    @contextmanager
    def errors(self, action: str) -> Iterator[None]:
        """Turn SQLite errors (of either sqlite3 module) inside the block into one line."""
        try:
            yield
        except Exception as exc:
            if type(exc).__name__ not in _SQLITE_ERRORS:
                raise
            raise TaskFailure(f"{action}: {' '.join(str(exc).split())}") from None

    def add(self, vectors: Sequence[Sequence[float]], segments: Sequence[Segment]) -> None:
        """Insert the segments in one transaction."""
        rows = [
            (json.dumps([float(x) for x in vector]), segment.text, json.dumps(segment.metadata))
            for vector, segment in zip(vectors, segments, strict=True)
        ]
        with self.errors("Unable to store the embeddings"):
            self._conn.executemany(
                f"INSERT INTO {self._table} (embedding, text, metadata) VALUES (?, ?, ?)", rows
            )
            self._conn.commit()

    def search(self, vector: Sequence[float], max_results: int, min_score: float) -> list[Match]:
        """K nearest by cosine distance; relevance is ``1 - distance / 2``."""
        with self.errors("Unable to search the embeddings"):
            rows = self._conn.execute(
                f"SELECT distance, text, metadata FROM {self._table} "
                "WHERE embedding MATCH ? AND k = ? ORDER BY distance",
                (json.dumps([float(x) for x in vector]), max_results),
            ).fetchall()
        matches = [
            Match(Segment(text or "", json.loads(metadata or "{}")), 1 - float(distance) / 2)
            for distance, text, metadata in rows
        ]
        return [match for match in matches if match.score >= min_score]

    def close(self) -> None:
        """Close the file."""
        self._conn.close()
