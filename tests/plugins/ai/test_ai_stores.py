"""One contract for every embedding store: KestraKVStore (the namespace KV store), SQLiteVec
(sqlite-vec in a local file) and PGVector (the suite's real PostgreSQL with pgvector, which
.ci/run builds). Vectors are written by hand here: the stores' behaviour does not depend on
the model (the RAG tests use the real one)."""

import importlib.util
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter
from sqlalchemy.engine import make_url
from tests.conftest import in_ci

from tiercel.plugins.ai.domain.segments import EmbeddingStore, Segment
from tiercel.plugins.ai.embeddings import AnyEmbeddingStore
from tiercel.sdk import TaskFailure
from tiercel.sdk.testing import TestRunContext

_STORE: TypeAdapter[Any] = TypeAdapter(AnyEmbeddingStore)
PG_PASSWORD = "pg-Secret-4242"

NORTH = [1.0, 0.0, 0.0, 0.0]
EAST = [0.0, 1.0, 0.0, 0.0]
NORTH_EAST = [0.7, 0.7, 0.0, 0.0]
SOUTH = [-1.0, 0.0, 0.0, 0.0]


def _pgvector_available(conninfo: dict[str, Any]) -> bool:
    import psycopg

    with psycopg.connect(**conninfo) as conn:
        row = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").fetchone()
    return row is not None


