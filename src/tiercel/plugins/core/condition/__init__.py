"""Core ``condition`` plugins: the conditions a trigger (or a flow listener) checks."""

from tiercel.plugins.core.condition.date_time_between import DateTimeBetween
from tiercel.plugins.core.condition.day_week import DayWeek
from tiercel.plugins.core.condition.day_week_in_month import DayWeekInMonth
from tiercel.plugins.core.condition.execution_flow import ExecutionFlow
from tiercel.plugins.core.condition.execution_labels import ExecutionLabels
from tiercel.plugins.core.condition.execution_namespace import ExecutionNamespace
from tiercel.plugins.core.condition.execution_outputs import ExecutionOutputs
from tiercel.plugins.core.condition.execution_status import ExecutionStatus
from tiercel.plugins.core.condition.expression import Expression
from tiercel.plugins.core.condition.flow_condition import FlowCondition
from tiercel.plugins.core.condition.flow_namespace_condition import FlowNamespaceCondition
from tiercel.plugins.core.condition.has_retry_attempt import HasRetryAttempt
from tiercel.plugins.core.condition.multiple_condition import MultipleCondition
from tiercel.plugins.core.condition.not_ import Not
from tiercel.plugins.core.condition.or_ import Or
from tiercel.plugins.core.condition.public_holiday import PublicHoliday
from tiercel.plugins.core.condition.time_between import TimeBetween
from tiercel.plugins.core.condition.weekend import Weekend
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    DateTimeBetween,
    DayWeek,
    DayWeekInMonth,
    ExecutionFlow,
    ExecutionLabels,
    ExecutionNamespace,
    ExecutionOutputs,
    ExecutionStatus,
    Expression,
    FlowCondition,
    FlowNamespaceCondition,
    HasRetryAttempt,
    MultipleCondition,
    Not,
    Or,
    PublicHoliday,
    TimeBetween,
    Weekend,
]
