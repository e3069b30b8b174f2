"""A flowable's notes: returned in its plan, stored only when they change, read-only to it."""

from datetime import UTC, datetime

import pytest

from tests.engine.harness import Run, load
from tiercel.engine import Event, ExecutionView, RunTask, Start, Step, TaskResult, advance
from tiercel.engine.scope import RunScope
from tiercel.model import State
from tiercel.sdk import Plan

EACH = """
id: each
namespace: memo
tasks:
  - id: loop
    type: io.kestra.plugin.core.flow.ForEach
    values: ["a", "b", "c"]
    concurrencyLimit: 1
    tasks:
      - id: step
        type: io.kestra.plugin.core.debug.Return
        format: "{{ taskrun.value }}"
"""

PARALLEL = """
id: fan
namespace: memo
tasks:
  - id: loop
    type: io.kestra.plugin.core.flow.EachParallel
    value: ["a", "b", "c"]
    tasks:
      - id: step
        type: io.kestra.plugin.core.debug.Return
        format: "{{ taskrun.value }}"
"""

IF = """
id: choose
namespace: memo
inputs:
  - id: go
    type: BOOLEAN
tasks:
  - id: gate
    type: io.kestra.plugin.core.flow.If
    condition: "{{ inputs.go }}"
    then:
      - id: yes
        type: io.kestra.plugin.core.debug.Return
        format: "yes"
"""


def _step(run: Run, event: Event) -> Step:
    return advance(run.view, event, next(run.clock), lambda: next(run.ids))


def _loop_run(run: Run) -> str:
    (loop,) = run.runs("loop")
    return str(loop.id)


def test_a_loop_keeps_its_values_and_progress_and_stores_them_only_when_they_change() -> None:
    run = Run(load(EACH))
    first = _step(run, Start())
    loop_id = _loop_run(run)
    assert run.view.runs[loop_id].memo == {"values": ["a", "b", "c"], "started": 1}
    assert loop_id in first.changed
    values = run.view.runs[loop_id].memo["values"]  # type: ignore[index]
    (job,) = [c for c in first.commands if isinstance(c, RunTask)]
    second = _step(run, TaskResult(job.run.id, State.SUCCESS, {"value": "a"}))
    # One more value started: the notes change, the values are the same list, not re-rendered.
    assert run.view.runs[loop_id].memo == {"values": ["a", "b", "c"], "started": 2}
    assert run.view.runs[loop_id].memo["values"] is values  # type: ignore[index]
    assert loop_id in second.changed


def test_notes_that_did_not_change_are_not_stored_again() -> None:
    run = Run(load(PARALLEL))
    first = _step(run, Start())
    (loop,) = run.runs("loop")
    assert loop.memo == {"values": ["a", "b", "c"]}
    assert loop.id in first.changed
    jobs = [c for c in first.commands if isinstance(c, RunTask)]
    assert len(jobs) == 3
    # One child ends, two still run: the loop is resolved again and nothing of it changes.
    step = _step(run, TaskResult(jobs[0].run.id, State.SUCCESS, {"value": "a"}))
    assert loop.id not in step.changed
    assert set(step.changed) == {jobs[0].run.id}


def test_if_keeps_its_result_and_shows_it_as_outputs() -> None:
    run = Run(load(IF), {"go": True})
    _step(run, Start())
    (gate,) = run.runs("gate")
    assert gate.memo == {"result": True}
    (yes,) = run.runs("yes")
    _step(run, TaskResult(yes.id, State.SUCCESS))
    (gate,) = run.runs("gate")
    assert gate.state.current is State.SUCCESS
    assert gate.memo == {"result": True}
    assert gate.outputs == {"evaluationResult": True}


def test_a_flowable_cannot_write_its_scope_notes() -> None:
    run = Run(load(IF), {"go": False})
    _step(run, Start())
    (gate,) = run.runs("gate")
    view: ExecutionView = run.view
    scope = RunScope(view, gate, view.index.task("gate"), datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(TypeError):
        scope.memo()["result"] = True  # type: ignore[index]


def test_noting_returns_the_same_plan_when_the_notes_hold_these_values() -> None:
    run = Run(load(IF), {"go": True})
    _step(run, Start())
    (gate,) = run.runs("gate")
    scope = RunScope(run.view, gate, run.view.index.task("gate"), datetime(2026, 1, 1, tzinfo=UTC))
    plan = Plan([])
    assert plan.noting(scope, result=True) is plan
    changed = plan.noting(scope, result=False, extra=1)
    assert changed.memo == {"result": False, "extra": 1}
    assert changed.noting(scope, extra=2).memo == {"result": False, "extra": 2}
