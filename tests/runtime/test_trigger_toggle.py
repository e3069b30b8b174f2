"""``trigger.Toggle`` switches the stored state of a flow's trigger, which the runner gives each
trigger of the flows it runs, as the scheduler does when a flow is deployed."""

from pathlib import Path
from textwrap import dedent

from tiercel.model import Flow, State, load_flows
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.runtime.services import Finished, Services
from tiercel.wiring import local_services

SCHEDULED = """
id: scheduled
namespace: t
tasks: [{id: hi, type: io.kestra.plugin.core.log.Log, message: hi}]
triggers:
  - {id: daily, type: io.kestra.plugin.core.trigger.Schedule, cron: "0 9 * * *"}
  - {id: off, type: io.kestra.plugin.core.trigger.Schedule, cron: "0 9 * * *", disabled: true}
"""

SWITCH = """
id: switch
namespace: t
inputs:
  - {id: flow, type: STRING}
  - {id: trigger, type: STRING}
  - {id: enabled, type: BOOLEAN}
tasks:
  - id: toggle
    type: io.kestra.plugin.core.trigger.Toggle
    namespace: t
    flowId: "{{ inputs.flow }}"
    trigger: "{{ inputs.trigger }}"
    enabled: "{{ inputs.enabled }}"
"""


def _flows() -> dict[tuple[str, str], Flow]:
    text = dedent(SCHEDULED) + "---\n" + dedent(SWITCH)
    result = load_flows(text.encode(), "flows.yaml", default_registry())
    assert result.ok, result.all_problems()
    return {(f.namespace, f.id): f for f in result.valid_flows()}


def _switch(services: Services, flow_id: str, trigger: str, enabled: bool) -> Finished:
    flows = _flows()
    inputs = {"flow": flow_id, "trigger": trigger, "enabled": enabled}
    return LocalRunner(services, flows).execute(flows[("t", "switch")], inputs)


def test_toggle_disables_then_enables_another_flows_trigger(tmp_path: Path) -> None:
    with local_services(tmp_path) as services:
        _switch(services, "scheduled", "daily", False)
        record = services.triggers.get("t", "scheduled", "daily")
        assert record is not None and record.disabled
        # A trigger the flow declares disabled starts disabled.
        off = services.triggers.get("t", "scheduled", "off")
        assert off is not None and off.disabled
        _switch(services, "scheduled", "daily", True)
        record = services.triggers.get("t", "scheduled", "daily")
        assert record is not None and not record.disabled


def test_toggle_fails_on_an_unknown_flow_or_trigger(tmp_path: Path) -> None:
    with local_services(tmp_path) as services:
        for flow_id, trigger, wanted in [
            ("nowhere", "daily", "Unable to find flow t.nowhere"),
            ("scheduled", "hourly", "Unable to find trigger hourly for the flow t.scheduled"),
        ]:
            finished = _switch(services, flow_id, trigger, True)
            assert finished.execution.state.current is State.FAILED
            errors = [line.message for line in finished.logs if line.level == "ERROR"]
            assert any(wanted in message for message in errors), errors
