"""Every type of the flow, log, debug, output, templating and execution groups is registered
under Kestra's canonical name and every legacy alias, all resolving to one class."""

import pytest

from tiercel.model import PluginKind
from tiercel.plugins.core import debug, execution, flow, log, output, templating
from tiercel.registry import default_registry
from tiercel.sdk import FlowableTask, RunnableTask, Task

NAMES: dict[str, list[str]] = {
    "io.kestra.plugin.core.flow.Sequential": ["io.kestra.core.tasks.flows.Sequential"],
    "io.kestra.plugin.core.flow.Parallel": ["io.kestra.core.tasks.flows.Parallel"],
    "io.kestra.plugin.core.flow.If": ["io.kestra.core.tasks.flows.If"],
    "io.kestra.plugin.core.flow.Switch": ["io.kestra.core.tasks.flows.Switch"],
    "io.kestra.plugin.core.flow.Dag": ["io.kestra.core.tasks.flows.Dag"],
    "io.kestra.plugin.core.flow.AllowFailure": ["io.kestra.core.tasks.flows.AllowFailure"],
    "io.kestra.plugin.core.flow.ForEach": [],
    "io.kestra.plugin.core.flow.EachSequential": ["io.kestra.core.tasks.flows.EachSequential"],
    "io.kestra.plugin.core.flow.EachParallel": ["io.kestra.core.tasks.flows.EachParallel"],
    "io.kestra.plugin.core.flow.LoopUntil": ["io.kestra.plugin.core.flow.WaitFor"],
    "io.kestra.plugin.core.flow.Subflow": [
        "io.kestra.core.tasks.flows.Subflow",
        "io.kestra.core.tasks.flows.Flow",
    ],
    "io.kestra.plugin.core.flow.ForEachItem": ["io.kestra.core.tasks.flows.ForEachItem"],
    "io.kestra.plugin.core.flow.Pause": ["io.kestra.core.tasks.flows.Pause"],
    "io.kestra.plugin.core.flow.Sleep": [],
    "io.kestra.plugin.core.flow.WorkingDirectory": [
        "io.kestra.core.tasks.flows.WorkingDirectory",
        "io.kestra.core.tasks.flows.Worker",
    ],
    "io.kestra.plugin.core.flow.Template": ["io.kestra.core.tasks.flows.Template"],
    "io.kestra.plugin.core.log.Log": ["io.kestra.core.tasks.log.Log"],
    "io.kestra.plugin.core.log.Fetch": ["io.kestra.core.tasks.log.Fetch"],
    "io.kestra.plugin.core.log.PurgeLogs": [],
    "io.kestra.plugin.core.debug.Return": ["io.kestra.core.tasks.debugs.Return"],
    "io.kestra.plugin.core.debug.Echo": ["io.kestra.core.tasks.debugs.Echo"],
    "io.kestra.plugin.core.output.OutputValues": [],
    "io.kestra.plugin.core.templating.TemplatedTask": [
        "io.kestra.core.tasks.templating.TemplatedTask"
    ],
    "io.kestra.plugin.core.execution.Labels": ["io.kestra.core.tasks.executions.Labels"],
    "io.kestra.plugin.core.execution.Count": ["io.kestra.core.tasks.executions.Counts"],
    "io.kestra.plugin.core.execution.Fail": ["io.kestra.core.tasks.executions.Fail"],
    "io.kestra.plugin.core.execution.Exit": [],
    "io.kestra.plugin.core.execution.Kill": [],
    "io.kestra.plugin.core.execution.Resume": [],
    "io.kestra.plugin.core.execution.PurgeExecutions": [
        "io.kestra.core.tasks.storages.Purge",
        "io.kestra.plugin.core.storage.Purge",
    ],
    "io.kestra.plugin.core.execution.SetVariables": [],
    "io.kestra.plugin.core.execution.UnsetVariables": [],
    "io.kestra.plugin.core.execution.Assert": [],
}

FLOWABLE = {
    "Sequential", "Parallel", "If", "Switch", "Dag", "AllowFailure", "ForEach", "EachSequential",
    "EachParallel", "LoopUntil", "ForEachItem", "Pause", "WorkingDirectory", "Template",
}  # fmt: skip
# Kestra's ExecutableTask (Subflow) and ExecutionUpdatableTask types are neither runnable nor
# flowable: a WorkingDirectory must refuse them as children.
NEITHER = {"Subflow", "Labels", "Exit", "Kill", "Resume", "SetVariables", "UnsetVariables"}

GROUPS = [flow, log, debug, output, templating, execution]


def test_groups_list_exactly_these_types() -> None:
    registry = default_registry()
    listed = {registry.info(cls).type for group in GROUPS for cls in group.PLUGINS}
    assert listed == set(NAMES)


@pytest.mark.parametrize("canonical", sorted(NAMES))
def test_canonical_name_and_aliases_resolve_to_one_task_class(canonical: str) -> None:
    registry = default_registry()
    cls = registry.resolve(PluginKind.TASK, canonical)
    assert cls is not None
    info = registry.info(cls)  # type: ignore[arg-type]
    assert info.type == canonical
    assert set(info.aliases) == set(NAMES[canonical])
    for alias in NAMES[canonical]:
        assert registry.resolve(PluginKind.TASK, alias) is cls
        assert registry.canonical_name(alias) == canonical
    assert info.title, "the class docstring gives the one-line summary"


@pytest.mark.parametrize("canonical", sorted(NAMES))
def test_task_family_matches_kestra(canonical: str) -> None:
    cls = default_registry().get(canonical)
    assert cls is not None and issubclass(cls, Task)
    short = canonical.rsplit(".", 1)[-1]
    if short in FLOWABLE:
        assert issubclass(cls, FlowableTask)
    elif short in NEITHER:
        assert not issubclass(cls, FlowableTask | RunnableTask)
    else:
        assert issubclass(cls, RunnableTask)


def test_deprecated_types_are_flagged() -> None:
    registry = default_registry()
    deprecated = {
        info.type.rsplit(".", 1)[-1]
        for info, _ in registry.plugins()
        if info.type in NAMES and info.deprecated
    }
    assert deprecated == {"EachSequential", "EachParallel", "Template", "Echo", "Fetch", "Count"}
