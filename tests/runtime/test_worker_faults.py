"""Worker threads next to the executor: a task reading its variables while the executor adds
a sibling's outputs, and a failure of the worker's own code around a task."""

import threading
from pathlib import Path
from typing import Any

import pytest

from tiercel.engine.view import LiveMap
from tiercel.model import load_flows
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.runtime.task_worker import TaskWorker
from tiercel.storage import LogQuery
from tiercel.wiring import local_services

TWO = """\
id: two
namespace: company.team
tasks:
  - id: first
    type: io.kestra.plugin.core.debug.Return
    format: one
  - id: second
    type: io.kestra.plugin.core.debug.Return
    format: "{{ outputs.first.value }} two"
"""


def test_a_live_map_is_walked_over_a_copy_while_it_grows() -> None:
    tree = LiveMap(first={"value": 1})
    seen = []
    for walk in (lambda: iter(tree), tree.keys, tree.values, tree.items):
        for item in walk():
            seen.append(item)
            tree[f"added{len(tree)}"] = {}  # a plain dict here raises RuntimeError
    # Each walk saw the map as it was when it began (1, 2, 4, then 8 entries), each entry
    # doubling it.
    assert len(seen) == 1 + 2 + 4 + 8 and len(tree) == 16
    assert dict(tree) == {**tree} == tree.copy() and type(tree.copy()) is dict


def test_a_plain_dict_would_fail_the_same_walk() -> None:
    tree = {"first": {"value": 1}}
    with pytest.raises(RuntimeError, match="changed size during iteration"):
        for key in tree:
            tree[key + "x"] = {}


def test_the_trees_a_worker_reads_are_live_maps_at_every_level(tmp_path: Path) -> None:
    source = """\
id: loop
namespace: company.team
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: [a, b]
    tasks:
      - id: inner
        type: io.kestra.plugin.core.debug.Return
        format: "{{ taskrun.value }}"
  - id: keys
    type: io.kestra.plugin.core.debug.Return
    format: "{{ outputs.inner | keys | join(',') }} {{ tasks | keys | length }}"
"""
    flow = load_flows(source, "loop.yaml", default_registry()).valid_flows()[0]
    with local_services(tmp_path) as services:
        finished = LocalRunner(services).execute(flow)
    assert finished.execution.state.current.value == "SUCCESS"
    keys = next(run for run in finished.task_runs if run.task_id == "keys")
    assert keys.outputs == {"value": "a,b 3"}


def test_a_failure_of_the_worker_itself_fails_the_run_and_keeps_the_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flow = load_flows(TWO, "two.yaml", default_registry()).valid_flows()[0]
    real_run = TaskWorker.run
    calls: list[str] = []

    def failing_once(self: TaskWorker, execution_id: str, command: Any) -> Any:
        calls.append(threading.current_thread().name)
        if len(calls) == 1:  # a fault injected into the worker's code, not the task's
            raise RuntimeError("the worker broke")
        return real_run(self, execution_id, command)

    monkeypatch.setattr(TaskWorker, "run", failing_once)
    with local_services(tmp_path) as services:
        runner = LocalRunner(services)
        broken = runner.execute(flow)  # before: the thread died and this never returned
        again = runner.execute(flow)
        lines = services.logs.find(LogQuery(execution_id=broken.execution.id))
    assert broken.execution.state.current.value == "FAILED"
    assert [run.task_id for run in broken.task_runs] == ["first"]
    assert any(
        "the worker failed to run this task: RuntimeError: the worker broke" in line.message
        for line in lines
    )
    assert again.execution.state.current.value == "SUCCESS"
    assert again.task_runs[-1].outputs == {"value": "one two"}
