"""``tiercel.sdk.testing``: a task run in memory gives its state, typed outputs, logs and
files, as a worker would; the HTTP test talks to a real server on 127.0.0.1."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import Field, ValidationError

from tests.plugins.core.run.run_support import Reply, Server, serve
from tiercel.plugins.core.http.request import Request, RequestOutput
from tiercel.plugins.core.log.log import Log
from tiercel.plugins.core.storage.write import Write
from tiercel.sdk import (
    LogLevel,
    Outcome,
    Output,
    RunContext,
    RunnableTask,
    State,
    TaskFailure,
    Text,
    plugin,
)
from tiercel.sdk.testing import FIXED_NOW, TestRunContext, make_task, run_task


class CountOutput(Output):
    total: int = Field(description="How many.")
    last_key: str | None = None


@plugin("com.example.Count")
class Count(RunnableTask[CountOutput | Outcome]):
    """Count the keys of the KV store under a prefix, waiting first."""

    prefix: Text
    wait_seconds: int = 0

    def run(self, ctx: RunContext) -> CountOutput | Outcome:
        ctx.sleep(self.wait_seconds)
        keys = ctx.kv().keys(str(ctx.render(self.prefix)))
        if not keys:
            raise TaskFailure("nothing to count", {"total": 0})
        ctx.metric("counted", len(keys))
        output = CountOutput(total=len(keys), last_key=keys[-1])
        return Outcome(output, State.WARNING) if len(keys) > 2 else output


@pytest.fixture
def server() -> Iterator[Server]:
    yield from serve(None)


def test_log_in_a_few_lines() -> None:
    task = make_task(Log, message=["Hello, {{ inputs.name }}!", "{{ flow.namespace }}"])
    result = run_task(task, inputs={"name": "Ada"}, namespace="acme.data")
    assert result.state is State.SUCCESS
    assert result.outputs is None and result.values == {}
    assert result.messages() == ["Hello, Ada!", "acme.data"]
    assert result.messages(LogLevel.INFO) == result.messages()


def test_typed_outputs_of_a_real_http_request(server: Server) -> None:
    url = server.route("/hello", Reply(201, b"created", {"X-Id": "7"}))
    result = run_task(make_task(Request, uri=url, method="POST", body="{{ inputs.x }}"),
                      inputs={"x": "payload"})  # fmt: skip
    assert isinstance(result.outputs, RequestOutput)
    assert (result.outputs.code, result.outputs.body) == (201, "created")
    assert result.outputs.headers["X-Id"] == ["7"]
    assert result.values["code"] == 201 and "encryptedBody" not in result.values
    assert server.received[0].body == b"payload"


def test_stored_files_are_readable() -> None:
    result = run_task(make_task(Write, content="a,b\n{{ inputs.n }}", extension=".csv"),
                      inputs={"n": 3})  # fmt: skip
    uri = result.values["uri"]
    assert uri.startswith("kestra:///company/team/test/executions/") and uri.endswith(".csv")
    assert result.file(uri) == b"a,b\n3"


def test_kv_metrics_outcome_and_a_clock_that_sleep_moves() -> None:
    ctx = TestRunContext(kv={"company.team": {"a1": 1, "a2": 2, "a3": 3, "b": 4}})
    result = run_task(make_task(Count, prefix="a", waitSeconds=90), ctx)
    assert result.state is State.WARNING
    assert result.values == {"total": 3, "lastKey": "a3"}
    assert result.metrics[0].name == "counted" and result.metrics[0].value == 3
    assert ctx.now() == FIXED_NOW + timedelta(seconds=90)


def test_a_task_failure_keeps_its_outputs_and_logs_the_message() -> None:
    result = run_task(make_task(Count, prefix="zzz"))
    assert result.state is State.FAILED
    assert (result.error, result.values) == ("nothing to count", {"total": 0})
    assert result.messages(LogLevel.ERROR) == ["nothing to count"]


def test_an_expression_error_fails_the_run_and_a_bug_is_raised() -> None:
    failed = run_task(make_task(Log, message="{{ inputs.missing }}"))
    assert failed.state is State.FAILED and "missing" in (failed.error or "")

    @plugin("com.example.Broken")
    class Broken(RunnableTask[None]):
        def run(self, ctx: RunContext) -> None:
            raise ZeroDivisionError("a bug")

    with pytest.raises(ZeroDivisionError):
        run_task(make_task(Broken))


def test_secret_kv_and_read_functions_render() -> None:
    task = make_task(Log, message="{{ secret('TOKEN') }} {{ kv('k') }} {{ read('a/b.txt') }}")
    result = run_task(
        task,
        secrets={"TOKEN": "s3cr3t"},
        kv={"company.team": {"k": "v"}},
        namespace_files={"company.team": {"/a/b.txt": b"file"}},
    )
    assert result.messages() == ["s3cr3t v file"]


def test_make_task_validates_like_a_flow() -> None:
    with pytest.raises(ValidationError, match="mesage"):
        make_task(Log, mesage="typo")
    assert make_task(Log, message="x").type == "io.kestra.plugin.core.log.Log"


def test_the_working_directory_is_removed_after_the_run() -> None:
    ctx = TestRunContext()
    root = ctx.working_dir()
    (root / "f").write_text("x")
    run_task(make_task(Log, message="x"), ctx)
    assert not root.exists()


def test_allowed_paths_follow_the_workers_rule(tmp_path: Path) -> None:
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (tmp_path / "allowed2").mkdir()
    (tmp_path / "outside.txt").write_text("y")
    (allowed / "link.txt").symlink_to(tmp_path / "outside.txt")
    ctx = TestRunContext(allowed_paths=[str(allowed)])
    assert ctx.allowed_path(str(allowed))
    assert ctx.allowed_path(str(allowed / "deeper" / "in.txt"))
    assert not ctx.allowed_path(str(allowed / ".." / "outside.txt"))
    assert not ctx.allowed_path(str(allowed / "link.txt"))
    assert not ctx.allowed_path(str(tmp_path / "allowed2" / "in.txt"))
    assert not TestRunContext().allowed_path(str(allowed))
