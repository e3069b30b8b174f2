"""``execution.Resume`` resumes another paused execution, loading it from the store."""

from pathlib import Path
from textwrap import dedent

from tiercel.model import State, load_flows
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.wiring import local_services

FLOWS = """
id: approval
namespace: t
tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Pause
    onResume: [{id: ok, type: BOOLEAN}]
  - {id: after, type: io.kestra.plugin.core.debug.Return, format: "{{ outputs.wait.onResume }}"}
---
id: approver
namespace: t
inputs: [{id: target, type: STRING}]
tasks:
  - id: resume
    type: io.kestra.plugin.core.execution.Resume
    executionId: "{{ inputs.target }}"
    inputs: {ok: true}
"""


def test_resume_task_continues_a_stored_paused_execution(tmp_path: Path) -> None:
    result = load_flows(dedent(FLOWS), "flows.yaml", default_registry())
    assert result.ok, result.all_problems()
    approval, approver = result.valid_flows()
    flows = {(f.namespace, f.id): f for f in (approval, approver)}
    with local_services(tmp_path) as services:
        paused = LocalRunner(services, flows).execute(approval)
        assert paused.execution.state.current is State.PAUSED
        runner = LocalRunner(services, flows)
        done = runner.execute(approver, {"target": paused.execution.id})
        assert done.execution.state.current is State.SUCCESS
        resumed = done.executions[paused.execution.id]
        assert resumed.state.current is State.SUCCESS
        stored = services.executions.load(paused.execution.id)
    assert stored is not None and stored[0].state.current is State.SUCCESS
    after = next(r for r in stored[1] if r.task_id == "after")
    assert after.outputs == {"value": '{"ok":true}'}
