"""Shell script tasks run as real processes through a flow."""

import os
import time
from pathlib import Path
from textwrap import dedent

from scripts_support import levels, messages, run_flow, state_of

from tiercel.model import load_flows
from tiercel.model.state import State
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.runtime.services import Services
from tiercel.storage import StorageNamespaceFiles
from tiercel.wiring import local_services

SHELL = "io.kestra.plugin.scripts.shell"


def test_commands_log_stdout_and_give_outputs_through_the_line_protocol(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: sh
            type: {SHELL}.Commands
            commands:
              - echo hello
              - echo '::{{"outputs":{{"answer":42,"name":"ada"}}}}::'
              - 'echo ''::{{"logs":[{{"level":"WARN","message":"careful"}}]}}::'''
          - id: use
            type: io.kestra.plugin.core.log.Log
            message: "got {{{{ outputs.sh.vars.answer }}}} {{{{ outputs.sh.exitCode }}}}"
        """,
    )
    assert str(finished.execution.state.current) == "SUCCESS"
    assert levels(finished, "sh") == {"hello": "INFO", "careful": "WARN"}
    assert messages(finished, "use") == ["got 42 0"]
    outputs = finished.outputs["sh"]
    assert outputs["vars"] == {"answer": 42, "name": "ada"}
    assert outputs["stdOutLineCount"] == 3
    assert outputs["stdErrLineCount"] == 0


def test_script_metrics_reach_the_run(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: sh
            type: {SHELL}.Script
            script: |
              M='{{"name":"rows","type":"counter","value":7,"tags":{{"a":"b"}}}}'
              echo "::{{\\"metrics\\":[$M]}}::"
        """,
    )
    assert [(m.name, m.value) for m in finished.metrics] == [("rows", 7.0)]


def test_non_zero_exit_fails_with_the_code_and_stderr_is_logged_as_error(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: sh
            type: {SHELL}.Script
            script: |
              echo broken >&2
              exit 3
        """,
    )
    assert state_of(finished, "sh") == "FAILED"
    found = levels(finished, "sh")
    assert found["broken"] == "ERROR"
    assert found["Command failed with exit code 3"] == "ERROR"


def test_a_failed_run_keeps_its_outputs_for_the_errors_branch(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: sh
            type: {SHELL}.Commands
            outputFiles: [report.txt]
            commands:
              - echo '::{{"outputs":{{"stage":"load"}}}}::'
              - echo partial > report.txt
              - exit 4
        errors:
          - id: why
            type: io.kestra.plugin.core.log.Log
            message: "{{{{ outputs.sh.exitCode }}}} {{{{ outputs.sh.vars.stage }}}}"
          - id: file
            type: io.kestra.plugin.core.log.Log
            message: "{{{{ read(outputs.sh.outputFiles['report.txt']) | trim }}}}"
        """,
    )
    assert state_of(finished, "sh") == "FAILED"
    (run,) = [run for run in finished.task_runs if run.task_id == "sh"]
    assert run.outputs is not None
    assert run.outputs["exitCode"] == 4
    assert run.outputs["vars"] == {"stage": "load"}
    assert messages(finished, "why") == ["4 load"]
    assert messages(finished, "file") == ["partial"]


def test_fail_fast_stops_at_the_first_failure_unless_disabled(tmp_path: Path) -> None:
    flow = f"""
        id: f
        namespace: t
        tasks:
          - id: sh
            type: {SHELL}.Commands
            failFast: FAIL_FAST
            commands: ["false", "echo after"]
        """
    stopped = run_flow(tmp_path / "a", flow.replace("FAIL_FAST", "true"))
    assert state_of(stopped, "sh") == "FAILED"
    assert "after" not in messages(stopped, "sh")
    went_on = run_flow(tmp_path / "b", flow.replace("FAIL_FAST", "false"))
    assert state_of(went_on, "sh") == "SUCCESS"
    assert "after" in messages(went_on, "sh")


def test_stderr_gives_warning_unless_warning_on_std_err_is_false(tmp_path: Path) -> None:
    flow = f"""
        id: f
        namespace: t
        tasks:
          - id: sh
            type: {SHELL}.Commands
            warningOnStdErr: WARN
            commands: ["echo note >&2"]
        """
    assert state_of(run_flow(tmp_path / "a", flow.replace("WARN", "true")), "sh") == "WARNING"
    assert state_of(run_flow(tmp_path / "b", flow.replace("WARN", "false")), "sh") == "SUCCESS"


def test_env_working_dir_and_output_dir(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: sh
            type: {SHELL}.Commands
            env: {{GREETING: "hi {{{{ flow.id }}}}"}}
            commands:
              - echo "$GREETING"
              - test "$(pwd)" = "{{{{ workingDir }}}}" && echo in-working-dir
              - test "$WORKING_DIR" = "{{{{ workingDir }}}}" && echo env-working-dir
              - echo made > "{{{{ outputDir }}}}/made.txt"
              - test -f "$OUTPUT_DIR/made.txt" && echo env-output-dir
        """,
    )
    assert messages(finished, "sh") == [
        "hi f",
        "in-working-dir",
        "env-working-dir",
        "env-output-dir",
    ]
    assert list(finished.outputs["sh"]["outputFiles"]) == ["made.txt"]


def test_input_files_inline_and_from_a_previous_output_then_output_files(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: make
            type: {SHELL}.Commands
            outputFiles: ["*.csv"]
            commands: ["printf 'a,b\\n1,2\\n' > data.csv", "echo x > other.txt"]
          - id: use
            type: {SHELL}.Commands
            inputFiles:
              data.csv: "{{{{ outputs.make.outputFiles['data.csv'] }}}}"
              sub/note.txt: "note for {{{{ flow.id }}}}"
            commands:
              - cat data.csv
              - echo "$(cat sub/note.txt)"
              - cat {{{{ outputs.make.outputFiles['data.csv'] }}}} | wc -l
        """,
    )
    assert list(finished.outputs["make"]["outputFiles"]) == ["data.csv"]
    assert finished.outputs["make"]["outputFiles"]["data.csv"].startswith("kestra://")
    assert messages(finished, "use") == ["a,b", "1,2", "note for f", "2"]


