"""Orchestration cost per task on the embedded backend.

Run: ``python bench/bench_engine.py``. Prints, as medians of a few runs:
  (a) one flow of 40 sequential Return tasks, each using the previous one's output;
  (b) EachParallel over 1,000 and over 10,000 values, and the ratio of the two;
  (c) 100 executions of a 3-task flow, one after another;
  (d) a cold ``tiercel flow test`` of a one-Log flow: wall time and peak memory.
"""

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tiercel.model import Flow, load_flows
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.wiring import local_services

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


def timed(action: Callable[[], int], runs: int) -> tuple[float, int]:
    """Median seconds of ``runs`` runs, and the task runs one run made."""
    times = []
    tasks = 0
    for _ in range(runs):
        start = time.perf_counter()
        tasks = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), tasks


def main() -> None:
    with tempfile.TemporaryDirectory() as root, local_services(Path(root)) as services:

        def execute(target: Flow) -> int:
            finished = LocalRunner(services).execute(target)
            assert finished.execution.state.current.value == "SUCCESS"
            return len(finished.task_runs)

        chain = chained(40)
        seconds, tasks = timed(lambda: execute(chain), 5)
        print(f"(a) 40 chained Return tasks        {seconds * 1000:8.1f} ms   "
              f"{seconds / tasks * 1000:6.2f} ms/task   target < 2")  # fmt: skip
        small, big = each(1_000), each(10_000)
        # Interleaved, so that both sizes see the same machine and the same database size.
        smalls, bigs = [], []
        for _ in range(3):
            smalls.append(timed(lambda: execute(small), 1))
            bigs.append(timed(lambda: execute(big), 1))
        s1, n1 = statistics.median(t for t, _ in smalls), smalls[0][1]
        s2, n2 = statistics.median(t for t, _ in bigs), bigs[0][1]
        print(f"(b) EachParallel 1,000 values      {s1 * 1000:8.1f} ms   "
              f"{s1 / n1 * 1e6:6.0f} µs/task")  # fmt: skip
        print(f"    EachParallel 10,000 values     {s2 * 1000:8.1f} ms   "
              f"{s2 / n2 * 1e6:6.0f} µs/task   ratio {s2 / s1:4.1f} (target ≤ 12)")  # fmt: skip
        three = flow(THREE)

        def hundred() -> int:
            return sum(execute(three) for _ in range(100))

        s3, n3 = timed(hundred, 1)
        print(f"(c) 100 executions of 3 tasks      {s3 * 1000:8.1f} ms   "
              f"{s3 / n3 * 1000:6.2f} ms/task   target < 2")  # fmt: skip
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
    peak_mb = max(peaks)
    print(f"(d) cold `tiercel flow test`       {statistics.median(cold) * 1000:8.1f} ms   "
          f"peak {peak_mb:5.1f} MB   targets < 600 ms, < 120 MB")  # fmt: skip


if __name__ == "__main__":
    main()
