"""The plugin contract: the only part of Tiercel a plugin imports.

A task type is a frozen pydantic model named by ``@plugin`` (with its example flows):
``RunnableTask[SomeOutput]`` for work a worker does, returning a typed ``Output`` model,
``FlowableTask`` for control flow the executor resolves. Triggers, conditions and task runners
follow the same pattern. What families share lives beside it: property models
(``sdk.properties``), the working-directory helpers (``sdk.workdir``), credential masking
(``sdk.credentials``) and the Ion codec (``sdk.ion``); and ``sdk.testing`` runs a task in
memory for its unit tests. This layer builds on ``tiercel.model`` and ``tiercel.expr`` and
imports nothing else; ``workdir``, ``allowed_paths`` (Kestra's ``allowed-paths`` rule, which
the worker and the test kit share) and ``testing`` are its only parts that touch files. Local
processes are ``tiercel.host``'s: the SDK starts none.
"""

from tiercel.expr import is_truthy
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
from tiercel.model.kv import KVType
from tiercel.model.labels import Label, Labels, UserLabels
from tiercel.model.property import Duration, PositiveDuration, Text, format_duration
from tiercel.model.task import ConditionContext, LogLevel, TaskId
from tiercel.sdk.flowable import (
    Branches,
    NextRun,
    Plan,
    Scope,
    Slots,
    loop_values,
    rendered_duration,
    rendered_int,
    run_branches,
    run_groups,
)
from tiercel.sdk.listening import ExecutionListeningTrigger
from tiercel.sdk.output import Output, output_values
from tiercel.sdk.plugin import Example, PluginInfo, plugin, plugin_info
from tiercel.sdk.properties import FetchType, FileExistBehavior, InputFiles, NamespaceFiles
from tiercel.sdk.run_context import (
    ExecutionQueries,
    FileStore,
    FlowSources,
    KeyValues,
    KeyValueStores,
    NamespaceFileStore,
    Outcome,
    RunContext,
    TaskFailure,
    TaskLogger,
    Triggers,
)
from tiercel.sdk.scheduled import Calendar, RecoverMissedSchedules, ScheduledTrigger
from tiercel.sdk.task import (
    ExecutionChange,
    ExecutionTask,
    FlowableTask,
    RunnableTask,
    SubflowCall,
    SubflowTask,
    TemplateTask,
)
from tiercel.sdk.trigger import Emission, PollingTrigger, RealtimeTrigger, TriggerContext
from tiercel.sdk.webhook import WebhookTrigger

__all__ = [
    "AnyCondition",
    "AnyTask",
    "AnyTaskRunner",
    "AnyTrigger",
    "Branches",
    "Calendar",
    "Condition",
    "ConditionContext",
    "Duration",
    "Emission",
    "Example",
    "ExecutionChange",
    "ExecutionListeningTrigger",
    "ExecutionQueries",
    "ExecutionTask",
    "Expression",
    "FetchType",
    "FileExistBehavior",
    "FileStore",
    "FlowSources",
    "FlowableTask",
    "InputFiles",
    "KVType",
    "KestraModel",
    "KeyValueStores",
    "KeyValues",
    "Label",
    "Labels",
    "LogLevel",
    "NamespaceFileStore",
    "NamespaceFiles",
    "NextRun",
    "Outcome",
    "Output",
    "Plan",
    "PluginInfo",
    "PluginObject",
    "PollingTrigger",
    "PositiveDuration",
    "Property",
    "RealtimeTrigger",
    "RecoverMissedSchedules",
    "RunContext",
    "RunnableTask",
    "ScheduledTrigger",
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
    "WebhookTrigger",
    "format_duration",
    "is_truthy",
    "loop_values",
    "output_values",
    "plugin",
    "plugin_info",
    "rendered_duration",
    "rendered_int",
    "run_branches",
    "run_groups",
]
