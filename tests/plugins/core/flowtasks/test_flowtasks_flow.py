"""The flowable tasks and Sleep: Kestra's examples validate with Kestra's defaults, bad
properties are refused where they are, and the validator rules give Kestra's messages."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flowtasks_support import errors, log, refused_at, task

from tiercel.plugins.core.flow.dag import Dag, OnChildFailure
from tiercel.plugins.core.flow.each_parallel import EachParallel
from tiercel.plugins.core.flow.each_sequential import EachSequential
from tiercel.plugins.core.flow.for_each import ForEach
from tiercel.plugins.core.flow.for_each_item import ForEachItem
from tiercel.plugins.core.flow.if_ import If
from tiercel.plugins.core.flow.loop_until import LoopUntil
from tiercel.plugins.core.flow.parallel import Parallel
from tiercel.plugins.core.flow.pause import Pause, PauseBehavior
from tiercel.plugins.core.flow.sequential import Sequential
from tiercel.plugins.core.flow.sleep import Sleep
from tiercel.plugins.core.flow.subflow import RestartBehavior, Subflow
from tiercel.plugins.core.flow.switch import Switch
from tiercel.plugins.core.flow.template import Template
from tiercel.plugins.core.flow.working_directory import WorkingDirectory
from tiercel.sdk import FileExistBehavior, Task

FLOW = "io.kestra.plugin.core.flow."


def ret(task_id: str) -> dict[str, Any]:
    return {"id": task_id, "type": "io.kestra.plugin.core.debug.Return", "format": "{{ task.id }}"}


# Sequential, Parallel, AllowFailure


def test_sequential_keeps_children_and_error_branches() -> None:
    seq = task(
        {
            "id": "seq",
            "type": FLOW + "Sequential",
            "tasks": [ret("first"), ret("second")],
            "errors": [log("on-error")],
            "finally": [log("always")],
        }
    )
    assert isinstance(seq, Sequential)
    assert [t.id for t in seq.tasks] == ["first", "second"]
    assert [t.id for t in seq.errors or []] == ["on-error"]
    assert [t.id for t in seq.finally_ or []] == ["always"]
    assert {path for path, _ in seq.child_tasks()} == {
        ("tasks", 0),
        ("tasks", 1),
        ("errors", 0),
        ("finally", 0),
    }


@pytest.mark.parametrize("kind", ["Sequential", "Parallel", "AllowFailure"])
@pytest.mark.parametrize(
    ("tasks", "error"), [(None, "list_type"), ([], "too_short"), ("missing", "missing")]
)
def test_group_tasks_are_required_and_not_empty(kind: str, tasks: Any, error: str) -> None:
    data: dict[str, Any] = {"id": "group", "type": FLOW + kind}
    if tasks != "missing":
        data["tasks"] = tasks
    assert refused_at(data, "tasks") == [error]


def test_invalid_parallel_tasks_from_kestra_tests_are_refused() -> None:
    # Kestra's invalids/invalid-parallel.yaml: no tasks, empty tasks, null tasks.
    for para in ({}, {"tasks": []}, {"tasks": None}):
        refused_at({"id": "para", "type": FLOW + "Parallel", **para}, "tasks")


def test_parallel_defaults_and_dynamic_concurrency() -> None:
    para = task({"id": "p", "type": FLOW + "Parallel", "tasks": [ret("a")]})
    assert isinstance(para, Parallel)
    assert para.concurrent == 0
    assert para.fail_fast is False
    para = task(
        {"id": "p", "type": FLOW + "Parallel", "tasks": [ret("a")], "concurrent": "{{ inputs.n }}"}
    )
    assert isinstance(para, Parallel)
    assert para.concurrent == "{{ inputs.n }}"
    refused_at({"id": "p", "type": FLOW + "Parallel", "tasks": [ret("a")], "concurrent": "x"},
               "concurrent")  # fmt: skip


def test_allow_failure_is_a_sequential() -> None:
    block = task({"id": "allow", "type": FLOW + "AllowFailure", "tasks": [ret("ko")]})
    assert isinstance(block, Sequential)
    assert type(block).__name__ == "AllowFailure"


def test_unknown_property_is_refused_where_it_is() -> None:
    assert refused_at(
        {"id": "seq", "type": FLOW + "Sequential", "tasks": [ret("a")], "concurency": 1},
        "concurency",
    ) == ["extra_forbidden"]


def test_unknown_child_type_is_refused_at_the_child() -> None:
    data = {"id": "seq", "type": FLOW + "Sequential", "tasks": [{"id": "x", "type": "nope.X"}]}
    assert refused_at(data, "tasks", 0) == ["unknown_type"]


# If


def test_if_example() -> None:
    branch = task(
        {
            "id": "if",
            "type": FLOW + "If",
            "condition": "{{ inputs.string == 'Condition' }}",
            "then": [log("when_true")],
            "else": [log("when_false")],
        }
    )
    assert isinstance(branch, If)
    assert branch.condition == "{{ inputs.string == 'Condition' }}"
    assert [t.id for t in branch.else_ or []] == ["when_false"]
    assert branch.model_dump(by_alias=True)["else"][0]["id"] == "when_false"


def test_if_condition_may_be_a_yaml_boolean() -> None:
    branch = task({"id": "if", "type": FLOW + "If", "condition": True, "then": [log()]})
    assert isinstance(branch, If)
    assert branch.condition == "true"
    assert branch.else_ is None


def test_if_needs_a_condition_and_a_then_branch() -> None:
    assert refused_at({"id": "if", "type": FLOW + "If", "then": [log()]}, "condition") == [
        "missing"
    ]
    refused_at({"id": "if", "type": FLOW + "If", "condition": "x", "then": []}, "then")


# Switch


def test_switch_example() -> None:
    switch = task(
        {
            "id": "switch",
            "type": FLOW + "Switch",
            "value": "{{ inputs.string }}",
            "cases": {"FIRST": [ret("first")], "SECOND": [ret("second")]},
            "defaults": [ret("default")],
        }
    )
    assert isinstance(switch, Switch)
    assert sorted((switch.cases or {}).keys()) == ["FIRST", "SECOND"]
    assert switch.violations() == []
    paths = {path for path, _ in switch.child_tasks()}
    assert ("cases", "FIRST", 0) in paths and ("defaults", 0) in paths


def test_switch_case_keys_are_text() -> None:
    switch = task({"id": "s", "type": FLOW + "Switch", "value": 1, "cases": {1: [ret("one")]}})
    assert isinstance(switch, Switch)
    assert switch.value == "1"
    assert list((switch.cases or {}).keys()) == ["1"]


def test_switch_with_only_defaults_is_valid() -> None:
    switch = task({"id": "s", "type": FLOW + "Switch", "value": "v", "defaults": [ret("d")]})
    assert switch.violations() == []


@pytest.mark.parametrize(
    "branches",
    [{}, {"cases": {}}, {"cases": {}, "defaults": None}, {"cases": None, "defaults": []}],
)
def test_switch_without_any_task_breaks_kestras_rule(branches: dict[str, Any]) -> None:
    switch = task({"id": "s", "type": FLOW + "Switch", "value": "v", **branches})
    assert [(v.path, v.message) for v in switch.violations()] == [
        ((), "No task defined, neither cases or default have any tasks")
    ]


def test_switch_value_is_required_and_not_blank() -> None:
    refused_at({"id": "s", "type": FLOW + "Switch", "defaults": [ret("d")]}, "value")
    refused_at({"id": "s", "type": FLOW + "Switch", "value": "", "defaults": [ret("d")]}, "value")


# Dag


def dag(*items: tuple[str, list[str] | None]) -> Dag:
    result = task(
        {
            "id": "dag",
            "type": FLOW + "Dag",
            "tasks": [
                {"task": log(name), **({"dependsOn": deps} if deps is not None else {})}
                for name, deps in items
            ],
        }
    )
    assert isinstance(result, Dag)
    return result


def test_dag_example_is_valid_with_defaults() -> None:
    graph = dag(
        ("task1", None),
        ("task2", ["task1"]),
        ("task3", ["task1"]),
        ("task4", ["task2"]),
        ("task5", ["task4", "task3"]),
    )
    assert graph.violations() == []
    assert graph.concurrent == 0
    assert graph.on_child_failure is OnChildFailure.CONTINUE
    assert graph.tasks[4].depends_on == ["task4", "task3"]
    assert ("tasks", 4, "task") in {path for path, _ in graph.child_tasks()}


def test_dag_lists_every_unknown_dependency_once_per_use() -> None:
    graph = dag(("a", ["x"]), ("b", ["a", "y"]), ("c", ["x"]))
    assert [(v.path, v.message) for v in graph.violations()] == [
        (("tasks", 0, "dependsOn", 0), "Not existing task id in dependency: x, y, x")
    ]


def test_dag_cycle_names_only_the_tasks_on_a_cycle() -> None:
    graph = dag(("t1", ["t2"]), ("t2", ["t1"]), ("t3", ["t2"]), ("t4", ["t3"]))
    assert [v.message for v in graph.violations()] == ["Cyclic dependency detected: t1, t2"]


def test_dag_task_depending_on_itself_is_a_cycle() -> None:
    assert [v.message for v in dag(("a", ["a"]), ("b", None)).violations()] == [
        "Cyclic dependency detected: a"
    ]


def test_dag_unknown_dependency_is_reported_before_cycles() -> None:
    graph = dag(("a", ["b"]), ("b", ["a", "zz"]))
    assert [v.message for v in graph.violations()] == ["Not existing task id in dependency: zz"]


def test_dag_needs_tasks_and_each_needs_a_task() -> None:
    refused_at({"id": "dag", "type": FLOW + "Dag", "tasks": []}, "tasks")
    refused_at(
        {"id": "dag", "type": FLOW + "Dag", "tasks": [{"dependsOn": []}]}, "tasks", 0, "task"
    )
    refused_at(
        {"id": "dag", "type": FLOW + "Dag", "tasks": [{"task": log(), "depends": []}]},
        "tasks",
        0,
        "depends",
    )


def test_dag_on_child_failure_reads_any_case() -> None:
    data = {"id": "d", "type": FLOW + "Dag", "tasks": [{"task": log()}], "onChildFailure": "fail"}
    graph = task(data)
    assert isinstance(graph, Dag)
    assert graph.on_child_failure is OnChildFailure.FAIL
    refused_at({**data, "onChildFailure": "STOP"}, "onChildFailure")


# Loops


def test_for_each_example_and_defaults() -> None:
    loop = task(
        {
            "id": "for_each",
            "type": FLOW + "ForEach",
            "values": ["value 1", "value 2"],
            "tasks": [ret("before_if")],
        }
    )
    assert isinstance(loop, ForEach)
    assert loop.values == ["value 1", "value 2"]
    assert loop.concurrency_limit == 1
    text = task(
        {
            "id": "for_each",
            "type": FLOW + "ForEach",
            "values": '["a", "b"]',
            "concurrencyLimit": 0,
            "tasks": [ret("r")],
        }
    )
    assert isinstance(text, ForEach)
    assert text.values == '["a", "b"]'
    assert text.concurrency_limit == 0


def test_for_each_needs_values_and_tasks() -> None:
    assert refused_at({"id": "f", "type": FLOW + "ForEach", "tasks": [ret("r")]}, "values") == [
        "missing"
    ]
    refused_at({"id": "f", "type": FLOW + "ForEach", "values": [1]}, "tasks")


@pytest.mark.parametrize(("kind", "cls"), [("EachSequential", EachSequential),
                                            ("EachParallel", EachParallel)])  # fmt: skip
def test_each_loops_take_a_value(kind: str, cls: type[Task]) -> None:
    loop = task({"id": "each", "type": FLOW + kind, "value": ["a", "b"], "tasks": [ret("r")]})
    assert isinstance(loop, cls)
    refused_at({"id": "each", "type": FLOW + kind, "tasks": [ret("r")]}, "value")
    refused_at({"id": "each", "type": FLOW + kind, "values": ["a"], "tasks": [ret("r")]}, "values")


def test_each_parallel_is_a_parallel_with_concurrency() -> None:
    loop = task(
        {
            "id": "each",
            "type": FLOW + "EachParallel",
            "value": '["a"]',
            "concurrent": 2,
            "tasks": [ret("r")],
        }
    )
    assert isinstance(loop, Parallel)
    assert loop.concurrent == 2


def test_loop_until_example_and_kestra_1x_defaults() -> None:
    loop = task(
        {
            "id": "loop",
            "type": FLOW + "LoopUntil",
            "condition": "{{ outputs.return.value == '4' }}",
            "tasks": [ret("return")],
        }
    )
    assert isinstance(loop, LoopUntil)
    assert loop.fail_on_max_reached is False
    assert loop.check_frequency.interval == timedelta(minutes=1)
    assert loop.check_frequency.max_iterations is None
    assert loop.check_frequency.max_duration is None


def test_wait_for_alias_reads_the_kestra_021_test_flows() -> None:
    loop = task(
        {
            "id": "waitfor",
            "type": FLOW + "WaitFor",
            "condition": "{{ outputs.output_values.values.count == '-5'}}",
            "checkFrequency": {"maxDuration": "PT5S", "interval": "PT0.2S"},
            "failOnMaxReached": True,
            "tasks": [{"id": "ov", "type": "io.kestra.plugin.core.output.OutputValues"}],
        }
    )
    assert isinstance(loop, LoopUntil)
    assert loop.check_frequency.max_duration == timedelta(seconds=5)
    assert loop.check_frequency.interval == timedelta(milliseconds=200)
    assert loop.fail_on_max_reached is True


def test_loop_until_limits_must_be_positive() -> None:
    base = {"id": "l", "type": FLOW + "LoopUntil", "condition": "x", "tasks": [ret("r")]}
    refused_at({**base, "checkFrequency": {"interval": "PT0S"}}, "checkFrequency", "interval")
    refused_at({**base, "checkFrequency": {"maxIterations": 0}}, "checkFrequency", "maxIterations")
    refused_at({**base, "checkFrequency": {"every": "PT1S"}}, "checkFrequency", "every")
    refused_at({"id": "l", "type": FLOW + "LoopUntil", "tasks": [ret("r")]}, "condition")
    refused_at({**base, "tasks": []}, "tasks")


# Subflow and ForEachItem


def test_subflow_example_and_defaults() -> None:
    call = task(
        {
            "id": "call_subflow",
            "type": FLOW + "Subflow",
            "namespace": "company.team",
            "flowId": "subflow",
            "inputs": {"user": "Rick Astley", "favorite_song": "Never Gonna Give You Up"},
            "labels": {"launchTaskLabel": "launchFoo"},
        }
    )
    assert isinstance(call, Subflow)
    assert (call.wait, call.transmit_failed, call.inherit_labels) == (True, True, False)
    assert call.restart_behavior is RestartBehavior.RETRY_FAILED
    assert call.revision is None and call.schedule_date is None and call.outputs is None
    assert [(label.key, label.value) for label in call.labels or []] == [
        ("launchTaskLabel", "launchFoo")
    ]
    assert call.called_flow() == ("company.team", "subflow")
    assert call.violations() == []


def test_subflow_optional_properties() -> None:
    call = task(
        {
            "id": "c",
            "type": "io.kestra.core.tasks.flows.Flow",
            "namespace": "n",
            "flowId": "f",
            "revision": 3,
            "inheritLabels": "{{ inputs.inherit }}",
            "scheduleDate": "2042-01-01T10:00:00+01:00",
            "restartBehavior": "NEW_EXECUTION",
            "labels": [{"key": "k", "value": 1}],
        }
    )
    assert isinstance(call, Subflow)
    assert call.revision == 3
    assert call.inherit_labels == "{{ inputs.inherit }}"
    assert call.schedule_date == datetime(2042, 1, 1, 9, tzinfo=UTC)
    assert call.restart_behavior is RestartBehavior.NEW_EXECUTION
    assert call.labels is not None and call.labels[0].value == "1"


def test_subflow_refusals() -> None:
    base = {"id": "c", "type": FLOW + "Subflow", "namespace": "n", "flowId": "f"}
    assert refused_at({"id": "c", "type": FLOW + "Subflow", "namespace": "n"}, "flowId") == [
        "missing"
    ]
    refused_at({**base, "namespace": ""}, "namespace")
    refused_at({**base, "revision": 0}, "revision")
    refused_at({**base, "restartBehavior": "RETRY"}, "restartBehavior")
    refused_at({**base, "wait": "maybe"}, "wait")


def test_subflow_refuses_system_labels() -> None:
    call = {"id": "c", "type": FLOW + "Subflow", "namespace": "n", "flowId": "f"}
    assert refused_at({**call, "labels": {"team": "a", "system.correlationId": "x"}}, "labels")
    assert task({**call, "labels": {"system.readOnly": "true"}}).violations() == []


def test_for_each_item_example_and_defaults() -> None:
    each = task(
        {
            "id": "each",
            "type": FLOW + "ForEachItem",
            "items": "{{ outputs.extract.uri }}",
            "namespace": "company.team",
            "flowId": "orders",
            "inputs": {"order": "{{ taskrun.items }}"},
        }
    )
    assert isinstance(each, ForEachItem)
    assert each.batch.rows == 1 and each.batch.separator == "\n" and each.batch.bytes is None
    assert (each.wait, each.transmit_failed, each.inherit_labels) == (True, True, False)
    assert each.restart_behavior is RestartBehavior.RETRY_FAILED
    assert each.called_flow() == ("company.team", "orders")
    assert each.violations() == []


def test_for_each_item_batch_and_refusals() -> None:
    base = {"id": "e", "type": FLOW + "ForEachItem", "items": "kestra:///f", "namespace": "n",
            "flowId": "f"}  # fmt: skip
    each = task({**base, "batch": {"bytes": "10MB", "separator": ";", "partitions": 4}})
    assert isinstance(each, ForEachItem)
    assert (each.batch.bytes, each.batch.separator, each.batch.partitions) == ("10MB", ";", 4)
    refused_at({**base, "items": ""}, "items")
    refused_at({**base, "flowId": ""}, "flowId")
    refused_at({**base, "batch": {"lines": 2}}, "batch", "lines")
    refused_at({**base, "labels": {"system.username": "me"}}, "labels")


# Pause, Sleep


def test_pause_example_and_defaults() -> None:
    pause = task(
        {
            "id": "wait_for_approval",
            "type": FLOW + "Pause",
            "onResume": [
                {"id": "approved", "type": "BOOLEAN", "defaults": True},
                {"id": "reason", "type": "STRING"},
            ],
        }
    )
    assert isinstance(pause, Pause)
    assert pause.behavior is PauseBehavior.RESUME
    assert pause.delay is None and pause.pause_duration is None and pause.tasks is None
    assert [item["id"] for item in pause.on_resume or []] == ["approved", "reason"]


def test_pause_021_properties() -> None:
    pause = task(
        {
            "id": "pause",
            "type": FLOW + "Pause",
            "delay": "{{ inputs.delay }}",
            "timeout": "PT1S",
            "tasks": [log("subtask")],
        }
    )
    assert isinstance(pause, Pause)
    assert pause.delay == "{{ inputs.delay }}"
    assert pause.timeout == timedelta(seconds=1)
    assert [t.id for t in pause.tasks or []] == ["subtask"]


def test_pause_refusals() -> None:
    refused_at({"id": "p", "type": FLOW + "Pause", "behavior": "STOP"}, "behavior")
    refused_at({"id": "p", "type": FLOW + "Pause", "pauseDuration": "5 minutes"}, "pauseDuration")


def test_sleep_reads_java_durations() -> None:
    for text, expected in [("PT5S", timedelta(seconds=5)), ("PT0.1S", timedelta(seconds=0.1)),
                           ("pt5m", timedelta(minutes=5)), ("P1D", timedelta(days=1))]:  # fmt: skip
        sleep = task({"id": "s", "type": FLOW + "Sleep", "duration": text})
        assert isinstance(sleep, Sleep)
        assert sleep.duration == expected
    assert refused_at({"id": "s", "type": FLOW + "Sleep"}, "duration") == ["missing"]
    refused_at({"id": "s", "type": FLOW + "Sleep", "duration": "soon"}, "duration")


# WorkingDirectory


def test_working_directory_example() -> None:
    wd = task(
        {
            "id": "working_dir",
            "type": "io.kestra.core.tasks.flows.Worker",
            "cache": {"patterns": ["node_modules/**"], "ttl": "PT1H"},
            "namespaceFiles": {"enabled": True, "exclude": ["/ignore/**"]},
            "inputFiles": {"query.sql": "SELECT 1"},
            "outputFiles": ["output.json"],
            "tasks": [log("script")],
        }
    )
    assert isinstance(wd, WorkingDirectory)
    assert wd.cache is not None and wd.cache.ttl == timedelta(hours=1)
    assert wd.namespace_files is not None
    assert wd.namespace_files.exclude == ["/ignore/**"]
    assert wd.namespace_files.include is None
    assert wd.namespace_files.if_exists is FileExistBehavior.OVERWRITE
    assert wd.input_files == {"query.sql": "SELECT 1"}
    assert wd.output_files == ["output.json"]
    assert wd.violations() == []


def test_working_directory_cache_ttl_in_lower_case_as_in_kestra_tests() -> None:
    wd = task(
        {
            "id": "wd",
            "type": FLOW + "WorkingDirectory",
            "cache": {"ttl": "PT5m", "patterns": ["*.txt"]},
            "tasks": [log()],
        }
    )
    assert isinstance(wd, WorkingDirectory)
    assert wd.cache is not None and wd.cache.ttl == timedelta(minutes=5)


def test_working_directory_refusals() -> None:
    base = {"id": "wd", "type": FLOW + "WorkingDirectory", "tasks": [log()]}
    refused_at({**base, "cache": {"ttl": "PT1H"}}, "cache", "patterns")
    refused_at({**base, "namespaceFiles": {"enabled": "yes please"}}, "namespaceFiles", "enabled")


@pytest.mark.parametrize("tasks", ["missing", None, []])
def test_working_directory_needs_tasks(tasks: Any) -> None:
    data: dict[str, Any] = {"id": "wd", "type": FLOW + "WorkingDirectory"}
    if tasks != "missing":
        data["tasks"] = tasks
    assert [(v.path, v.message) for v in task(data).violations()] == [
        (("tasks",), "The 'tasks' property cannot be empty")
    ]


@pytest.mark.parametrize(
    "child",
    [
        {"id": "seq", "type": FLOW + "Sequential", "tasks": [log()]},
        {"id": "sub", "type": FLOW + "Subflow", "namespace": "n", "flowId": "f"},
        {"id": "lab", "type": "io.kestra.plugin.core.execution.Labels", "labels": {"a": "b"}},
    ],
)
def test_working_directory_children_must_be_runnable(child: dict[str, Any]) -> None:
    wd = task({"id": "wd", "type": FLOW + "WorkingDirectory", "tasks": [log("ok"), child]})
    assert [(v.path, v.message) for v in wd.violations()] == [
        (("tasks", 1), "Only runnable tasks are allowed as children of a WorkingDirectory task")
    ]


def test_working_directory_children_have_no_worker_group() -> None:
    child = {**log(), "workerGroup": {"key": "gpu"}}
    wd = task({"id": "wd", "type": FLOW + "WorkingDirectory", "tasks": [child]})
    assert [(v.path, v.message) for v in wd.violations()] == [
        (
            ("tasks", 0, "workerGroup"),
            "Cannot set a Worker Group in any WorkingDirectory sub-tasks, "
            "it is only supported at the WorkingDirectory level",
        )
    ]


# Template


def test_template_example_and_refusals() -> None:
    include = task(
        {
            "id": "2_template",
            "type": FLOW + "Template",
            "namespace": "company.team",
            "templateId": "template",
            "args": {"my_forward": "{{ inputs.with_string }}"},
        }
    )
    assert isinstance(include, Template)
    assert include.template_id == "template"
    assert include.args == {"my_forward": "{{ inputs.with_string }}"}
    refused_at({"id": "t", "type": FLOW + "Template", "namespace": "n"}, "templateId")


def test_errors_helper_reports_every_problem() -> None:
    found = errors({"id": "bad id!", "type": FLOW + "Sleep"})
    assert {loc[0] for loc, _ in found} == {"id", "duration"}
