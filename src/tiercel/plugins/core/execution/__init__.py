"""Core ``execution`` plugins: tasks that read or change executions."""

from tiercel.plugins.core.execution.assert_ import Assert
from tiercel.plugins.core.execution.count import Count
from tiercel.plugins.core.execution.exit import Exit
from tiercel.plugins.core.execution.fail import Fail
from tiercel.plugins.core.execution.kill import Kill
from tiercel.plugins.core.execution.labels import Labels
from tiercel.plugins.core.execution.purge_executions import PurgeExecutions
from tiercel.plugins.core.execution.resume import Resume
from tiercel.plugins.core.execution.set_variables import SetVariables
from tiercel.plugins.core.execution.unset_variables import UnsetVariables
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    Assert,
    Count,
    Exit,
    Fail,
    Kill,
    Labels,
    PurgeExecutions,
    Resume,
    SetVariables,
    UnsetVariables,
]
