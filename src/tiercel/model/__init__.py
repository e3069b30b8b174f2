"""Pure data: the flow language as frozen pydantic models, the YAML reader and flow checks.

This layer does no I/O, reads no clock and imports nothing from Tiercel but itself. Plugin types
reach it through the ``TypeCatalog`` port that the registry installs (see ``model.catalog``).
"""

from tiercel.model.base import KestraModel
from tiercel.model.catalog import PluginKind, TypeCatalog
from tiercel.model.errors import Problem, Violation
from tiercel.model.flow import Flow
from tiercel.model.loader import LoadedFlow, LoadResult, load_flows
from tiercel.model.property import Expression, Property
from tiercel.model.state import State
from tiercel.model.task import (
    AnyCondition,
    AnyTask,
    AnyTaskRunner,
    AnyTrigger,
    Condition,
    Task,
    TaskRunner,
    Trigger,
)

__all__ = [
    "AnyCondition",
    "AnyTask",
    "AnyTaskRunner",
    "AnyTrigger",
    "Condition",
    "Expression",
    "Flow",
    "KestraModel",
    "LoadResult",
    "LoadedFlow",
    "PluginKind",
    "Problem",
    "Property",
    "State",
    "Task",
    "TaskRunner",
    "Trigger",
    "TypeCatalog",
    "Violation",
    "load_flows",
]
