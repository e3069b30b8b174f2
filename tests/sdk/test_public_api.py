"""The plugin contract is a curated surface: changing it must be a deliberate act."""

import tiercel.model
import tiercel.sdk


def test_sdk_public_names_are_pinned() -> None:
    assert sorted(tiercel.sdk.__all__) == [
        "AnyCondition",
        "AnyTask",
        "AnyTaskRunner",
        "AnyTrigger",
        "Branches",
        "Condition",
        "ConditionContext",
        "Duration",
        "Emission",
        "ExecutionChange",
        "ExecutionQueries",
        "ExecutionTask",
        "Expression",
        "FileStore",
        "FlowSources",
        "FlowableTask",
        "KVType",
        "KestraModel",
        "KeyValueStores",
        "KeyValues",
        "Label",
        "Labels",
        "LogLevel",
        "NamespaceFileStore",
        "NextRun",
        "Outcome",
        "Plan",
        "PluginInfo",
        "PluginObject",
        "PollingTrigger",
        "PositiveDuration",
        "Property",
        "RealtimeTrigger",
        "RunContext",
        "RunnableTask",
        "Scope",
        "Slots",
        "State",
        "SubflowCall",
        "SubflowTask",
        "Task",
        "TaskFailure",
        "TaskId",
        "TaskLogger",
        "TaskRunner",
        "TemplateTask",
        "Text",
        "Trigger",
        "TriggerContext",
        "Triggers",
        "UserLabels",
        "Violation",
        "format_duration",
        "is_truthy",
        "loop_values",
        "plugin",
        "plugin_info",
        "rendered_duration",
        "rendered_int",
        "run_branches",
        "run_groups",
    ]


def test_every_public_name_exists() -> None:
    for module in (tiercel.sdk, tiercel.model):
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"
