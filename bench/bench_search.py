"""Paged searches at scale: ``python bench/bench_search.py [--backend sqlite|postgres|both]``.

Loads 1,000,000 executions (each with labels) and 10,000,000 log lines, plus one execution with
10,000 task runs, into a fresh database of each backend, then times the stores' own searches
(``ExecutionStore.search``, ``LogStore.search``, ``ExecutionStore.load``) as the API calls them:

- a filtered first page (namespace prefix and state, a flow, a label, a date range; an
  execution's log lines, a minimum level, a namespace and time range) <= 50 ms;
- a page deep in the list (offset 500,000 executions, 1,000,000 log lines) <= 100 ms;
- the execution with 10,000 task runs read in <= 200 ms (as models, and as the stored
  documents the API reads), and the API's answer for it (Kestra's JSON, written) <= 500 ms.

Each figure is the median of ``--repeat`` runs after one warm-up run. Loading generates
the rows in SQL (``INSERT ... SELECT`` over a number series) with the secondary indexes
dropped and built again afterwards, as a bulk import would, counts the log lines into their
summary (``log_counts``, as migration 8 does), then runs ``ANALYZE``. PostgreSQL is a throwaway
cluster started here (initdb and pg_ctl; as the ``postgres`` user when run as root) unless
``--postgres-url`` names a server. Sizes are flags (``--executions``, ``--logs``).
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic_core import to_json
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.schema import CreateIndex

from tiercel.api.executions import shown_documents
from tiercel.model.secrets import Masker
from tiercel.model.task import LogLevel
from tiercel.storage import (
    Database,
    ExecutionFilter,
    LogQuery,
    Sort,
    SqlExecutionStore,
    SqlLogStore,
)
from tiercel.storage.sql.migrations.v0008_log_counts import fill as fill_log_counts
from tiercel.storage.sql.schema import metadata

T0 = datetime(2026, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=90)
BIG = "big-execution-with-task-runs"
NAMESPACES = [f"company.team{t}.sub{s}" for t in range(10) for s in range(5)]

LEVELS = [("INFO", 80), ("DEBUG", 90), ("WARN", 97), ("ERROR", 99), ("TRACE", 100)]
STATES = [("SUCCESS", 85), ("FAILED", 93), ("RUNNING", 97), ("WARNING", 99), ("KILLED", 100)]
"""Shares of the rows, as cumulative percentages."""


def micros(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def execution_id(i: int) -> str:
    """The id of the i-th execution: random-looking, as Kestra's are (not in creation order)."""
    return f"{(i * 2654435761) % 4294967311:010x}{i:07d}"


class Sql:
    """SQL expressions that differ between the two databases, for generating rows in SQL (in
    the database's own code: Python would take most of an hour to make 10M rows here)."""

    def __init__(self, dialect: str) -> None:
        self.postgres = dialect == "postgresql"

    def numbers(self, count: int) -> str:
        """A FROM clause giving ``i`` from 0 to count - 1."""
        if self.postgres:
            return f"generate_series(0::bigint, {count - 1}) AS n(i)"
        return (
            f"(WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
            f"WHERE i < {count - 1}) SELECT i FROM n) AS n"
        )

    def execution_id(self, i: str) -> str:
        if self.postgres:
            return (
                f"lpad(to_hex(({i}::bigint * 2654435761) % 4294967311), 10, '0') "
                f"|| lpad(({i})::text, 7, '0')"
            )
        return f"printf('%010x%07d', ({i}) * 2654435761 % 4294967311, {i})"

    def iso(self, us: str) -> str:
        if self.postgres:
            return (
                f"to_char(to_timestamp(({us}) / 1e6) AT TIME ZONE 'UTC', "
                '\'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\')'
            )
        return f"strftime('%Y-%m-%dT%H:%M:%fZ', ({us}) / 1e6, 'unixepoch')"

    def text(self, value: str) -> str:
        return f"({value})::text" if self.postgres else f"CAST({value} AS TEXT)"


