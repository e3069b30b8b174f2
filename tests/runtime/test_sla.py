"""Flow SLAs through ``LocalRunner``: a real timer ends (or labels) a slow execution, and
assertions are checked as the execution runs."""

import time
from pathlib import Path
from textwrap import dedent

import pytest

from tiercel.model import Flow, State, load_flows
from tiercel.model.task import LogLevel
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.runtime.services import Finished
from tiercel.wiring import local_services

SLOW = """
id: slow
namespace: t
sla:
  - id: quick
    type: MAX_DURATION
    duration: PT0.3S
    behavior: BEHAVIOR
    labels: {sla: missed}
tasks:
  - {id: nap, type: io.kestra.plugin.core.flow.Sleep, duration: NAP}
  - {id: after, type: io.kestra.plugin.core.log.Log, message: awake}
"""

ASSERTED = """
id: asserted
namespace: t
inputs:
  - {id: answer, type: STRING}
sla:
  - id: goodAnswer
    type: EXECUTION_ASSERTION
    behavior: FAIL
    assert: "{{ outputs.give.value == 'good' }}"
    labels: {answer: bad}
tasks:
  - {id: give, type: io.kestra.plugin.core.debug.Return, format: "{{ inputs.answer }}"}
  - {id: after, type: io.kestra.plugin.core.log.Log, message: done}
"""


def _flow(text: str) -> Flow:
    (flow,) = load_flows(dedent(text), "flow.yaml", default_registry()).valid_flows()
    return flow


def _run(tmp_path: Path, flow: Flow, inputs: dict[str, str] | None = None) -> Finished:
    with local_services(tmp_path / "data") as services:
        return LocalRunner(services, {}).execute(flow, inputs, timeout=20)


def _labels(finished: Finished) -> list[tuple[str, str]]:
    return [
        (x.key, x.value) for x in finished.execution.labels if x.key == "sla" or x.key == "answer"
    ]


@pytest.mark.parametrize(
    ("behavior", "state"), [("FAIL", State.FAILED), ("CANCEL", State.CANCELLED)]
)
def test_max_duration_ends_a_slow_execution(tmp_path: Path, behavior: str, state: State) -> None:
    flow = _flow(SLOW.replace("BEHAVIOR", behavior).replace("NAP", "PT10S"))
    began = time.monotonic()
    finished = _run(tmp_path, flow)
    assert time.monotonic() - began < 8, "the sleep was stopped, not waited for"
    assert finished.execution.state.current is state
    assert [(r.task_id, r.state.current) for r in finished.task_runs] == [("nap", state)]
    assert _labels(finished) == [("sla", "missed")]
    warnings = [x.message for x in finished.logs if x.level is LogLevel.WARN]
    assert any(m.startswith("SLA 'quick' violated: execution duration of") for m in warnings)


def test_max_duration_none_labels_the_execution_and_lets_it_finish(tmp_path: Path) -> None:
    flow = _flow(SLOW.replace("BEHAVIOR", "NONE").replace("NAP", "PT1S"))
    finished = _run(tmp_path, flow)
    assert finished.execution.state.current is State.SUCCESS
    assert [r.task_id for r in finished.task_runs] == ["nap", "after"]
    assert _labels(finished) == [("sla", "missed")]


def test_an_execution_within_its_max_duration_is_not_held_up_by_the_timer(tmp_path: Path) -> None:
    flow = _flow(
        SLOW.replace("BEHAVIOR", "FAIL").replace("PT0.3S", "PT1H").replace("NAP", "PT0.1S")
    )
    began = time.monotonic()
    finished = _run(tmp_path, flow)
    assert time.monotonic() - began < 8
    assert finished.execution.state.current is State.SUCCESS
    assert _labels(finished) == []


def test_an_assertion_that_holds_lets_the_execution_succeed(tmp_path: Path) -> None:
    finished = _run(tmp_path, _flow(ASSERTED), {"answer": "good"})
    assert finished.execution.state.current is State.SUCCESS
    assert [r.task_id for r in finished.task_runs] == ["give", "after"]
    assert _labels(finished) == []


def test_a_violated_assertion_fails_the_execution(tmp_path: Path) -> None:
    finished = _run(tmp_path, _flow(ASSERTED), {"answer": "bad"})
    assert finished.execution.state.current is State.FAILED
    assert [r.task_id for r in finished.task_runs] == ["give"]
    assert _labels(finished) == [("answer", "bad")]
    errors = [x.message for x in finished.logs if x.level is LogLevel.ERROR]
    assert "Execution failed due to SLA 'goodAnswer' violated: assertion is false: " in errors[-1]