@pytest.fixture(params=["kv", "sqlite", "pgvector"])
def spec(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A store's ``embeddings`` mapping, as a flow writes it."""
    if request.param == "kv":
        yield {"type": "io.kestra.plugin.ai.embeddings.KestraKVStore", "kvName": "contract"}
    elif request.param == "sqlite":
        if importlib.util.find_spec("sqlite_vec") is None:
            pytest.skip("SQLiteVec needs sqlite-vec: pip install -e '.[ai]'")
        yield {"type": "io.tiercel.plugin.ai.embeddings.SQLiteVec",
               "path": str(tmp_path / "vectors.db"), "table": "contract"}  # fmt: skip
    else:
        url = make_url(request.getfixturevalue("postgres_url"))
        conninfo = {"host": url.host, "port": url.port, "user": url.username,
                    "dbname": url.database, "password": url.password or ""}  # fmt: skip
        if not _pgvector_available(conninfo):
            # Debian bookworm has no postgresql-15-pgvector: .ci/run builds it from source, so
            # CI fails here rather than skip.
            message = ("PGVector contract: this PostgreSQL has no pgvector extension installed "
                       "(.ci/run builds pgvector 0.8.0 from Debian's source)")  # fmt: skip
            if in_ci():
                pytest.fail(message, pytrace=False)
            pytest.skip(message)
        yield {"type": "io.kestra.plugin.ai.embeddings.PGVector", "host": url.host,
               "port": url.port, "user": url.username, "password": url.password or "",
               "database": url.database, "table": "contract"}  # fmt: skip


@pytest.fixture
def open_store(spec: dict[str, Any]) -> Iterator[Callable[..., EmbeddingStore]]:
    """Open the store under test (closed at the end); one KV store across opens."""
    ctx = TestRunContext()
    opened: list[EmbeddingStore] = []

    def open_(drop: bool = False, dimension: int = 4) -> EmbeddingStore:
        store = _STORE.validate_python(spec).open(ctx, dimension, drop)
        opened.append(store)
        return store

    yield open_
    ctx.close()


def _fill(store: EmbeddingStore) -> None:
    store.add(
        [NORTH, EAST, SOUTH],
        [Segment("north", {"side": "n"}), Segment("east", {"side": "e"}), Segment("south", {})],
    )


def test_nearest_first_with_langchain4j_relevance(
    open_store: Callable[..., EmbeddingStore],
) -> None:
    store = open_store(drop=True)
    _fill(store)
    matches = store.search(NORTH_EAST, 3, 0.0)
    assert [m.segment.text for m in matches][:2] in (["north", "east"], ["east", "north"])
    assert matches[-1].segment.text == "south"
    # Cosine 0 maps to relevance 0.5, opposite vectors to 0 (langchain4j's (cos + 1) / 2).
    assert store.search(EAST, 3, 0.0)[-1].score == pytest.approx(0.5, abs=1e-4)
    assert store.search(NORTH, 1, 0.0)[0].score == pytest.approx(1.0, abs=1e-4)
    store.close()


def test_limits_and_min_score(open_store: Callable[..., EmbeddingStore]) -> None:
    store = open_store(drop=True)
    _fill(store)
    assert [m.segment.text for m in store.search(NORTH, 1, 0.0)] == ["north"]
    assert [m.segment.text for m in store.search(NORTH, 3, 0.6)] == ["north"]
    store.close()


def test_metadata_survives_and_segments_persist(open_store: Callable[..., EmbeddingStore]) -> None:
    store = open_store(drop=True)
    _fill(store)
    store.close()
    again = open_store(drop=False)
    (match,) = again.search(EAST, 1, 0.0)
    assert match.segment == Segment("east", {"side": "e"})
    again.close()


def test_drop_empties_the_store(open_store: Callable[..., EmbeddingStore]) -> None:
    store = open_store(drop=True)
    _fill(store)
    store.close()
    dropped = open_store(drop=True)
    assert dropped.search(NORTH, 3, 0.0) == []
    dropped.close()


def test_pgvector_errors_are_one_line_without_the_password(postgres_url: str) -> None:
    url = make_url(postgres_url)
    spec = {"type": "io.kestra.plugin.ai.embeddings.PGVector", "host": url.host, "port": url.port,
            "user": "nobody_here", "password": PG_PASSWORD, "database": url.database,
            "table": "t"}  # fmt: skip
    with pytest.raises(TaskFailure) as failed:
        _STORE.validate_python(spec).open(TestRunContext(), 4, False)
    message = str(failed.value)
    assert message.startswith("Unable to connect to PostgreSQL at")
    assert "\n" not in message and PG_PASSWORD not in message


KESTRA_WRITTEN = (
    '{"entries":[{"id":"fcb486f5-9cf0-43b9-a7dc-f0607ab2b52d","embedding":{"vector":[1.0,0.0]},'
    '"embedded":{"text":"hello","metadata":{"metadata":{"source":"kestra"}}}}]}'
)


def _kv_store(ctx: TestRunContext, drop: bool = False) -> EmbeddingStore:
    spec = {"type": "io.kestra.plugin.ai.embeddings.KestraKVStore", "kvName": "shared"}
    store: EmbeddingStore = _STORE.validate_python(spec).open(ctx, 2, drop)
    return store


def test_kv_store_written_by_kestra_is_appended_to_as_it_was() -> None:
    ctx = TestRunContext(kv={"company.team": {"shared": KESTRA_WRITTEN}})
    store = _kv_store(ctx)
    (match,) = store.search([1.0, 0.0], 1, 0.0)
    assert match.segment == Segment("hello", {"source": "kestra"})
    store.add([[0.0, 1.0]], [Segment("world", {"n": 1})])
    store.close()
    written = ctx.kv().get("shared")
    # The entry Kestra wrote is kept byte for byte; the new one follows in the same format.
    assert written.startswith(KESTRA_WRITTEN[:-2] + ",")
    entries = json.loads(written)["entries"]
    assert entries[1]["embedded"] == {"text": "world", "metadata": {"metadata": {"n": 1}}}
    assert entries[1]["embedding"] == {"vector": [0.0, 1.0]}
    ctx.close()


def test_kv_store_sees_a_pair_changed_behind_it() -> None:
    ctx = TestRunContext(kv={"company.team": {"shared": KESTRA_WRITTEN}})
    _kv_store(ctx).close()  # read once: parsed and remembered
    changed = KESTRA_WRITTEN.replace('"hello"', '"changed"')
    ctx.kv().set("shared", changed)
    (match,) = _kv_store(ctx).search([1.0, 0.0], 1, 0.0)
    assert match.segment.text == "changed"
    ctx.close()
