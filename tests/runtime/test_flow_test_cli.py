"""``tiercel flow test`` end to end: real flow files, the embedded backend, real workers."""

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tiercel.cli.main import cli
from tiercel.storage import Database, LogQuery, SqlExecutionStore, SqlLogStore, SqlMetricStore

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(*args: str, data: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["flow", "test", *args, "--data-dir", str(data)])
    return result.exit_code, result.stdout, result.stderr


def test_the_seed_parallel_example_logs_its_three_tasks(tmp_path: Path) -> None:
    code, out, _ = run(str(EXAMPLES / "parallel.yaml"), data=tmp_path)
    assert code == 0
    for n in (1, 2, 3):
        assert f"task{n}" in out and f"Task {n} 실행" in out
    assert "SUCCESS" in out


def test_the_seed_each_parallel_example_logs_every_value(tmp_path: Path) -> None:
    code, out, _ = run(str(EXAMPLES / "each-parallel.yaml"), data=tmp_path)
    assert code == 0
    for name in ("file1.csv", "file2.csv", "file3.csv"):
        assert f"처리 중: {name}" in out
        assert f"process_file[{name}]" in out


def test_inputs_and_kestra_json(tmp_path: Path) -> None:
    code, out, _ = run(str(EXAMPLES / "hello.yaml"), "name=Tiercel", "--json", data=tmp_path)
    assert code == 0
    execution = json.loads(out)
    assert execution["state"]["current"] == "SUCCESS"
    assert execution["inputs"] == {"name": "Tiercel"}
    (task_run,) = execution["taskRunList"]
    assert task_run["taskId"] == "greet"
    assert task_run["state"]["current"] == "SUCCESS"
    assert [h["state"] for h in execution["state"]["histories"]] == [
        "CREATED",
        "RUNNING",
        "SUCCESS",
    ]


def test_a_failed_flow_exits_1_and_shows_the_error(tmp_path: Path) -> None:
    flow = tmp_path / "fail.yaml"
    flow.write_text(
        "id: boom\nnamespace: t\ntasks:\n"
        "  - {id: fail, type: io.kestra.plugin.core.execution.Fail, errorMessage: 'broken'}\n"
    )
    code, out, _ = run(str(flow), data=tmp_path / "data")
    assert code == 1
    assert "broken" in out
    assert "FAILED" in out


def test_bad_inputs_and_bad_flows_are_reported_not_raised(tmp_path: Path) -> None:
    flow = tmp_path / "typed.yaml"
    flow.write_text(
        "id: typed\nnamespace: t\ninputs:\n  - {id: n, type: INT, max: 5}\n"
        "tasks:\n  - {id: log, type: io.kestra.plugin.core.log.Log, message: '{{ inputs.n }}'}\n"
    )
    code, _, err = run(str(flow), "n=12", data=tmp_path / "data")
    assert code == 1
    assert "inputs.n: Invalid input for `n`" in err
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "id: x\nnamespace: t\ntasks:\n  - {id: a, type: io.kestra.plugin.core.log.Lgo}\n"
    )
    code, _, err = run(str(broken), data=tmp_path / "data")
    assert code == 1
    assert "broken.yaml:4:" in err and "did you mean" in err
    assert "Traceback" not in err


def test_a_pause_nobody_resumes_ends_the_command_paused(tmp_path: Path) -> None:
    flow = tmp_path / "pause.yaml"
    flow.write_text(
        "id: p\nnamespace: t\ntasks:\n  - {id: wait, type: io.kestra.plugin.core.flow.Pause}\n"
    )
    code, out, _ = run(str(flow), data=tmp_path / "data")
    assert code == 1
    assert "PAUSED" in out


def test_subflows_come_from_the_flows_directory(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "child.yaml").write_text(
        "id: child\nnamespace: t\ninputs:\n  - {id: who, type: STRING}\n"
        "tasks:\n  - {id: hi, type: io.kestra.plugin.core.debug.Return,"
        " format: 'hi {{ inputs.who }}'}\n"
        "outputs:\n  - {id: said, type: STRING, value: '{{ outputs.hi.value }}'}\n"
    )
    parent = tmp_path / "parent.yaml"
    parent.write_text(
        "id: parent\nnamespace: t\ntasks:\n"
        "  - {id: call, type: io.kestra.plugin.core.flow.Subflow, namespace: t, flowId: child,"
        " inputs: {who: you}}\n"
        "  - {id: echo, type: io.kestra.plugin.core.log.Log,"
        " message: '{{ outputs.call.outputs.said }}'}\n"
    )
    code, out, _ = run(str(parent), "--flows", str(flows), data=tmp_path / "data")
    assert code == 0, out
    assert "hi you" in out