def pick(expression: str, shares: list[tuple[str, int]]) -> str:
    cases = " ".join(f"WHEN {expression} < {upto} THEN '{name}'" for name, upto in shares)
    return f"CASE {cases} END"


def generate(db: Database, n_executions: int, n_logs: int, n_task_runs: int) -> None:
    """Fill the tables with statements that make the rows in the database."""
    sql = Sql(db.dialect)
    start, step = micros(T0), SPAN // timedelta(microseconds=1) // n_executions
    created = f"({start} + i * {step})"
    namespace = f"'company.team' || {sql.text('i % 50 / 5')} || '.sub' || {sql.text('i % 5')}"
    flow = f"'flow' || {sql.text('i / 50 % 10')}"
    env = "CASE i % 3 WHEN 0 THEN 'prod' WHEN 1 THEN 'dev' ELSE 'staging' END"
    state = pick("i * 37 % 100", STATES)
    release = (
        f"""CASE WHEN i % 1000 = 0 THEN ',{{"key":"release","value":"r' """
        f"""|| {sql.text("i / 1000")} || '"}}' ELSE '' END"""
    )
    document = (
        f"""'{{"id":"' || {sql.execution_id("i")} || '","namespace":"' || {namespace} """
        f"""|| '","flowId":"' || {flow} || '","flowRevision":1,"state":{{"current":"' """
        f"""|| {state} || '","histories":[{{"state":"CREATED","date":"' || {sql.iso(created)} """
        f"""|| '"}},{{"state":"' || {state} || '","date":"' || {sql.iso(created + " + 5000000")} """
        f"""|| '"}}]}},"inputs":{{"n":' || {sql.text("i")} || '}},"outputs":null,"labels":"""
        f"""[{{"key":"env","value":"' || {env} || '"}}' || {release} || '],"variables":null,"""
        f""""parentId":null,"originalId":null,"trigger":null,"metadata":{{"attemptNumber":1,"""
        f""""originalCreatedDate":null}},"scheduleDate":null,"deleted":false}}'"""
    )
    statements = [
        f"INSERT INTO executions (id, namespace, flow_id, state, created_at, updated_at, document) "
        f"SELECT {sql.execution_id('i')}, {namespace}, {flow}, {state}, {created}, "
        f"{created} + 5000000, {document} FROM {sql.numbers(n_executions)}",
        f"INSERT INTO execution_labels (execution_id, key, value) "
        f"SELECT {sql.execution_id('i')}, 'env', {env} FROM {sql.numbers(n_executions)}",
        f"INSERT INTO execution_labels (execution_id, key, value) "
        f"SELECT {sql.execution_id('i * 1000')}, 'release', 'r' || {sql.text('i')} "
        f"FROM {sql.numbers((n_executions + 999) // 1000)}",
    ]
    per = max(1, n_logs // n_executions)
    # Log line n belongs to execution e = n / per, as its k-th line.
    e, k = f"(i / {per} % {n_executions})", f"(i % {per})"
    ns_e = f"'company.team' || {sql.text(e + ' % 50 / 5')} || '.sub' || {sql.text(e + ' % 5')}"
    statements.append(
        "INSERT INTO log_entries (namespace, flow_id, task_id, execution_id, task_run_id, "
        "attempt_number, trigger_id, timestamp, level, thread, message) "
        f"SELECT {ns_e}, 'flow' || {sql.text(e + ' / 50 % 10')}, 't' || {sql.text(k + ' % 3')}, "
        f"{sql.execution_id(e)}, {sql.execution_id(e)} || '-' || {sql.text(k + ' % 3')}, 1, NULL, "
        f"{start} + {e} * {step} + {k} * 1000, {pick('i * 7 % 100', LEVELS)}, 'worker-1', "
        f"'Processed ' || {sql.text('i % 9973')} || ' rows from table orders_' "
        f"|| {sql.text('i % 97')} FROM {sql.numbers(n_logs)}"
    )
    at = sql.iso(str(start))
    run_id = f"'{BIG}-' || {sql.text('i')}"
    histories = (
        f"""{{"state":"RUNNING","date":"' || {at} || '"}},"""
        f"""{{"state":"SUCCESS","date":"' || {at} || '"}}"""
    )
    run_document = (
        f"""'{{"id":"' || {run_id} || '","executionId":"{BIG}","namespace":"company.team0.sub0","""
        f""""flowId":"flow0","taskId":"t' || {sql.text("i")} || '","parentTaskRunId":null,"""
        f""""value":null,"iteration":null,"attempts":[{{"state":{{"current":"SUCCESS","""
        f""""histories":[{histories}]}}}}],"outputs":{{"rows":' || {sql.text("i")} || '}},"""
        f""""state":{{"current":"SUCCESS","histories":[{histories}]}},"memo":null}}'"""
    )
    statements.append(
        "INSERT INTO task_runs (id, execution_id, task_id, state, document) "
        f"SELECT {run_id}, '{BIG}', 't' || {sql.text('i')}, 'SUCCESS', {run_document} "
        f"FROM {sql.numbers(n_task_runs)}"
    )
    statements.append(
        "INSERT INTO executions (id, namespace, flow_id, state, created_at, updated_at, document) "
        f"SELECT '{BIG}', namespace, flow_id, state, created_at, updated_at, "
        f"replace(document, id, '{BIG}') FROM executions WHERE id = {sql.execution_id('0')}"
    )
    # The driver's own cursor: without parameters, psycopg reads no placeholders in "%".
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement in statements:
            cursor.execute(statement)
        raw.commit()
    finally:
        raw.close()


def load(db: Database, n_executions: int, n_logs: int, n_task_runs: int) -> dict[str, float]:
    """Fill every table with its secondary indexes dropped, then build them; the time each step
    took."""
    indexes = [
        index
        for name in ("executions", "execution_labels", "log_entries", "task_runs")
        for index in metadata.tables[name].indexes
    ]
    timings: dict[str, float] = {}
    with db.engine.begin() as conn:
        for index in indexes:
            conn.execute(text(f"DROP INDEX {index.name}"))
    started = time.perf_counter()
    generate(db, n_executions, n_logs, n_task_runs)
    timings["insert rows"] = time.perf_counter() - started
    started = time.perf_counter()
    with db.engine.begin() as conn:
        for index in indexes:
            conn.execute(CreateIndex(index))
    timings["build indexes"] = time.perf_counter() - started
    started = time.perf_counter()
    with db.engine.begin() as conn:
        fill_log_counts(conn)
    timings["count log lines"] = time.perf_counter() - started
    started = time.perf_counter()
    analyze(db)
    timings["analyze"] = time.perf_counter() - started
    return timings


def analyze(db: Database) -> None:
    if db.dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def timed(call: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """The median wall time and the median CPU time of this process (SQLite works in it;
    PostgreSQL's server does not count) of ``repeat`` calls after a warm-up one, in ms, and
    the last result."""
    result = call()
    walls, cpus = [], []
    for _ in range(repeat):
        # The previous answer is freed before the clock starts: freeing 10,000 task runs'
        # models (some 30 ms) is not part of reading them.
        result = None
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus), result


def measure(db: Database, n_executions: int, n_logs: int, repeat: int) -> list[tuple[Any, ...]]:
    """(what, wall ms, cpu ms, target ms or None, rows, total) for each query."""
    store, lines = SqlExecutionStore(db), SqlLogStore(db)
    last_week = T0 + SPAN - timedelta(days=7)
    last_day = T0 + SPAN - timedelta(days=1)
    deep_executions = n_executions // 2 // 25
    deep_logs = min(1_000_000, n_logs // 2) // 25
    cases: list[tuple[str, float | None, Callable[[], Any]]] = [
        ("executions: first page, no filter", 50, lambda: store.search(ExecutionFilter(), 1, 25)),
        (
            "executions: namespace prefix + FAILED",
            50,
            lambda: store.search(
                ExecutionFilter(namespace="company.team3", states=["FAILED"]), 1, 25
            ),
        ),
        (
            "executions: one flow",
            50,
            lambda: store.search(
                ExecutionFilter(
                    namespace="company.team4.sub2", namespace_prefix=False, flow_id="flow7"
                ),
                1,
                25,
            ),
        ),
        (
            "executions: label env:prod",
            50,
            lambda: store.search(ExecutionFilter(labels=(("env", "prod"),)), 1, 25),
        ),
        (
            "executions: rare label release:r7",
            50,
            lambda: store.search(ExecutionFilter(labels=(("release", "r7"),)), 1, 25),
        ),
        (
            "executions: last 7 days + SUCCESS",
            50,
            lambda: store.search(ExecutionFilter(start=last_week, states=["SUCCESS"]), 1, 25),
        ),
        (
            "executions: sorted by id asc",
            50,
            lambda: store.search(ExecutionFilter(), 1, 25, [Sort("id")]),
        ),
        (
            f"executions: deep page {deep_executions:,} (offset {deep_executions * 25:,})",
            100,
            lambda: store.search(ExecutionFilter(), deep_executions, 25),
        ),
        (
            "executions: namespace prefix, deep page 1,000",
            100,
            lambda: store.search(ExecutionFilter(namespace="company.team5"), 1_000, 25),
        ),
        (
            "executions: text in id (q)",
            None,
            lambda: store.search(ExecutionFilter(text=execution_id(123_456)[:10]), 1, 25),
        ),
        ("logs: first page, no filter", 50, lambda: lines.search(LogQuery(), 1, 25)),
        (
            "logs: one execution",
            50,
            lambda: lines.search(LogQuery(execution_id=execution_id(4242)), 1, 25),
        ),
        (
            "logs: one task run",
            50,
            lambda: lines.search(LogQuery(task_run_id=execution_id(4242) + "-1"), 1, 25),
        ),
        (
            "logs: min level ERROR",
            50,
            lambda: lines.search(LogQuery(min_level=LogLevel.ERROR), 1, 25),
        ),
        (
            "logs: namespace prefix + last day",
            50,
            lambda: lines.search(LogQuery(namespace="company.team2", start=last_day), 1, 25),
        ),
        (
            f"logs: deep page {deep_logs:,} (offset {deep_logs * 25:,})",
            100,
            lambda: lines.search(LogQuery(), deep_logs, 25),
        ),
        ("logs: text (q)", None, lambda: lines.search(LogQuery(text="orders_42"), 1, 25)),
        ("execution with 10,000 task runs: load", 200, lambda: store.load(BIG)),
        ("execution with 10,000 task runs: documents", 200, lambda: store.load_documents(BIG)),
        ("execution with 10,000 task runs: API's JSON", 500, lambda: api_answer(store)),
    ]
    measured = []
    for what, target, call in cases:
        ms, cpu, result = timed(call, repeat)
        if isinstance(result, tuple):
            rows, total = len(result[1]), f"{len(result[1])} task runs"
        else:
            rows, total = len(result.results), f"{result.total:,}" + ("" if result.exact else "+")
        measured.append((what, ms, cpu, target, rows, total))
    return measured


def api_answer(store: SqlExecutionStore) -> tuple[bytes, list[dict[str, Any]]]:
    """What ``GET /executions/{id}`` does for the big execution: the stored documents shaped
    into Kestra's JSON (a masker with a secret, as a server with secrets has) and written."""
    stored = store.load_documents(BIG)
    assert stored is not None
    execution, documents = stored
    masker = Masker(["a-secret-value"])
    body = masker.mask_value(execution.to_kestra_json([]))
    body["taskRunList"] = shown_documents(masker, documents)
    return to_json(body), body["taskRunList"]


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """A throwaway PostgreSQL cluster's URL (with an ICU en-US collation, as servers have)."""
    bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    home = Path(tempfile.mkdtemp(prefix="tiercel-bench-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]

    def run(*args: str) -> None:
        subprocess.run([*prefix, *args], cwd=home, check=True, capture_output=True)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = home / "data"
    run(
        str(bindir / "initdb"),
        *("-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"),
        *("--locale=C.UTF-8", "--locale-provider=icu", "--icu-locale=en-US"),
    )
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c shared_buffers=512MB"
    run(
        str(bindir / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(home / "log"),
        "-o",
        options,
        "-w",
        "start",
    )
    try:
        yield URL.create(
            "postgresql+psycopg",
            username="postgres",
            host="127.0.0.1",
            port=port,
            database="postgres",
        ).render_as_string(hide_password=False)
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(home, ignore_errors=True)


def bench(url: str, args: argparse.Namespace) -> None:
    with Database(url) as db:
        with db.read() as conn:
            stored = conn.execute(text("SELECT count(*) FROM executions")).scalar_one()
        if stored:
            print(f"reusing the {stored:,} executions stored there (sizes as given)")
        else:
            started = time.perf_counter()
            steps = load(db, args.executions, args.logs, args.task_runs)
            loaded = time.perf_counter() - started
            rows = args.executions + args.logs + args.task_runs
            print(
                f"loaded {args.executions:,} executions, {args.logs:,} log lines and "
                f"{args.task_runs:,} task runs in {loaded:.0f} s ({rows / loaded:,.0f} rows/s)"
            )
            print("  " + ", ".join(f"{step} {seconds:.0f} s" for step, seconds in steps.items()))
        print(f"  {'query':<50} {'wall':>9} {'cpu':>9} {'target':>7}  {'rows':>5}  total")
        figures = measure(db, args.executions, args.logs, args.repeat)
        for what, ms, cpu, target, count, total in figures:
            verdict = "" if target is None else ("ok" if ms <= target else "OVER")
            shown = "-" if target is None else f"{target} ms"
            print(
                f"  {what:<50} {ms:>6.1f} ms {cpu:>6.1f} ms {shown:>7}  {count:>5}  {total} "
                f"{verdict}"
            )
        print(f"  load average now {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--executions", type=int, default=1_000_000)
    parser.add_argument("--logs", type=int, default=10_000_000)
    parser.add_argument("--task-runs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--postgres-url", help="a database to use (one already loaded by this bench is reused)"
    )
    parser.add_argument(
        "--sqlite-file", help="the SQLite file to use (one already loaded by this bench is reused)"
    )
    on_backends(bench, parser.parse_args())


def on_backends(bench: Callable[[str, argparse.Namespace], None], args: argparse.Namespace) -> None:
    """Run ``bench(url, args)`` on the backends ``args.backend`` names: a SQLite file
    (``args.sqlite_file`` when given, else a temporary one), a PostgreSQL database
    (``args.postgres_url`` when given, else a throwaway cluster)."""
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.backend in ("sqlite", "both"):
        print("== SQLite")
        if getattr(args, "sqlite_file", None):
            bench(URL.create("sqlite", database=args.sqlite_file).render_as_string(), args)
        else:
            with tempfile.TemporaryDirectory(prefix="tiercel-bench-") as folder:
                bench(URL.create("sqlite", database=f"{folder}/bench.db").render_as_string(), args)
    if args.backend in ("postgres", "both"):
        print("== PostgreSQL")
        if args.postgres_url:
            bench(args.postgres_url, args)
        else:
            with postgres_cluster() as url:
                bench(url, args)


if __name__ == "__main__":
    main()
