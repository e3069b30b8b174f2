"""Orchestration cost per task on the embedded backend.

Run: ``python bench/bench_engine.py``. Prints, as medians of a few runs (wall time, and for
(a), (b), (c) the CPU time of the process too, which a loaded machine does not inflate):
  (a) one flow of 40 sequential Return tasks, each using the previous one's output, beside
      its limit: 40 SQLite WAL commits of one row each;
  (b) EachParallel over 1,000 and over 10,000 values, and the ratio of the two;
  (c) 100 executions of a 3-task flow, one after another;
  (d) a cold ``tiercel flow test`` of a one-Log flow: wall time and peak memory;
  (e) one job and its result written and read as shared mode's work queue carries them.

``python bench/bench_engine.py --baseline REV`` compares this tree with git revision ``REV``
in one run (each side in its own processes, alternated ``--rounds`` times, 3 by default), as
ratios after / before.
"""

import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tiercel.engine import ExecutionView, RunTask, Start, TaskResult, advance
from tiercel.model import Flow, load_flows
from tiercel.model.state import State
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner, Services
from tiercel.wiring import local_services

try:
    from tiercel.runtime.creation import new_execution
except ImportError:  # a --baseline revision before the executor was recomposed
    from tiercel.runtime.local import new_execution  # type: ignore[attr-defined,no-redef]

HERE = Path(__file__).resolve().parent

# Runs the CLI, then prints its own peak resident memory (VmHWM, KiB) on stderr. Read from
# /proc: getrusage's maxrss would count the pages of this (large) benchmark process it forked.
_REPORT_PEAK = """
import atexit, sys
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            print(line.split()[1], file=sys.stderr)
atexit.register(peak)
sys.argv = ["tiercel", *sys.argv[1:]]
from tiercel.cli.main import main
main()
"""


def flow(text: str) -> Flow:
    return load_flows(text, "bench.yaml", default_registry()).valid_flows()[0]


def chained(n: int) -> Flow:
    lines = [
        "id: chain",
        "namespace: bench",
        "tasks:",
        "  - {id: t0, type: io.kestra.plugin.core.debug.Return, format: '0'}",
    ]
    for i in range(1, n):
        lines.append(
            f"  - {{id: t{i}, type: io.kestra.plugin.core.debug.Return,"
            f" format: '{{{{ outputs.t{i - 1}.value }}}}+'}}"
        )
    return flow("\n".join(lines) + "\n")


def each(n: int) -> Flow:
    return flow(
        "id: each\nnamespace: bench\ntasks:\n"
        "  - id: each\n    type: io.kestra.plugin.core.flow.EachParallel\n"
        f"    value: '{{{{ range(1, {n}) }}}}'\n"
        "    tasks:\n"
        "      - {id: ret, type: io.kestra.plugin.core.debug.Return,"
        " format: '{{ taskrun.value }}'}\n"
    )


THREE = """id: three
namespace: bench
tasks:
  - {id: a, type: io.kestra.plugin.core.debug.Return, format: one}
  - {id: b, type: io.kestra.plugin.core.log.Log, message: "{{ outputs.a.value }}"}
  - {id: c, type: io.kestra.plugin.core.debug.Return, format: three}
"""


CPU: dict[str, float] = {}
"""The median CPU seconds of the last ``timed`` call of each label (every thread of this
process): on a machine shared with other work, the figure that load does not inflate."""


def timed(action: Callable[[], int], runs: int, label: str = "") -> tuple[float, int]:
    """Median seconds of ``runs`` runs, and the task runs one run made; the median CPU
    seconds go to ``CPU[label]``."""
    times, cpus = [], []
    tasks = 0
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        tasks = action()
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    CPU[label] = statistics.median(cpus)
    return statistics.median(times), tasks


