"""Python and Node.js script tasks run as real processes through a flow."""

import shutil
from pathlib import Path

import pytest
from scripts_support import messages, run_flow, state_of

PYTHON = "io.kestra.plugin.scripts.python"


def test_python_script_runs_in_the_isolated_environment(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: py
            type: {PYTHON}.Script
            script: |
              import json, os, sys
              print("hello from", "{{{{ flow.id }}}}")
              print(sys.prefix == os.environ["VIRTUAL_ENV"])
              print("::" + json.dumps({{"outputs": {{"n": 2}}}}) + "::")
        """,
    )
    assert state_of(finished, "py") == "SUCCESS", messages(finished, "py")
    logged = messages(finished, "py")
    assert "hello from f" in logged and "True" in logged
    assert finished.outputs["py"]["vars"] == {"n": 2}


def test_python_commands_put_the_environment_first_on_path(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: py
            type: {PYTHON}.Commands
            inputFiles:
              main.py: |
                import sys
                print("args", sys.argv[1:])
            commands:
              - python main.py a b
              - test "$(which python)" = "$VIRTUAL_ENV/bin/python" && echo venv
        """,
    )
    assert messages(finished, "py")[-2:] == ["args ['a', 'b']", "venv"]


def test_a_shell_command_as_a_python_script_fails_with_advice(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: py
            type: {PYTHON}.Script
            script: python preprocess.py input_data.csv
        """,
    )
    assert state_of(finished, "py") == "FAILED"
    (failure,) = [m for m in messages(finished, "py") if m.startswith("Command failed")]
    assert "Command failed with exit code 1" in failure
    assert f"{PYTHON}.Commands" in failure
    assert "python preprocess.py input_data.csv" in failure


def test_a_python_syntax_error_in_real_python_gets_no_advice(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: py
            type: {PYTHON}.Script
            script: "def broken(:"
        """,
    )
    (failure,) = [m for m in messages(finished, "py") if m.startswith("Command failed")]
    assert failure == "Command failed with exit code 1"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_node_script_and_commands(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        """
        id: f
        namespace: t
        tasks:
          - id: js
            type: io.kestra.plugin.scripts.node.Script
            script: |
              console.log("from node " + (1 + 2));
              console.log('::' + JSON.stringify({outputs: {ok: true}}) + '::');
          - id: cmd
            type: io.kestra.plugin.scripts.node.Commands
            commands: ["node -e 'console.log(6 * 7)'"]
        """,
    )
    assert messages(finished, "js") == ["from node 3"]
    assert finished.outputs["js"]["vars"] == {"ok": True}
    assert messages(finished, "cmd") == ["42"]


def test_kestras_own_python_package_sets_outputs_and_metrics(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: py
            type: {PYTHON}.Script
            dependencies: [kestra]
            script: |
              from kestra import Kestra
              Kestra.outputs({{"rows": 3, "name": "orders"}})
              Kestra.counter("processed", 3, {{"table": "orders"}})
        """,
    )
    assert state_of(finished, "py") == "SUCCESS", messages(finished, "py")
    assert finished.outputs["py"]["vars"] == {"rows": 3, "name": "orders"}
    (metric,) = [m for m in finished.metrics if m.name == "processed"]
    assert (metric.value, metric.kind, dict(metric.tags)) == (3.0, "counter", {"table": "orders"})


def test_legacy_python_task_runs_main_py_with_requirements_args_and_kestra(
    tmp_path: Path,
) -> None:
    finished = run_flow(
        tmp_path,
        """
        id: f
        namespace: t
        tasks:
          - id: py
            type: io.kestra.core.tasks.scripts.Python
            inputFiles:
              data.json: '{"status": "OK"}'
              main.py: |
                import json, sys
                import six
                from kestra import Kestra
                status = json.loads(open(sys.argv[1]).read())["status"]
                print("status", status, "six", six.PY3)
                Kestra.outputs({"status": status})
                Kestra.counter("rows", 3, {"kind": "test"})
                Kestra.timer("slept", 0.5)
            args: ["data.json"]
            requirements: [six]
        """,
    )
    assert state_of(finished, "py") == "SUCCESS", messages(finished, "py")
    assert "status OK six True" in messages(finished, "py")
    assert finished.outputs["py"]["vars"] == {"status": "OK"}
    assert sorted((m.name, m.value) for m in finished.metrics) == [("rows", 3.0), ("slept", 0.5)]


def test_legacy_python_task_without_main_py_fails_with_kestras_message(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        """
        id: f
        namespace: t
        tasks:
          - id: py
            type: io.kestra.core.tasks.scripts.Python
            inputFiles:
              other.py: print(1)
        """,
    )
    assert state_of(finished, "py") == "FAILED"
    assert any("at least a main.py" in line for line in messages(finished, "py"))


def test_without_the_dependency_cache_a_run_builds_its_own_environment_and_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIERCEL_CACHE_DIR", str(tmp_path / "cache"))
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: py
            type: {PYTHON}.Commands
            dependencyCacheEnabled: false
            packageManager: PIP
            uvAutoInstallEnabled: false
            outputFiles: ["**/*.py"]
            commands:
              - echo "$VIRTUAL_ENV"
              - echo 'print(1)' > mine.py
          - id: bad
            type: {PYTHON}.Commands
            packageManager: "{{{{ 'CON' ~ 'DA' }}}}"
            commands: [echo never]
        """,
    )
    assert state_of(finished, "py") == "SUCCESS", messages(finished, "py")
    env = Path(messages(finished, "py")[-1])
    assert env.name == "env" and env.parent.name.startswith("tiercel-pyenv-")
    assert not env.parent.exists(), "the run's own environment is removed after it"
    assert not (tmp_path / "cache" / "python-envs").exists(), "the cache is not used"
    # The environment lay outside the working directory: the glob saw only the script's file.
    assert list(finished.outputs["py"]["outputFiles"]) == ["mine.py"]
    assert state_of(finished, "bad") == "FAILED"
    assert any("CONDA" in line for line in messages(finished, "bad"))
