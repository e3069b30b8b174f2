"""Task-level concurrency under load, through the server executor: many executions at once,
each with an ``EachParallel`` (``concurrent``), a ``ForEach`` (``concurrencyLimit``) or a
``Parallel`` (``concurrent``) whose children sleep on the workers; within each execution no
more children than the limit ever run at once, and every child runs to its end."""

from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tiercel.model.execution import TaskRun
from tiercel.model.state import State
from tiercel.wiring.server import Server, ServerConfig, running_server

EACH_PARALLEL = """\
id: each-parallel-limited
namespace: company.load
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.EachParallel
    value: "{{ range(1, 20) }}"
    concurrent: 3
    tasks:
      - id: nap
        type: io.kestra.plugin.core.flow.Sleep
        duration: PT0.02S
"""

FOR_EACH = """\
id: for-each-limited
namespace: company.load
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: ["a", "b", "c", "d", "e", "f", "g", "h"]
    concurrencyLimit: 3
    tasks:
      - id: first
        type: io.kestra.plugin.core.flow.Sleep
        duration: PT0.01S
      - id: second
        type: io.kestra.plugin.core.flow.Sleep
        duration: PT0.01S
"""

PARALLEL = """\
id: parallel-limited
namespace: company.load
tasks:
  - id: all
    type: io.kestra.plugin.core.flow.Parallel
    concurrent: 2
    tasks:
"""
PARALLEL += "".join(
    f"      - id: nap{n}\n        type: io.kestra.plugin.core.flow.Sleep\n"
    "        duration: PT0.02S\n"
    for n in range(6)
)


def _span(run: TaskRun) -> tuple[datetime, datetime]:
    """When a run was running: from its RUNNING state to its end."""
    started = next(h.date for h in run.state.histories if h.state is State.RUNNING)
    ended = run.state.histories[-1].date
    return started, ended


def _most_at_once(spans: Iterable[tuple[datetime, datetime]]) -> int:
    # An end and a start at the same instant do not overlap: the slot passed from one to the
    # other, so ends sort before starts.
    points = sorted(p for s, e in spans for p in ((s, 1), (e, -1)))
    most = current = 0
    for _, step in points:
        current += step
        most = max(most, current)
    return most


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with running_server(ServerConfig(data_dir=tmp_path / "data", threads=12)) as server:
        yield server


def _run_many(server: Server, source: str, count: int) -> list[list[TaskRun]]:
    flow = server.flows.deploy(source).flow
    created = [server.executor.create(flow) for _ in range(count)]
    finished = []
    for execution in created:
        ended = server.ends.wait(execution.id, 60)
        assert ended is not None, f"{execution.id} did not end"
        assert ended.state.current is State.SUCCESS
        stored = server.services.executions.load(execution.id)
        assert stored is not None
        finished.append(stored[1])
    return finished


def test_each_parallel_runs_at_most_concurrent_values_at_once(server: Server) -> None:
    for runs in _run_many(server, EACH_PARALLEL, 20):
        naps = [run for run in runs if run.task_id == "nap"]
        assert len(runs) == 1 + 20
        assert sorted(int(run.value or 0) for run in naps) == list(range(1, 21))
        assert all(run.state.current is State.SUCCESS for run in naps)
        assert _most_at_once(map(_span, naps)) <= 3


def test_for_each_runs_at_most_concurrency_limit_values_at_once(server: Server) -> None:
    for runs in _run_many(server, FOR_EACH, 10):
        children = [run for run in runs if run.task_id in ("first", "second")]
        assert len(children) == 16
        assert all(run.state.current is State.SUCCESS for run in children)
        by_value: dict[str, list[tuple[datetime, datetime]]] = {}
        for run in children:
            by_value.setdefault(run.value or "", []).append(_span(run))
        assert sorted(by_value) == list("abcdefgh")
        values = [(min(s for s, _ in v), max(e for _, e in v)) for v in by_value.values()]
        assert _most_at_once(values) <= 3
        for spans in by_value.values():  # within one value, the tasks run in turn
            assert _most_at_once(spans) == 1


def test_parallel_runs_at_most_concurrent_children_at_once(server: Server) -> None:
    for runs in _run_many(server, PARALLEL, 10):
        naps = [run for run in runs if run.task_id.startswith("nap")]
        assert len(naps) == 6
        assert all(run.state.current is State.SUCCESS for run in naps)
        assert _most_at_once(map(_span, naps)) <= 2