def engine_figures() -> dict[str, float]:
    """(a), (b), (c) and (e) as figures: milliseconds or microseconds, lower is better."""
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as root, local_services(Path(root)) as services:

        def execute(target: Flow) -> int:
            finished = LocalRunner(services).execute(target)
            assert finished.execution.state.current.value == "SUCCESS"
            return len(finished.task_runs)

        chain = chained(40)
        seconds, tasks = timed(lambda: execute(chain), 5, "a")
        figures["(a) chained, ms/task"] = seconds / tasks * 1000
        figures["(a) chained, CPU ms/task"] = CPU["a"] / tasks * 1000
        figures["(a) limit: 40 WAL commits, ms/task"] = wal_commit_limit()
        small, big = each(1_000), each(10_000)
        # Interleaved, so that both sizes see the same machine and the same database size.
        smalls, bigs = [], []
        small_cpu, big_cpu = [], []
        for _ in range(3):
            smalls.append(timed(lambda: execute(small), 1, "b"))
            small_cpu.append(CPU["b"])
            bigs.append(timed(lambda: execute(big), 1, "b"))
            big_cpu.append(CPU["b"])
        s1, n1 = statistics.median(t for t, _ in smalls), smalls[0][1]
        s2, n2 = statistics.median(t for t, _ in bigs), bigs[0][1]
        figures["(b) EachParallel 1,000, µs/task"] = s1 / n1 * 1e6
        figures["(b) EachParallel 10,000, µs/task"] = s2 / n2 * 1e6
        figures["(b) ratio 10,000 / 1,000"] = s2 / s1
        figures["(b) EachParallel 1,000, CPU µs/task"] = statistics.median(small_cpu) / n1 * 1e6
        figures["(b) EachParallel 10,000, CPU µs/task"] = statistics.median(big_cpu) / n2 * 1e6
        three = flow(THREE)

        def hundred() -> int:
            return sum(execute(three) for _ in range(100))

        s3, n3 = timed(hundred, 1, "c")
        figures["(c) 100 executions, ms/task"] = s3 / n3 * 1000
        figures["(c) 100 executions, CPU ms/task"] = CPU["c"] / n3 * 1000
        figures["(e) job + result codec, µs"] = codec_micros(services)
    return figures


def wal_commit_limit(commits: int = 40) -> float:
    """The physical limit of (a): milliseconds per task of ``commits`` SQLite commits of one
    row each, in WAL mode with ``synchronous=NORMAL`` as the embedded backend runs it (one
    commit per task: what a durable engine cannot go below on this machine)."""
    runs = []
    with tempfile.TemporaryDirectory() as root:
        db = sqlite3.connect(Path(root) / "limit.db", isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, document TEXT)")
        row = "x" * 400  # about a task run's stored document
        for _ in range(5):
            start = time.perf_counter()
            for i in range(commits):
                db.execute("BEGIN IMMEDIATE")
                db.execute("INSERT OR REPLACE INTO t VALUES (?, ?)", (i, row))
                db.execute("COMMIT")
            runs.append(time.perf_counter() - start)
        db.close()
    return statistics.median(runs) / commits * 1000


def codec_micros(services: Services) -> float:
    """Writing and reading one job of a real execution and its result, as the work queue of
    shared mode carries them (versioned JSON; pickle before the wire format existed)."""
    target = chained(3)
    view = ExecutionView(target, new_execution(services, target, {}, ()))
    (command,) = [
        c for c in advance(view, Start(), services.clock(), _ids()).commands
        if isinstance(c, RunTask)
    ]  # fmt: skip
    result = TaskResult(command.run.id, State.SUCCESS, {"value": "x" * 200})
    try:
        from tiercel.runtime import wire
    except ImportError:  # the revision before the wire format: pickle
        from tiercel.runtime import shared

        def round_trip() -> None:
            shared.decode(shared.encode(command))
            shared.decode(shared.encode(result))
    else:
        finder = wire.TaskFinder(lambda namespace, flow_id, revision: target)

        def round_trip() -> None:
            wire.decode_job(wire.encode_job(command, 1), finder)
            wire.decode_event(wire.encode_event(result))

    rounds = 2_000
    start = time.perf_counter()
    for _ in range(rounds):
        round_trip()
    return (time.perf_counter() - start) / rounds * 1e6


def _ids() -> Callable[[], str]:
    counter = iter(range(1_000_000))
    return lambda: f"id{next(counter)}"


