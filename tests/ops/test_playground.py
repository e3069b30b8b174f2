"""The playground's pure parts: the flow a playground run is held with, and which earlier task
runs it reuses."""

from datetime import UTC, datetime
from textwrap import dedent

from tiercel.model import Flow, State, load_flows
from tiercel.model.execution import Execution, RunState
from tiercel.model.labels import PLAYGROUND_LABEL, Label
from tiercel.ops.playground import earlier_tasks, narrowed
from tiercel.registry import default_registry

SOURCE = """\
id: f
namespace: company.team
tasks:
  - id: a
    type: io.kestra.plugin.core.log.Log
    message: a
  - id: group
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - id: b
        type: io.kestra.plugin.core.log.Log
        message: b
      - id: c
        type: io.kestra.plugin.core.log.Log
        message: c
  - id: d
    type: io.kestra.plugin.core.log.Log
    message: d
errors:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    message: failed
"""


def _flow() -> Flow:
    result = load_flows(dedent(SOURCE), "flow.yaml", default_registry())
    flow = result.flows[0].flow
    assert flow is not None
    return flow


def _execution(*labels: Label) -> Execution:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return Execution.model_construct(
        id="e", namespace="company.team", flow_id="f", state=RunState.start(State.CREATED, now),
        labels=labels,
    )  # fmt: skip


def test_a_playground_run_holds_its_one_task_at_the_top_level() -> None:
    flow = _flow()
    held = narrowed(flow, _execution(Label(key=PLAYGROUND_LABEL, value="c")))
    assert [task.id for task in held.tasks] == ["c"]
    assert held.errors is None and held.triggers is None


def test_other_executions_and_lost_tasks_keep_the_whole_flow() -> None:
    flow = _flow()
    assert narrowed(flow, _execution()) is flow
    assert narrowed(flow, _execution(Label(key=PLAYGROUND_LABEL, value="gone"))) is flow


def test_earlier_tasks_leave_out_the_flowables_that_hold_the_task() -> None:
    flow = _flow()
    assert earlier_tasks(flow, "c") == {"a", "b"}
    assert earlier_tasks(flow, "d") == {"a", "group", "b", "c"}
    assert earlier_tasks(flow, "a") == set()
