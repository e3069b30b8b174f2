"""log, debug, output, templating and execution tasks: Kestra's examples validate with
Kestra's defaults, and bad properties are refused where they are."""

from typing import Any

from flowtasks_support import refused_at, task

from tiercel.plugins.core.debug.echo import Echo
from tiercel.plugins.core.debug.return_ import Return
from tiercel.plugins.core.execution.assert_ import Assert
from tiercel.plugins.core.execution.count import Count
from tiercel.plugins.core.execution.exit import Exit, ExitState
from tiercel.plugins.core.execution.fail import Fail
from tiercel.plugins.core.execution.kill import Kill
from tiercel.plugins.core.execution.labels import Labels
from tiercel.plugins.core.execution.purge_executions import PurgeExecutions
from tiercel.plugins.core.execution.resume import Resume
from tiercel.plugins.core.execution.set_variables import SetVariables
from tiercel.plugins.core.execution.unset_variables import UnsetVariables
from tiercel.plugins.core.log.fetch import Fetch
from tiercel.plugins.core.log.purge_logs import PurgeLogs
from tiercel.plugins.core.output.output_values import OutputValues
from tiercel.plugins.core.templating.templated_task import TemplatedTask
from tiercel.sdk import LogLevel, State

CORE = "io.kestra.plugin.core."


def typed(kind: str, **properties: Any) -> dict[str, Any]:
    return {"id": "t", "type": CORE + kind, **properties}


# log


def test_fetch_examples_and_defaults() -> None:
    fetch = task(typed("log.Fetch", executionId="{{ execution.id }}", level="ERROR"))
    assert isinstance(fetch, Fetch)
    assert fetch.execution_id == "{{ execution.id }}"
    assert fetch.level is LogLevel.ERROR
    fetch = task(typed("log.Fetch", tasksId=["hello"]))
    assert isinstance(fetch, Fetch)
    assert fetch.tasks_id == ["hello"] and fetch.level is LogLevel.INFO
    assert fetch.namespace is None and fetch.flow_id is None


def test_fetch_refusals() -> None:
    refused_at(typed("log.Fetch", level="LOUD"), "level")
    refused_at(typed("log.Fetch", taskId=["a"]), "taskId")


def test_purge_logs_example_and_defaults() -> None:
    purge = task(
        typed(
            "log.PurgeLogs",
            endDate="{{ now() | dateAdd(-1, 'MONTHS') }}",
            logLevels=["TRACE", "DEBUG", "INFO", "WARN"],
        )
    )
    assert isinstance(purge, PurgeLogs)
    assert purge.log_levels == [LogLevel.TRACE, LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN]
    assert purge.purge_execution_logs is True and purge.purge_non_execution_logs is True
    assert purge.start_date is None and purge.batch_size is None


def test_purge_logs_refusals() -> None:
    assert refused_at(typed("log.PurgeLogs"), "endDate") == ["missing"]
    refused_at(typed("log.PurgeLogs", endDate="x", logLevels=["NOISY"]), "logLevels")


# debug


def test_return_example() -> None:
    ret = task(typed("debug.Return", format="{{ task.id }} > {{ taskrun.startDate }}"))
    assert isinstance(ret, Return)
    assert ret.format == "{{ task.id }} > {{ taskrun.startDate }}"
    assert task(typed("debug.Return", format=42)).model_dump()["format"] == "42"


def test_return_refuses_unknown_property_as_in_kestra_tests() -> None:
    # Kestra's invalids/invalid-property.yaml
    assert refused_at(typed("debug.Return", invalid="{{taskrun.startDate}}"), "invalid") == [
        "extra_forbidden"
    ]


def test_echo_example_and_refusal() -> None:
    echo = task(typed("debug.Echo", level="WARN", format="{{ task.id }}"))
    assert isinstance(echo, Echo)
    assert echo.level is LogLevel.WARN
    echo = task({"id": "e", "type": "io.kestra.core.tasks.debugs.Echo", "format": "x"})
    assert isinstance(echo, Echo) and echo.level is LogLevel.INFO
    refused_at(typed("debug.Echo", level="verbose"), "level")


# output, templating


def test_output_values_take_any_value() -> None:
    values = {
        "taskrun_data": "{{ task.id }}",
        "number_value": 42,
        "array_value": ["{{ flow.id }}", "static"],
        "nested_object": {"key1": "value1"},
    }
    out = task(typed("output.OutputValues", values=values))
    assert isinstance(out, OutputValues)
    assert out.values == values
    assert task(typed("output.OutputValues")).model_dump()["values"] is None
    refused_at(typed("output.OutputValues", values=["a"]), "values")


def test_templated_task() -> None:
    spec = "type: io.kestra.plugin.core.http.Download\n{{ task.property }}: {{ task.value }}\n"
    templated = task(typed("templating.TemplatedTask", spec=spec))
    assert isinstance(templated, TemplatedTask)
    assert templated.spec == spec
    assert refused_at(typed("templating.TemplatedTask"), "spec") == ["missing"]


# execution


