"""The types of these groups are registered under Kestra's names, each with its legacy aliases,
as the right kind of plugin."""

import pytest

from tiercel.model import PluginKind
from tiercel.registry import default_registry

C = "io.kestra.plugin.core.condition."
OLD_C = "io.kestra.core.models.conditions.types."

# canonical name -> (kind, aliases)
EXPECTED: dict[str, tuple[PluginKind, tuple[str, ...]]] = {
    # http
    "io.kestra.plugin.core.http.Request": (
        PluginKind.TASK,
        ("io.kestra.plugin.fs.http.Request",),
    ),
    "io.kestra.plugin.core.http.Download": (
        PluginKind.TASK,
        ("io.kestra.plugin.fs.http.Download",),
    ),
    "io.kestra.plugin.core.http.Trigger": (
        PluginKind.TRIGGER,
        ("io.kestra.plugin.fs.http.Trigger",),
    ),
    # kv
    "io.kestra.plugin.core.kv.Set": (PluginKind.TASK, ()),
    "io.kestra.plugin.core.kv.Get": (PluginKind.TASK, ()),
    "io.kestra.plugin.core.kv.GetKeys": (PluginKind.TASK, ()),
    "io.kestra.plugin.core.kv.Delete": (PluginKind.TASK, ()),
    "io.kestra.plugin.core.kv.PurgeKV": (PluginKind.TASK, ()),
    # storage
    **{
        f"io.kestra.plugin.core.storage.{name}": (
            PluginKind.TASK,
            (f"io.kestra.core.tasks.storages.{name}",),
        )
        for name in (
            "Concat",
            "Split",
            "Size",
            "Delete",
            "Reverse",
            "DeduplicateItems",
            "FilterItems",
            "LocalFiles",
        )
    },
    "io.kestra.plugin.core.storage.Write": (PluginKind.TASK, ()),
    "io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles": (
        PluginKind.TASK,
        (
            "io.kestra.core.tasks.storages.PurgeExecution",
            "io.kestra.plugin.core.storage.PurgeExecution",
        ),
    ),
    # namespace
    "io.kestra.plugin.core.namespace.UploadFiles": (PluginKind.TASK, ()),
    "io.kestra.plugin.core.namespace.DownloadFiles": (PluginKind.TASK, ()),
    "io.kestra.plugin.core.namespace.DeleteFiles": (PluginKind.TASK, ()),
    # trigger
    "io.kestra.plugin.core.trigger.Schedule": (
        PluginKind.TRIGGER,
        ("io.kestra.core.models.triggers.types.Schedule",),
    ),
    "io.kestra.plugin.core.trigger.ScheduleOnDates": (PluginKind.TRIGGER, ()),
    "io.kestra.plugin.core.trigger.Flow": (
        PluginKind.TRIGGER,
        ("io.kestra.core.models.triggers.types.Flow",),
    ),
    "io.kestra.plugin.core.trigger.Webhook": (
        PluginKind.TRIGGER,
        ("io.kestra.core.models.triggers.types.Webhook",),
    ),
    "io.kestra.plugin.core.trigger.Toggle": (
        PluginKind.TASK,
        ("io.kestra.core.tasks.trigger.Toggle",),
    ),
    # condition
    C + "Expression": (
        PluginKind.CONDITION,
        (OLD_C + "VariableCondition", C + "ExpressionCondition"),
    ),
    **{
        C + name: (PluginKind.CONDITION, (f"{OLD_C}{name}Condition", f"{C}{name}Condition"))
        for name in (
            "ExecutionOutputs",
            "ExecutionFlow",
            "ExecutionNamespace",
            "ExecutionStatus",
            "ExecutionLabels",
            "HasRetryAttempt",
            "DayWeek",
            "DayWeekInMonth",
            "Weekend",
            "PublicHoliday",
            "DateTimeBetween",
            "TimeBetween",
            "Not",
            "Or",
        )
    },
    C + "FlowCondition": (PluginKind.CONDITION, (OLD_C + "FlowCondition",)),
    C + "FlowNamespaceCondition": (PluginKind.CONDITION, (OLD_C + "FlowNamespaceCondition",)),
    C + "MultipleCondition": (PluginKind.CONDITION, (OLD_C + "MultipleCondition",)),
    # state
    **{
        f"io.kestra.plugin.core.state.{name}": (
            PluginKind.TASK,
            (f"io.kestra.core.tasks.states.{name}",),
        )
        for name in ("Set", "Get", "Delete")
    },
    # runner
    "io.kestra.plugin.core.runner.Process": (
        PluginKind.TASK_RUNNER,
        ("io.kestra.core.models.tasks.runners.types.ProcessTaskRunner",),
    ),
}

DEPRECATED = {
    C + "FlowCondition",
    C + "FlowNamespaceCondition",
    C + "MultipleCondition",
    "io.kestra.plugin.core.storage.LocalFiles",
    "io.kestra.plugin.core.state.Set",
    "io.kestra.plugin.core.state.Get",
    "io.kestra.plugin.core.state.Delete",
}


@pytest.mark.parametrize("canonical", sorted(EXPECTED))
def test_registered_as_its_kind_with_exactly_kestras_aliases(canonical: str) -> None:
    registry = default_registry()
    kind, aliases = EXPECTED[canonical]
    cls = registry.resolve(kind, canonical)
    assert cls is not None
    plugin_class = registry.get(canonical)
    assert plugin_class is cls
    info = registry.info(plugin_class)
    assert info.type == canonical
    assert sorted(info.aliases) == sorted(aliases)
    for alias in aliases:
        assert registry.get(alias) is cls
        assert registry.canonical_name(alias) == canonical
    assert info.deprecated is (canonical in DEPRECATED)
    assert info.title, "a one-line summary for `tiercel plugins list`"


def test_toggle_is_a_task_not_a_trigger() -> None:
    registry = default_registry()
    assert registry.kind_of("io.kestra.plugin.core.trigger.Toggle") is PluginKind.TASK
    assert registry.resolve(PluginKind.TRIGGER, "io.kestra.plugin.core.trigger.Toggle") is None
