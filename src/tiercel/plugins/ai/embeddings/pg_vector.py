"""``io.kestra.plugin.ai.embeddings.PGVector``: embeddings in a PostgreSQL table with the
pgvector extension, searched by cosine distance in the database. The table has
langchain4j's shape (``embedding_id``, ``embedding``, ``text``, ``metadata``), so Kestra and
Tiercel can share it."""

import json
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

from pydantic import Field

from tiercel.plugins.ai.domain.segments import Match, Segment
from tiercel.plugins.ai.embeddings.base import EmbeddingStoreProvider, connect_postgres, driver
from tiercel.plugins.cloud.errors import failure
from tiercel.sdk import Property, RunContext, Text

IVFFLAT_LISTS = 100


class PGVector(EmbeddingStoreProvider):
    """Embeddings in PostgreSQL with pgvector."""

    type: Literal[
        "io.kestra.plugin.ai.embeddings.PGVector",
        "io.kestra.plugin.langchain4j.embeddings.PGVector",
    ]
    host: Text = Field(description="The database server host.")
    port: Property[int] = Field(description="The database server port.")
    user: Text = Field(description="The database user.")
    password: Text = Field(description="The database password.", json_schema_extra={"secret": True})
    database: Text = Field(description="The database name.")
    table: Text = Field(description="The table to store embeddings in.")
    use_index: Property[bool] = Field(
        default=False, description="Create an IVFFlat index on the embeddings."
    )

    def open(self, ctx: RunContext, dimension: int, drop: bool) -> "PgVectorStore":
        """Connect; create the extension and the table when missing (dropped first with
        ``drop``)."""
        sql = driver("psycopg.sql", "psycopg")
        password = str(ctx.render(self.password))
        table = str(ctx.render(self.table))
        host = str(ctx.render(self.host))
        conn = connect_postgres(
            host,
            ctx.render_as(self.port, int),
            str(ctx.render(self.user)),
            password,
            str(ctx.render(self.database)),
        )
        store = PgVectorStore(conn, sql.Identifier(table), password)
        with store.errors("Unable to prepare the embedding table"):
            name = sql.Identifier(table)
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
            if drop:
                conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(name))
            conn.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} (embedding_id UUID PRIMARY KEY, "
                    "embedding vector({}), text TEXT NULL, metadata JSON NULL)"
                ).format(name, sql.Literal(dimension))
            )
            if ctx.render_as(self.use_index, bool):
                conn.execute(
                    sql.SQL(
                        "CREATE INDEX IF NOT EXISTS {} ON {} USING ivfflat "
                        "(embedding vector_cosine_ops) WITH (lists = {})"
                    ).format(sql.Identifier(f"{table}_ivfflat_index"), name, IVFFLAT_LISTS)
                )
        return store


class PgVectorStore:
    """An open pgvector table."""

    def __init__(self, conn: Any, table: Any, password: str) -> None:
        self._conn = conn
        self._table = table
        self._password = password
        self._sql = driver("psycopg.sql", "psycopg")

    @contextmanager
    def errors(self, action: str) -> Iterator[None]:
        """Turn driver errors inside the block into one line, with the password masked."""
        psycopg = driver("psycopg", "psycopg")
        try:
            yield
        except psycopg.Error as exc:
            raise failure(action, exc, [self._password]) from None

    def add(self, vectors: Sequence[Sequence[float]], segments: Sequence[Segment]) -> None:
        """Insert the segments in one transaction."""
        rows = [
            (str(uuid.uuid4()), _literal(vector), segment.text, json.dumps(segment.metadata))
            for vector, segment in zip(vectors, segments, strict=True)
        ]
        query = self._sql.SQL(
            "INSERT INTO {} (embedding_id, embedding, text, metadata) "
            "VALUES (%s, %s::vector, %s, %s)"
        ).format(self._table)
        with (
            self.errors("Unable to store the embeddings"),
            self._conn.transaction(),
            self._conn.cursor() as cursor,
        ):
            cursor.executemany(query, rows)

    def search(self, vector: Sequence[float], max_results: int, min_score: float) -> list[Match]:
        """Nearest by cosine distance ``<=>``; relevance is ``(2 - distance) / 2``."""
        query = self._sql.SQL(
            "SELECT (2 - (embedding <=> %(v)s::vector)) / 2 AS score, text, metadata FROM {} "
            "WHERE (2 - (embedding <=> %(v)s::vector)) / 2 >= %(min)s "
            "ORDER BY embedding <=> %(v)s::vector LIMIT %(k)s"
        ).format(self._table)
        with self.errors("Unable to search the embeddings"):
            rows = self._conn.execute(
                query, {"v": _literal(vector), "min": min_score, "k": max_results}
            ).fetchall()
        return [
            Match(Segment(text or "", metadata if isinstance(metadata, dict) else {}), float(score))
            for score, text, metadata in rows
        ]

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()


def _literal(vector: Sequence[float]) -> str:
    """pgvector's text form, ``[0.1,0.2]``: no client-side adapter needed."""
    return "[" + ",".join(repr(float(x)) for x in vector) + "]"