def test_input_files_as_a_json_map(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: sh
            type: {SHELL}.Commands
            inputFiles: '{{"a.txt": "from json"}}'
            commands: ["cat a.txt"]
        """,
    )
    assert messages(finished, "sh") == ["from json"]


def test_namespace_files_include_and_exclude(tmp_path: Path) -> None:
    def setup(services: Services) -> None:
        files = StorageNamespaceFiles(services.storage)
        files.write("t", "scripts/run.sh", b"echo from-namespace\n")
        files.write("t", "scripts/skip.sh", b"echo skipped\n")
        files.write("t", "readme.md", b"doc\n")

    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: sh
            type: {SHELL}.Commands
            namespaceFiles:
              enabled: true
              include: ["scripts/**"]
              exclude: ["**/skip.sh"]
            commands: ["sh scripts/run.sh", "ls -R | sort | tr '\\n' ' '"]
        """,
        setup,
    )
    logged = messages(finished, "sh")
    assert logged[0] == "from-namespace"
    assert "run.sh" in logged[1]
    assert "skip.sh" not in logged[1] and "readme.md" not in logged[1]


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    marker = tmp_path / "pids"
    started = time.monotonic()
    finished = run_flow(
        tmp_path / "run",
        f"""
        id: f
        namespace: t
        tasks:
          - id: sh
            type: {SHELL}.Commands
            timeout: PT1S
            commands:
              - sleep 30 &
              - echo $! >> {marker}
              - sh -c 'echo $$ >> {marker}; sleep 30'
        """,
    )
    assert time.monotonic() - started < 15
    assert state_of(finished, "sh") == "FAILED"
    pids = [int(pid) for pid in marker.read_text().split()]
    assert len(pids) == 2
    time.sleep(0.2)
    for pid in pids:
        assert not _alive(pid), f"process {pid} was left behind"


def test_killing_the_execution_stops_the_whole_process_group(tmp_path: Path) -> None:
    marker = tmp_path / "pids"
    result = load_flows(
        dedent(
            f"""
            id: f
            namespace: t
            tasks:
              - id: sh
                type: {SHELL}.Commands
                commands:
                  - sleep 30 &
                  - echo $! >> {marker}
                  - sh -c 'echo $$ >> {marker}; sleep 30'
            """
        ).encode(),
        "f.yaml",
        default_registry(),
    )
    (flow,) = result.valid_flows()
    started = time.monotonic()
    with local_services(tmp_path / "run") as services:
        # The runner's deadline kills every execution still running, through a Kill event
        # as the API's kill does: the task's kill switch, then the process group.
        finished = LocalRunner(services).execute(flow, timeout=1.5)
    assert time.monotonic() - started < 15
    assert finished.execution.state.current is State.KILLED
    assert state_of(finished, "sh") == "KILLED"
    pids = [int(pid) for pid in marker.read_text().split()]
    assert len(pids) == 2
    time.sleep(0.2)
    for pid in pids:
        assert not _alive(pid), f"process {pid} was left behind"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead, only not yet reaped
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_lines_are_logged_as_they_are_printed(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: sh
            type: {SHELL}.Commands
            commands: ["echo first", "sleep 1", "echo second"]
        """,
    )
    stamps = {line.message: line.timestamp for line in finished.logs if line.task_id == "sh"}
    assert (stamps["second"] - stamps["first"]).total_seconds() >= 0.8


def test_a_docker_runner_runs_locally_with_a_warning(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: sh
            type: {SHELL}.Commands
            containerImage: ubuntu
            taskRunner: {{type: io.kestra.plugin.scripts.runner.docker.Docker, pullPolicy: ALWAYS}}
            commands: ["echo ran"]
        """,
    )
    found = levels(finished, "sh")
    assert found["ran"] == "INFO"
    assert any(level == "WARN" and "local process" in m for m, level in found.items())


def test_legacy_bash_output_files_by_name(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        """
        id: f
        namespace: t
        tasks:
          - id: bash
            type: io.kestra.core.tasks.scripts.Bash
            outputFiles: [first]
            commands:
              - echo legacy
              - echo 1 >> {{ outputFiles.first }}
          - id: show
            type: io.kestra.plugin.core.log.Log
            message: "{{ read(outputs.bash.outputFiles.first) }}"
        """,
    )
    assert messages(finished, "bash") == ["legacy"]
    assert messages(finished, "show") == ["1\n"]


def test_a_script_longer_than_an_argument_can_be_still_runs(tmp_path: Path) -> None:
    filler = "".join(f"              # {'x' * 70} {n}\n" for n in range(3000))
    text = f"""
        id: f
        namespace: t
        tasks:
          - id: sh
            type: {SHELL}.Script
            script: |
              echo start
{filler}              echo end
        """
    assert len(text) > 200_000
    finished = run_flow(tmp_path, text)
    assert state_of(finished, "sh") == "SUCCESS", messages(finished, "sh")
    assert messages(finished, "sh")[-2:] == ["start", "end"]
