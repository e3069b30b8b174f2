"""Typed outputs: the model a task declares, its stored form, and a worker storing it."""

from pathlib import Path

from pydantic import Field

from tests.plugins.core.run.run_support import Reply, serve
from tiercel.model import load_flows
from tiercel.model.state import State
from tiercel.plugins.core.debug.return_ import Return
from tiercel.plugins.core.http.request import Request, RequestOutput
from tiercel.plugins.core.log.log import Log
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.runtime.worker import plain
from tiercel.sdk import Outcome, Output, RunContext, RunnableTask, output_values, plugin
from tiercel.wiring import local_services


class Nested(Output):
    row_count: int


class Rich(Output):
    exit_code: int = Field(description="The code.")
    nested: Nested
    skipped: str | None = None
    ratio: float = 0.5


@plugin("com.example.Rich")
class RichTask(RunnableTask[Rich | Outcome]):
    def run(self, ctx: RunContext) -> Rich | Outcome:
        return Rich(exit_code=0, nested=Nested(row_count=2))


def test_the_declared_model_is_found_through_the_generic() -> None:
    assert Request.output_model() is RequestOutput
    assert RichTask.output_model() is Rich
    assert Log.output_model() is None  # RunnableTask[None]: no outputs
    assert Return.output_model() is None  # an untyped task


def test_values_use_kestra_names_and_leave_nulls_out() -> None:
    value = Rich(exit_code=3, nested=Nested(row_count=2))
    assert output_values(value) == {"exitCode": 3, "nested": {"rowCount": 2}, "ratio": 0.5}
    assert output_values({"a": 1}) == {"a": 1}
    assert Rich.model_validate({"exitCode": 1, "nested": {"rowCount": 0}}).exit_code == 1


def test_the_worker_stores_a_model_as_its_values() -> None:
    value = Rich(exit_code=1, nested=Nested(row_count=0), skipped="no")
    assert plain(value) == {"exitCode": 1, "nested": {"rowCount": 0}, "skipped": "no", "ratio": 0.5}
    assert plain(Outcome(value, State.WARNING).outputs)["exitCode"] == 1


def test_a_flow_reads_typed_outputs_by_their_kestra_names(tmp_path: Path) -> None:
    servers = serve(None)
    server = next(servers)
    try:
        url = server.route("/x", Reply(200, b"pong", {"X-A": "1"}))
        source = f"""
id: typed
namespace: company.team
tasks:
  - id: call
    type: io.kestra.plugin.core.http.Request
    uri: {url}
  - id: show
    type: io.kestra.plugin.core.log.Log
    message: >-
      {{{{ outputs.call.code }}}} {{{{ outputs.call.body }}}}
      {{{{ outputs.call.headers['X-A'][0] }}}}
"""
        (flow,) = load_flows(source.encode(), "f.yaml", default_registry()).valid_flows()
        with local_services(tmp_path / "data") as services:
            finished = LocalRunner(services).execute(flow)
    finally:
        servers.close()
    assert finished.execution.state.current is State.SUCCESS
    assert [line.message for line in finished.logs if line.task_id == "show"] == ["200 pong 1"]
    assert finished.outputs["call"]["code"] == 200
    assert "encryptedBody" not in finished.outputs["call"]
