"""What the log line summary costs writers: ``python bench/bench_log_append.py``.

``SqlLogStore.append`` keeps ``log_counts`` (lines per second, minute, hour and day) in the same
transaction as the lines. This times appends of small batches stamped "now" (every writer
updates the same hot buckets, the worst case for the summary) by ``--threads`` writers at once,
with the summary kept and with its upkeep switched off (the same code otherwise), and on
PostgreSQL also with a single shard per bucket (every writer on one row, as without shards).
Rounds of the variants alternate, so that the load of the machine weighs on each alike; each
figure is the median over ``--rounds`` rounds of the appends per second of all writers. The
PostgreSQL cluster is throwaway (see ``bench_search.py``), with its default ``fsync``, so a
commit costs what it costs on a server.
"""

import argparse
import os
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from bench_search import on_backends

from tiercel.model.task import LogLevel
from tiercel.storage import Database, LogEntry, SqlLogStore
from tiercel.storage.sql import log_counts


@contextmanager
def variant(name: str) -> Iterator[None]:
    """The summary's upkeep as the variant ``name`` has it, restored afterwards."""
    add, shards = log_counts.add, log_counts.SHARDS
    if name == "no summary":
        log_counts.add = lambda *args, **kwargs: None
    elif name == "1 shard":
        log_counts.SHARDS = 1
    try:
        yield
    finally:
        log_counts.add, log_counts.SHARDS = add, shards


def batch(writer: int, n: int, size: int) -> list[LogEntry]:
    now = datetime.now(UTC)
    return [
        LogEntry(
            namespace="company.team",
            flow_id="etl",
            timestamp=now + timedelta(microseconds=k),
            level=LogLevel.INFO,
            message=f"writer {writer} batch {n} line {k}: processed 1000 rows",
            execution_id=f"execution-{writer}",
            task_run_id=f"execution-{writer}-run",
        )
        for k in range(size)
    ]


def round_rate(store: SqlLogStore, threads: int, batches: int, size: int) -> float:
    """Appends per second of ``threads`` writers, each appending ``batches`` batches."""
    ready = threading.Barrier(threads + 1)

    def write(writer: int) -> None:
        ready.wait()
        for n in range(batches):
            store.append(batch(writer, n, size))

    workers = [threading.Thread(target=write, args=(w,)) for w in range(threads)]
    for worker in workers:
        worker.start()
    ready.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    return threads * batches / (time.perf_counter() - started)


def bench(url: str, args: argparse.Namespace) -> None:
    with Database(url, pool_size=args.threads) as db:
        store = SqlLogStore(db)
        names = ["summary", "no summary"]
        if db.dialect == "postgresql":
            names.append("1 shard")
        rates: dict[str, list[float]] = {name: [] for name in names}

        def run() -> float:
            return round_rate(store, args.threads, args.batches, args.size)

        with variant("summary"):
            run()  # warm-up: connections, statement caches
        for _ in range(args.rounds):
            for name in names:
                with variant(name):
                    rates[name].append(run())
        base = statistics.median(rates["no summary"])
        print(f"  {args.threads} writers, batches of {args.size} lines, {args.rounds} rounds")
        for name in names:
            rate = statistics.median(rates[name])
            print(f"  {name:<12} {rate:>8,.0f} appends/s  ({rate / base:.2f} of no summary)")
        print(f"  load average now {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--batches", type=int, default=100, help="per writer and round")
    parser.add_argument("--size", type=int, default=10, help="lines per append")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres-url", help="a database to use instead of a throwaway one")
    on_backends(bench, parser.parse_args())


if __name__ == "__main__":
    main()
