"""The plugin contract is a curated surface: changing it must be a deliberate act."""

import tiercel.model
import tiercel.sdk


def test_sdk_public_names_are_pinned() -> None:
    assert sorted(tiercel.sdk.__all__) == [
        "AnyCondition",
        "AnyTask",
        "AnyTaskRunner",
        "AnyTrigger",
        "Condition",
        "Duration",
        "Expression",
        "FlowableTask",
        "KestraModel",
        "Label",
        "Labels",
        "LogLevel",
        "PluginInfo",
        "PluginObject",
        "PositiveDuration",
        "Property",
        "RunnableTask",
        "State",
        "Task",
        "TaskId",
        "TaskRunner",
        "Text",
        "Trigger",
        "UserLabels",
        "Violation",
        "plugin",
        "plugin_info",
    ]


def test_every_public_name_exists() -> None:
    for module in (tiercel.sdk, tiercel.model):
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name}"