def test_the_console_script_runs_a_flow(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tiercel",
            "flow",
            "test",
            str(EXAMPLES / "hello.yaml"),
            "--data-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Hello, world!" in done.stdout


def test_the_execution_its_task_runs_and_logs_are_stored(tmp_path: Path) -> None:
    code, out, _ = run(str(EXAMPLES / "parallel.yaml"), "--json", data=tmp_path)
    assert code == 0
    execution_id = json.loads(out)["id"]
    with Database.sqlite(tmp_path / "tiercel.db") as db:
        loaded = SqlExecutionStore(db).load(execution_id)
        logs = SqlLogStore(db).find(LogQuery(execution_id=execution_id))
    assert loaded is not None
    record, runs = loaded
    assert record.state.current.value == "SUCCESS"
    assert sorted(r.task_id for r in runs) == ["parallel_processing", "task1", "task2", "task3"]
    assert sorted(line.message for line in logs) == ["Task 1 실행", "Task 2 실행", "Task 3 실행"]


def test_envs_and_secrets_come_from_the_environment_and_secrets_are_masked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENV_REGION", "eu-west")
    monkeypatch.setenv("SECRET_API_TOKEN", base64.b64encode(b"s3cr3t-value").decode())
    flow = tmp_path / "env.yaml"
    flow.write_text(
        "id: env\nnamespace: t\ntasks:\n"
        "  - {id: where, type: io.kestra.plugin.core.log.Log,"
        " message: 'region {{ envs.region }}'}\n"
        "  - {id: leak, type: io.kestra.plugin.core.log.Log,"
        " message: 'token {{ secret(\"API_TOKEN\") }}'}\n"
    )
    code, out, _ = run(str(flow), data=tmp_path / "data")
    assert code == 0, out
    assert "region eu-west" in out
    assert "token ******" in out
    assert "s3cr3t-value" not in out


def test_a_working_directory_is_shared_by_its_tasks(tmp_path: Path) -> None:
    flow = tmp_path / "wd.yaml"
    flow.write_text(
        "id: wd\nnamespace: t\ntasks:\n"
        "  - id: dir\n    type: io.kestra.plugin.core.flow.WorkingDirectory\n"
        "    inputFiles:\n      seed.txt: 'from inputFiles'\n"
        "    outputFiles: ['*.txt']\n"
        "    tasks:\n"
        "      - id: write\n        type: io.kestra.plugin.core.storage.LocalFiles\n"
        "        inputs:\n          made.txt: 'written by the first task'\n"
        "      - id: read\n        type: io.kestra.plugin.core.storage.LocalFiles\n"
        "        outputs: ['*.txt']\n"
    )
    code, out, _ = run(str(flow), "--json", data=tmp_path / "data")
    assert code == 0, out
    runs = {r["taskId"]: r for r in json.loads(out)["taskRunList"]}
    assert sorted(runs["read"]["outputs"]["uris"]) == ["made.txt", "seed.txt"]
    assert sorted(runs["dir"]["outputs"]["outputFiles"]) == ["made.txt", "seed.txt"]


def test_task_metrics_are_stored_with_their_task_run(tmp_path: Path) -> None:
    flow = tmp_path / "assert.yaml"
    flow.write_text(
        "id: checks\nnamespace: t\ntasks:\n"
        "  - id: check\n    type: io.kestra.plugin.core.execution.Assert\n"
        "    conditions: ['{{ 1 == 1 }}', '{{ 2 > 1 }}']\n"
    )
    code, out, _ = run(str(flow), "--json", data=tmp_path / "data")
    assert code == 0, out
    execution = json.loads(out)
    with Database.sqlite(tmp_path / "data" / "tiercel.db") as db:
        metrics = SqlMetricStore(db).find_by_execution(execution["id"])
    by_name = {m.name: m for m in metrics}
    assert by_name["success"].value == 2
    assert by_name["failed"].value == 0
    assert by_name["success"].task_run_id == execution["taskRunList"][0]["id"]


def test_namespace_files_are_uploaded_read_downloaded_and_deleted(tmp_path: Path) -> None:
    flow = tmp_path / "ns.yaml"
    flow.write_text(
        "id: ns\nnamespace: company.team\ntasks:\n"
        "  - id: dir\n    type: io.kestra.plugin.core.flow.WorkingDirectory\n"
        "    inputFiles:\n      scripts/clean.py: 'print(1)'\n      notes.txt: 'n'\n"
        "    tasks:\n"
        "      - id: upload\n        type: io.kestra.plugin.core.namespace.UploadFiles\n"
        "        namespace: company.team\n        files: ['**/*.py']\n"
        "        destination: /code\n"
        "  - id: show\n    type: io.kestra.plugin.core.debug.Return\n"
        "    format: \"{{ read('code/scripts/clean.py') }}\"\n"
        "  - id: download\n    type: io.kestra.plugin.core.namespace.DownloadFiles\n"
        "    namespace: company.team\n    files: ['code/**']\n"
        "  - id: delete\n    type: io.kestra.plugin.core.namespace.DeleteFiles\n"
        "    namespace: company.team\n    files: ['code/**']\n"
    )
    code, out, _ = run(str(flow), "--json", data=tmp_path / "data")
    assert code == 0, out
    runs = {r["taskId"]: r for r in json.loads(out)["taskRunList"]}
    assert runs["upload"]["outputs"] == {"files": ["code/scripts/clean.py"]}
    assert runs["show"]["outputs"] == {"value": "print(1)"}
    assert list(runs["download"]["outputs"]["files"]) == ["code/scripts/clean.py"]
    assert runs["delete"]["outputs"] == {"files": ["code/scripts/clean.py"]}


def test_a_templated_task_runs_the_task_its_spec_renders_to(tmp_path: Path) -> None:
    flow = tmp_path / "templated.yaml"
    flow.write_text(
        "id: templated\nnamespace: t\ninputs:\n  - {id: word, type: STRING, defaults: hi}\n"
        "tasks:\n  - id: templated\n    type: io.kestra.plugin.core.templating.TemplatedTask\n"
        "    spec: |\n      id: inner\n      type: io.kestra.plugin.core.debug.Return\n"
        "      format: '{{ inputs.word }} there'\n"
    )
    code, out, _ = run(str(flow), "--json", data=tmp_path / "data")
    assert code == 0, out
    (task_run,) = json.loads(out)["taskRunList"]
    assert task_run["outputs"] == {"value": "hi there"}


def test_an_unusable_data_directory_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "tiercel.db").write_text("not a database")
    code, _, err = run(str(EXAMPLES / "hello.yaml"), data=tmp_path)
    assert code == 2
    assert f"the data directory {tmp_path} cannot be used" in err
    assert "Traceback" not in err