def test_labels_in_each_form_kestra_accepts() -> None:
    for labels in (
        "{{ inputs.labelsJson }}",
        {"{{ inputs.labelsMapKey }}": "{{ inputs.labelsMapValue }}"},
        [{"key": "{{ inputs.labelsListKey }}", "value": "{{ inputs.labelsListValue }}"}],
        {"nested": {"a": 1}},
    ):
        assert isinstance(task(typed("execution.Labels", labels=labels)), Labels)
    assert refused_at(typed("execution.Labels"), "labels") == ["missing"]
    refused_at(typed("execution.Labels", labels=[{"value": "v"}]), "labels")


def test_count_example_and_refusals() -> None:
    count = task(
        {
            "id": "counts",
            "type": "io.kestra.core.tasks.executions.Counts",
            "expression": "{{ count == 0 }}",
            "flows": [{"namespace": "company.team", "flowId": "logs"}],
            "startDate": "{{ now() | dateAdd(-1, 'DAYS') }}",
            "states": ["FAILED"],
        }
    )
    assert isinstance(count, Count)
    assert count.flows is not None and count.flows[0].flow_id == "logs"
    assert count.states == [State.FAILED]
    assert count.end_date is None and count.namespaces is None
    refused_at(typed("execution.Count", startDate="x"), "expression")
    refused_at(typed("execution.Count", expression="x"), "startDate")
    refused_at(
        typed("execution.Count", expression="x", startDate="x", flows=[{"namespace": "n"}]),
        "flows",
        0,
        "flowId",
    )


def test_fail_defaults_and_condition() -> None:
    fail = task(typed("execution.Fail"))
    assert isinstance(fail, Fail)
    assert fail.error_message == "Task failure" and fail.condition is None
    fail = task(typed("execution.Fail", condition='{{ inputs.param == "fail" }}'))
    assert isinstance(fail, Fail) and fail.condition == '{{ inputs.param == "fail" }}'
    refused_at(typed("execution.Fail", message="boom"), "message")


def test_exit_state() -> None:
    exit_ = task(typed("execution.Exit"))
    assert isinstance(exit_, Exit) and exit_.state is ExitState.SUCCESS
    exit_ = task(typed("execution.Exit", state="KILLED"))
    assert isinstance(exit_, Exit) and exit_.state is ExitState.KILLED
    assert isinstance(task(typed("execution.Exit", state="CANCELED")), Exit)
    refused_at(typed("execution.Exit", state="CANCELLED"), "state")


def test_kill() -> None:
    kill = task(typed("execution.Kill", runIf="{{ inputs.shouldKill }}", propagateKill=True))
    assert isinstance(kill, Kill) and kill.propagate_kill is True
    kill = task(typed("execution.Kill"))
    assert isinstance(kill, Kill) and kill.propagate_kill is False
    refused_at(typed("execution.Kill", propagateKill="sometimes"), "propagateKill")


def test_resume() -> None:
    resume = task(typed("execution.Resume", executionId="{{ trigger.executionId }}"))
    assert isinstance(resume, Resume)
    assert resume.execution_id == "{{ trigger.executionId }}" and resume.inputs is None
    resume = task(typed("execution.Resume", inputs={"approved": True}))
    assert isinstance(resume, Resume) and resume.inputs == {"approved": True}
    refused_at(typed("execution.Resume", inputs=["a"]), "inputs")


def test_purge_executions_example_defaults_and_aliases() -> None:
    purge = task(
        {
            "id": "purge",
            "type": "io.kestra.core.tasks.storages.Purge",
            "endDate": "{{ now() | dateAdd(-1, 'MONTHS') }}",
            "states": ["KILLED", "FAILED", "WARNING", "SUCCESS"],
        }
    )
    assert isinstance(purge, PurgeExecutions)
    assert purge.states == [State.KILLED, State.FAILED, State.WARNING, State.SUCCESS]
    assert (purge.purge_execution, purge.purge_log, purge.purge_metric, purge.purge_storage) == (
        True,
        True,
        True,
        True,
    )
    assert purge.batch_size == 100
    assert refused_at(typed("execution.PurgeExecutions"), "endDate") == ["missing"]
    refused_at(typed("execution.PurgeExecutions", endDate="x", states=["DONE"]), "states")


def test_set_and_unset_variables() -> None:
    set_vars = task(typed("execution.SetVariables", variables={"message": "Hello"}))
    assert isinstance(set_vars, SetVariables)
    assert set_vars.variables == {"message": "Hello"} and set_vars.overwrite is True
    assert refused_at(typed("execution.SetVariables"), "variables") == ["missing"]
    unset = task(typed("execution.UnsetVariables", variables=["message", "name"]))
    assert isinstance(unset, UnsetVariables)
    assert unset.variables == ["message", "name"] and unset.ignore_missing is False
    refused_at(typed("execution.UnsetVariables", variables={"a": 1}), "variables")


def test_assert() -> None:
    check = task(
        typed("execution.Assert", conditions=["{{ inputs.param == 'ok' }}", "{{ 1 + 1 == 3 }}"])
    )
    assert isinstance(check, Assert)
    assert len(check.conditions) == 2 and check.error_message is None
    assert refused_at(typed("execution.Assert"), "conditions") == ["missing"]
    refused_at(typed("execution.Assert", conditions="{{ true }}"), "conditions")
