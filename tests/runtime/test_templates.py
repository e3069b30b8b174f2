"""``flow.Template`` runs the tasks of a stored template as its children (deprecated)."""

from pathlib import Path
from textwrap import dedent

from tiercel.model import Flow, State, load_flows
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.runtime.services import Finished
from tiercel.wiring import local_services

TEMPLATES = """
id: greet
namespace: t
tasks:
  - {id: hello, type: io.kestra.plugin.core.log.Log, message: "hello {{ parent.outputs.args.who }}"}
  - id: nested
    type: io.kestra.plugin.core.flow.Template
    namespace: t
    templateId: failing
---
id: failing
namespace: t
tasks:
  - {id: boom, type: io.kestra.plugin.core.execution.Fail, errorMessage: broken}
errors:
  - {id: caught, type: io.kestra.plugin.core.log.Log, message: "caught in the template"}
"""

FLOW = """
id: uses
namespace: t
inputs: [{id: who, type: STRING}]
tasks:
  - id: include
    type: io.kestra.plugin.core.flow.Template
    namespace: t
    templateId: TEMPLATE_ID
    args: {who: "{{ inputs.who }}"}
"""


def _load(text: str) -> list[Flow]:
    result = load_flows(dedent(text).encode(), "test.yaml", default_registry())
    assert result.ok, result.all_problems()
    return result.valid_flows()


def _run(tmp_path: Path, template_id: str, templates: list[Flow]) -> Finished:
    (flow,) = _load(FLOW.replace("TEMPLATE_ID", template_id))
    with local_services(tmp_path) as services:
        runner = LocalRunner(services, templates={(t.namespace, t.id): t for t in templates})
        return runner.execute(flow, {"who": "ada"})


def test_template_tasks_run_as_children_with_args_and_nested_templates(tmp_path: Path) -> None:
    finished = _run(tmp_path, "greet", _load(TEMPLATES))
    runs = {run.task_id: run for run in finished.task_runs}
    assert list(runs) == ["include", "hello", "nested", "boom", "caught"]
    assert runs["hello"].parent_task_run_id == runs["include"].id
    assert runs["boom"].parent_task_run_id == runs["nested"].id
    assert runs["include"].outputs == {"args": {"who": "ada"}}
    messages = [(line.task_id, line.message) for line in finished.logs]
    assert ("hello", "hello ada") in messages
    assert ("caught", "caught in the template") in messages
    # The template's errors branch ran, but the failure still fails the flow, as in Kestra.
    assert runs["nested"].state.current is State.FAILED
    assert finished.execution.state.current is State.FAILED


def test_a_missing_template_fails_its_task_with_the_template_named(tmp_path: Path) -> None:
    finished = _run(tmp_path, "nowhere", [])
    assert [run.task_id for run in finished.task_runs] == ["include"]
    assert finished.execution.state.current is State.FAILED
    errors = [line.message for line in finished.logs if line.level == "ERROR"]
    assert any(m.endswith("Can't find flow template 't.nowhere'") for m in errors), errors
