"""``tiercel flow validate`` catches what it once called valid or explained wrongly: broken
expressions, duplicate ids next to other errors, Kestra plugin types that are not installed,
and task names that Kestra never had."""

from pathlib import Path
from textwrap import dedent

from click.testing import CliRunner

from tiercel.cli.main import cli
from tiercel.registry import default_registry


def validate(tmp_path: Path, text: str) -> tuple[int, list[str]]:
    flow = tmp_path / "flow.yaml"
    flow.write_text(dedent(text))
    result = CliRunner().invoke(cli, ["flow", "validate", str(flow)])
    lines = [line for line in result.stderr.splitlines() if line.startswith(str(flow))]
    return result.exit_code, [line.removeprefix(f"{flow}:") for line in lines]


def test_an_unclosed_expression_is_invalid(tmp_path: Path) -> None:
    code, problems = validate(
        tmp_path,
        """\
        id: hello
        namespace: company.team
        tasks:
          - id: log
            type: io.kestra.plugin.core.log.Log
            message: "Hello {{ inputs.name "
        """,
    )
    assert code == 1
    assert len(problems) == 1
    assert problems[0].startswith("6:5: tasks[0].message: Invalid expression: Unexpected end")
    assert 'expected "}}"' in problems[0]


def test_broken_expressions_are_found_everywhere_but_descriptions(tmp_path: Path) -> None:
    code, problems = validate(
        tmp_path,
        """\
        id: hello
        namespace: company.team
        description: "Docs may show {{ unclosed"
        variables:
          greeting: "{% if true %}hi"
        tasks:
          - id: log
            type: io.kestra.plugin.core.log.Log
            description: "{{ also docs"
            message: "{{ 'fine' }}"
          - id: bad_type
            type: io.kestra.plugin.core.log.Lgo
            message: "{# never closed"
        """,
    )
    assert code == 1
    assert [p.split(": ", 2)[1] for p in problems] == [
        "variables.greeting",
        "tasks[1].type",
        "tasks[1].message",
    ]
    assert "Invalid expression: Unclosed comment" in problems[2]


def test_a_duplicate_task_id_is_reported_beside_another_error(tmp_path: Path) -> None:
    code, problems = validate(
        tmp_path,
        """\
        id: hello
        namespace: company.team
        tasks:
          - id: same
            type: io.kestra.plugin.core.log.Log
            message: one
          - id: group
            type: io.kestra.plugin.core.flow.Sequential
            tasks:
              - id: same
                type: io.kestra.plugin.core.log.Log
                mesage: typo
        triggers:
          - id: same
            type: io.kestra.plugin.core.trigger.Schedule
            cron: "@daily"
        """,
    )
    assert code == 1
    assert any("Unrecognized field 'mesage'" in p for p in problems)
    duplicates = [p for p in problems if "Duplicate" in p]
    assert duplicates == ["10:9: tasks[1].tasks[0]: Duplicate task id with name [same]"]


def test_a_kestra_plugin_that_is_not_installed_is_not_called_a_typo(tmp_path: Path) -> None:
    for name in ("io.kestra.plugin.kafka.Produce", "io.kestra.plugin.scripts.groovy.Eval"):
        # Written when neither was installed: a test of the message, not of what is missing.
        assert default_registry().kind_of(name) is None, f"{name} is installed now: pick another"
    code, problems = validate(
        tmp_path,
        """\
        id: hello
        namespace: company.team
        tasks:
          - id: query
            type: io.kestra.plugin.kafka.Produce
            topic: events
          - id: groovy
            type: io.kestra.plugin.scripts.groovy.Eval
            script: println 1
          - id: typo
            type: io.kestra.plugin.scripts.pyhton.Script
            script: print(1)
        """,
    )
    assert code == 1
    assert problems[0] == (
        "5:5: tasks[0].type: Invalid type: 'io.kestra.plugin.kafka.Produce' is a "
        "Kestra plugin type (io.kestra.plugin.kafka) that is not installed in this Tiercel"
    )
    assert "'io.kestra.plugin.scripts.groovy.Eval' is a Kestra plugin type" in problems[1]
    assert "did you mean" not in problems[1]
    assert "did you mean 'io.kestra.plugin.scripts.python.Script'?" in problems[2]


def test_branch_points_to_switch_and_if(tmp_path: Path) -> None:
    code, problems = validate(
        tmp_path,
        """\
        id: hello
        namespace: company.team
        tasks:
          - id: choose
            type: io.kestra.plugin.core.flow.Branch
        """,
    )
    assert code == 1
    assert len(problems) == 1
    assert "ForEach" not in problems[0]
    assert "io.kestra.plugin.core.flow.Switch" in problems[0]
    assert "io.kestra.plugin.core.flow.If" in problems[0]


def test_other_syntax_errors_warn_and_leave_the_flow_valid(tmp_path: Path) -> None:
    flow = tmp_path / "flow.yaml"
    flow.write_text(
        dedent(
            """\
            id: hello
            namespace: company.team
            tasks:
              - id: log
                type: io.kestra.plugin.core.log.Log
                message: "{{ 'a' | nosuchfilter }}"
            """
        )
    )
    result = CliRunner().invoke(cli, ["flow", "validate", str(flow)])
    # Kestra accepts such a flow and fails the task when it renders the message.
    assert result.exit_code == 0
    assert "tasks[0].message: Invalid expression: Filter [nosuchfilter] does not exist" in (
        result.stderr
    )
    assert "(warning)" in result.stderr