def cold_figures() -> dict[str, float]:
    """(d): a cold ``tiercel flow test``, wall time (ms) and peak memory (MB)."""
    cold = []
    peaks = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as data:
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", _REPORT_PEAK, "flow", "test",
                 str(HERE.parent / "examples" / "hello.yaml"), "--data-dir", data],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            cold.append(time.perf_counter() - start)
            peaks.append(int(done.stderr.strip().rsplit("\n", 1)[-1]) / 1024)
    return {"(d) cold flow test, ms": statistics.median(cold) * 1000, "(d) peak, MB": max(peaks)}


def _load() -> str:
    """The load average now, over 1, 5 and 15 minutes."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    print(f"load average {_load()}; CPU figures count every thread of this process")
    figures = engine_figures()
    print(f"(a) 40 chained Return tasks        {figures['(a) chained, ms/task']:6.2f} ms/task"
          f"   target ≤ 0.3, limit {figures['(a) limit: 40 WAL commits, ms/task']:.3f}"
          " (40 SQLite WAL commits)")  # fmt: skip
    print(f"(b) EachParallel 1,000 values      "
          f"{figures['(b) EachParallel 1,000, µs/task']:6.0f} µs/task"
          "   target ≤ 300 (0.3 s)")  # fmt: skip
    print(f"    EachParallel 10,000 values     "
          f"{figures['(b) EachParallel 10,000, µs/task']:6.0f} µs/task"
          f"   ratio {figures['(b) ratio 10,000 / 1,000']:4.1f} (target ≤ 10.5)")  # fmt: skip
    print(f"    CPU: (a) {figures['(a) chained, CPU ms/task']:.2f} ms/task, (b) "
          f"{figures['(b) EachParallel 1,000, CPU µs/task']:.0f} and "
          f"{figures['(b) EachParallel 10,000, CPU µs/task']:.0f} µs/task")  # fmt: skip
    print(f"(c) 100 executions of 3 tasks      "
          f"{figures['(c) 100 executions, ms/task']:6.2f} ms/task   target < 2")  # fmt: skip
    print(f"(e) a job and its result, written and read   "
          f"{figures['(e) job + result codec, µs']:6.1f} µs")  # fmt: skip
    cold = cold_figures()
    print(f"(d) cold `tiercel flow test`       {cold['(d) cold flow test, ms']:8.1f} ms   "
          f"peak {cold['(d) peak, MB']:5.1f} MB   targets < 600 ms, < 120 MB")  # fmt: skip


def compare(baseline: str, rounds: int) -> None:
    """Before/after in one run: this tree against the source of git revision ``baseline``,
    each measured in its own process, the two alternating ``rounds`` times; medians and the
    ratio after / before (below 1: faster now)."""
    repo = HERE.parent
    print(f"load average at the start {_load()}", flush=True)
    with tempfile.TemporaryDirectory() as old:
        archive = subprocess.run(
            ["git", "-C", str(repo), "archive", baseline, "src"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", old], input=archive, check=True)
        sides = {"before": Path(old) / "src", "after": repo / "src"}
        found: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
        for _ in range(rounds):
            for side, source in sides.items():
                env = {**os.environ, "PYTHONPATH": str(source)}
                done = subprocess.run(
                    [sys.executable, __file__, "--figures"],
                    env=env, check=True, capture_output=True, text=True,
                )  # fmt: skip
                found[side].append(json.loads(done.stdout.strip().rsplit("\n", 1)[-1]))
    print(f"engine before ({baseline}) / after (this tree), medians of {rounds} alternated runs;"
          f" load average {_load()}")  # fmt: skip
    for name in found["after"][0]:
        before = statistics.median(run[name] for run in found["before"])
        after = statistics.median(run[name] for run in found["after"])
        print(f"  {name:36} {before:10.2f} {after:10.2f}   after/before {after / before:5.2f}")


if __name__ == "__main__":
    if "--figures" in sys.argv:  # one side of a comparison: figures as JSON
        print(json.dumps({**engine_figures(), **cold_figures()}))
    elif "--baseline" in sys.argv:
        where = sys.argv.index("--baseline")
        rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
        compare(sys.argv[where + 1], rounds=rounds)
    else:
        main()
