"""The plugin contract: the only part of Tiercel a plugin imports.

A task type is a frozen pydantic model named by ``@plugin``: ``RunnableTask`` for work a worker
does, ``FlowableTask`` for control flow the executor resolves. Triggers, conditions and task
runners follow the same pattern. This layer builds on ``tiercel.model`` and imports nothing else.
"""

from tiercel.model import (
    AnyCondition,
    AnyTask,
    AnyTaskRunner,
    AnyTrigger,
    Condition,
    Expression,
    KestraModel,
    Property,
    State,
    Task,
    TaskRunner,
    Trigger,
    Violation,
)
from tiercel.model.base import PluginObject
from tiercel.model.labels import Label, Labels, UserLabels
from tiercel.model.property import Duration, PositiveDuration, Text
from tiercel.model.task import LogLevel, TaskId
from tiercel.sdk.flowable import (
    Branches,
    NextRun,
    Plan,
    Scope,
    Slots,
    loop_values,
    rendered_int,
    run_branches,
    run_groups,
)
from tiercel.sdk.plugin import PluginInfo, plugin, plugin_info
from tiercel.sdk.task import FlowableTask, RunnableTask

__all__ = [
    "AnyCondition",
    "AnyTask",
    "AnyTaskRunner",
    "AnyTrigger",
    "Branches",
    "Condition",
    "Duration",
    "Expression",
    "FlowableTask",
    "KestraModel",
    "Label",
    "Labels",
    "LogLevel",
    "NextRun",
    "Plan",
    "PluginInfo",
    "PluginObject",
    "PositiveDuration",
    "Property",
    "RunnableTask",
    "Scope",
    "Slots",
    "State",
    "Task",
    "TaskId",
    "TaskRunner",
    "Text",
    "Trigger",
    "UserLabels",
    "Violation",
    "loop_values",
    "plugin",
    "plugin_info",
    "rendered_int",
    "run_branches",
    "run_groups",
]