def test_executions_are_counted_and_purged(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for _ in range(2):
        assert run(str(EXAMPLES / "hello.yaml"), data=data)[0] == 0
    flow = tmp_path / "count.yaml"
    flow.write_text(
        "id: count\nnamespace: ops\ntasks:\n"
        "  - id: counted\n    type: io.kestra.plugin.core.execution.Count\n"
        "    flows: [{namespace: tiercel.examples, flowId: hello}]\n"
        "    states: [SUCCESS]\n"
        "    startDate: \"{{ now() | dateAdd(-1, 'HOURS') }}\"\n"
        "    expression: '{{ count >= 2 }}'\n"
        "  - id: purge\n    type: io.kestra.plugin.core.execution.PurgeExecutions\n"
        "    namespace: tiercel.examples\n    flowId: hello\n"
        "    endDate: \"{{ now() | dateAdd(1, 'HOURS') }}\"\n"
    )
    code, out, _ = run(str(flow), "--json", data=data)
    assert code == 0, out
    runs = {r["taskId"]: r for r in json.loads(out)["taskRunList"]}
    assert runs["counted"]["outputs"] == {
        "results": [{"namespace": "tiercel.examples", "flowId": "hello", "count": 2}],
        "total": 2,
    }
    purged = runs["purge"]["outputs"]
    assert purged["executionsCount"] == 2
    assert purged["logsCount"] == 2
    with Database.sqlite(data / "tiercel.db") as db:
        assert SqlExecutionStore(db).find(namespace="tiercel.examples") == []


def test_templates_come_from_a_directory(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "greet.yaml").write_text(
        "id: greet\nnamespace: t\ntasks:\n"
        "  - {id: hi, type: io.kestra.plugin.core.log.Log,"
        " message: 'hi {{ parent.outputs.args.who }}'}\n"
    )
    flow = tmp_path / "flow.yaml"
    flow.write_text(
        "id: uses\nnamespace: t\ntasks:\n"
        "  - {id: t, type: io.kestra.plugin.core.flow.Template, namespace: t, templateId: greet,"
        " args: {who: ada}}\n"
    )
    code, out, _ = run(str(flow), "--templates", str(templates), data=tmp_path / "data")
    assert code == 0
    assert "hi ada" in out
