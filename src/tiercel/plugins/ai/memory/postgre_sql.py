"""``io.kestra.plugin.ai.memory.PostgreSQL``: a conversation kept in a PostgreSQL table
(``memory_id``, ``memory_json``, ``expires_at``), as Kestra's provider keeps it, in
langchain4j's chat-message JSON."""

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field

from tiercel.plugins.ai.embeddings.base import connect_postgres, driver
from tiercel.plugins.ai.memory.kestra_kv_store import (
    ChatMemory,
    Drop,
    MemoryProvider,
    from_langchain4j,
    to_langchain4j,
)
from tiercel.plugins.cloud.errors import failure
from tiercel.sdk import Property, RunContext, Text


class PostgreSQL(MemoryProvider):
    """Chat memory in a PostgreSQL table."""

    type: Literal["io.kestra.plugin.ai.memory.PostgreSQL"]
    host: Text = Field(description="The server's host name.")
    port: Property[int] = Field(default=5432, description="The server's port.")
    database: Text = Field(description="The database.")
    user: Text = Field(description="The user.")
    password: Text = Field(description="The password.", json_schema_extra={"secret": True})
    table_name: Text = Field(default="chat_memory", description="The table (`chat_memory`).")

    def open(self, ctx: RunContext) -> ChatMemory:
        """Load the conversation, unless it expired or is dropped before the run.

        Raises:
            TaskFailure: bad settings, the server refused, or the row is not a chat memory.
        """
        limit, key, drop, ttl = self.settings(ctx)
        psycopg = driver("psycopg", "psycopg")
        sql = driver("psycopg.sql", "psycopg")
        password = str(ctx.render(self.password))
        host = str(ctx.render(self.host))
        table = sql.Identifier(str(ctx.render(self.table_name)))

        def connected() -> Any:
            return connect_postgres(
                host,
                ctx.render_as(self.port, int),
                str(ctx.render(self.user)),
                password,
                str(ctx.render(self.database)),
            )

        def run(action: str, statements: list[tuple[Any, tuple[Any, ...]]]) -> Any:
            row = None
            with connected() as conn:
                try:
                    conn.execute(
                        sql.SQL(
                            "CREATE TABLE IF NOT EXISTS {} (memory_id TEXT PRIMARY KEY, "
                            "memory_json TEXT NOT NULL, expires_at TIMESTAMPTZ)"
                        ).format(table)
                    )
                    for statement, params in statements:
                        cursor = conn.execute(statement, params)
                        row = cursor.fetchone() if cursor.description else None
                except psycopg.Error as exc:
                    raise failure(action, exc, [password]) from None
            return row

        delete = sql.SQL("DELETE FROM {} WHERE memory_id = %s").format(table)
        memory = ChatMemory(limit)
        row = run(
            "Failed to load chat memory from PostgreSQL",
            [(sql.SQL("SELECT memory_json, expires_at FROM {} WHERE memory_id = %s").format(table),
              (key,))],
        )  # fmt: skip
        if row is not None:
            expired = row[1] is not None and row[1] <= datetime.now(UTC)
            if expired or drop is Drop.BEFORE_TASKRUN:
                run("Failed to drop chat memory in PostgreSQL", [(delete, (key,))])
            else:
                for message in from_langchain4j(row[0], key):
                    memory.add(message)

        def close() -> None:
            if drop is Drop.AFTER_TASKRUN:
                run("Failed to drop chat memory in PostgreSQL", [(delete, (key,))])
                return
            upsert = sql.SQL(
                "INSERT INTO {} (memory_id, memory_json, expires_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (memory_id) DO UPDATE SET memory_json = EXCLUDED.memory_json, "
                "expires_at = EXCLUDED.expires_at"
            ).format(table)
            params = (key, to_langchain4j(memory.messages), datetime.now(UTC) + ttl)
            run("Failed to save chat memory to PostgreSQL", [(upsert, params)])

        memory.close = close
        return memory
