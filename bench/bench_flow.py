"""Parse and validate a flow of 1,000 tasks.

Run: ``python bench/bench_flow.py``. Prints the median of several runs for each stage:
reading the YAML (with positions), and the whole load (YAML, plugin defaults, validation of
every task against its class, flow-wide checks). Target: the whole load under 100 ms.
"""

import statistics
import time
from collections.abc import Callable

from tiercel.model import load_flows
from tiercel.model.source import read_documents
from tiercel.registry import default_registry

TASKS = 1_000


def thousand_task_flow() -> str:
    """A flow whose 1,000 tasks mix runnable and flowable types, nested two levels deep."""
    lines = [
        "id: big",
        "namespace: bench.tiercel",
        "inputs:",
        "  - {id: name, type: STRING, defaults: world}",
        "pluginDefaults:",
        "  - type: io.kestra.plugin.core.log.Log",
        "    values: {level: INFO}",
        "tasks:",
    ]
    count = 0
    group = 0
    while count < TASKS:
        lines += [
            f"  - id: group_{group}",
            "    type: io.kestra.plugin.core.flow.Parallel",
            "    tasks:",
        ]
        count += 1
        for child in range(9):
            if count >= TASKS:
                break
            if child % 3 == 0:
                lines += [
                    f"      - id: log_{group}_{child}",
                    "        type: io.kestra.plugin.core.log.Log",
                    '        message: "Hello {{ inputs.name }} from {{ task.id }}"',
                ]
            else:
                lines += [
                    f"      - id: ret_{group}_{child}",
                    "        type: io.kestra.plugin.core.debug.Return",
                    '        format: "{{ taskrun.startDate }}"',
                    "        retry: {type: constant, interval: PT1S, maxAttempt: 3}",
                ]
            count += 1
        group += 1
    return "\n".join(lines) + "\n"


def median_ms(action: Callable[[], object], runs: int = 15) -> float:
    action()  # warm-up: first validation of each class builds its validator
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    text = thousand_task_flow()
    registry = default_registry()
    result = load_flows(text, "big.yaml", registry)
    assert result.ok, result.all_problems()[:3]
    tasks = sum(1 for _ in result.valid_flows()[0].all_tasks())
    yaml_ms = median_ms(lambda: read_documents(text))
    load_ms = median_ms(lambda: load_flows(text, "big.yaml", registry))
    print(f"flow of {tasks} tasks, {len(text) / 1024:.0f} KiB of YAML")
    print(f"  read YAML (typed values)   {yaml_ms:7.1f} ms")
    print(f"  parse + validate (total)   {load_ms:7.1f} ms   target < 100 ms")
    print(f"  per task                   {load_ms * 1000 / tasks:7.1f} µs")


if __name__ == "__main__":
    main()
