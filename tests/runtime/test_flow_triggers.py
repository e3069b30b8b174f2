"""Flow triggers render their inputs in the upstream execution's context (its task outputs as
``outputs``, as Kestra does), and one listener whose inputs fail starts nothing but does not
keep the other listeners from starting."""

from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest

from tiercel.model import Flow, load_flows
from tiercel.registry import Registry, default_registry
from tiercel.runtime import LocalRunner, Services
from tiercel.runtime.flow_triggers import FlowTriggers
from tiercel.runtime.scheduler import StartRequest
from tiercel.sdk import State, Trigger, plugin
from tiercel.wiring import local_services

UPSTREAM = """
id: upstream
namespace: t
tasks:
  - {id: only, type: io.kestra.plugin.core.debug.Return, format: "from {{ execution.id }}"}
"""


def listener(flow_id: str, expression: str) -> str:
    return f"""
id: {flow_id}
namespace: t
inputs:
  - {{id: given, type: STRING}}
tasks:
  - {{id: show, type: io.kestra.plugin.core.debug.Return, format: "{{{{ inputs.given }}}}"}}
triggers:
  - id: listen
    type: io.kestra.plugin.core.trigger.Flow
    inputs:
      given: "{expression}"
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: t
        flowId: upstream
"""


@plugin("test.flow_triggers.OnFailure")
class OnFailure(Trigger):
    """A third party's listening trigger: no core class, only the SDK's
    ``ExecutionListeningTrigger`` protocol; it listens for failed executions."""

    inputs: dict[str, Any] | None = None

    @property
    def states(self) -> list[State]:
        return [State.FAILED]

    @property
    def preconditions(self) -> None:
        return None


def flow(text: str, registry: Registry | None = None) -> Flow:
    result = load_flows(dedent(text), "flow.yaml", registry or default_registry())
    assert result.ok, result.all_problems()
    return result.valid_flows()[0]


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    with local_services(tmp_path / "data") as opened:
        yield opened


def test_inputs_see_the_upstream_task_outputs_and_a_bad_listener_is_skipped(
    services: Services,
) -> None:
    upstream = flow(UPSTREAM)
    # Listeners are evaluated in this order: the broken one first.
    broken = flow(listener("a-broken", "{{ outputs.missing.value }}"))
    good = flow(listener("b-good", "{{ outputs.only.value }}"))
    ended = LocalRunner(services, {("t", "upstream"): upstream}).execute(upstream).execution
    requests: list[StartRequest] = []

    def start(request: StartRequest) -> str:
        requests.append(request)
        return "started"

    started = FlowTriggers(services, lambda: [broken, good], start).execution_changed(ended)
    assert started == ["started"]
    (request,) = requests
    assert request.flow.id == "b-good"
    assert request.inputs == {"given": f"from {ended.id}"}


def test_a_listening_trigger_found_by_its_protocol(services: Services) -> None:
    registry = Registry()
    registry.load_entry_points()
    registry.register(OnFailure)
    upstream = flow(
        """
        id: upstream
        namespace: t
        tasks:
          - {id: boom, type: io.kestra.plugin.core.execution.Fail}
        """
    )
    watcher = flow(
        """
        id: watcher
        namespace: t
        inputs:
          - {id: failed, type: STRING}
        tasks:
          - {id: show, type: io.kestra.plugin.core.log.Log, message: "{{ inputs.failed }}"}
        triggers:
          - id: on-failure
            type: test.flow_triggers.OnFailure
            inputs: {failed: "{{ trigger.executionId }}"}
        """,
        registry,
    )
    failed = LocalRunner(services, {("t", "upstream"): upstream}).execute(upstream).execution
    assert failed.state.current is State.FAILED
    requests: list[StartRequest] = []

    def start(request: StartRequest) -> str:
        requests.append(request)
        return "started"

    triggers = FlowTriggers(services, lambda: [watcher], start)
    assert triggers.execution_changed(failed) == ["started"]
    (request,) = requests
    assert request.trigger.type == "test.flow_triggers.OnFailure"
    assert request.inputs == {"failed": failed.id}
    # It listens for FAILED only: a successful execution starts nothing.
    fine = flow(UPSTREAM)
    succeeded = LocalRunner(services, {("t", "upstream"): fine}).execute(fine).execution
    assert succeeded.state.current is State.SUCCESS
    assert triggers.execution_changed(succeeded) == []
