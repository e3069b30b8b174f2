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
from tiercel.sdk.plugin import PluginInfo, plugin, plugin_info
from tiercel.sdk.task import FlowableTask, RunnableTask

__all__ = [
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
