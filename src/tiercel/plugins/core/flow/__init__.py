"""Core ``flow`` plugins: the flowable tasks that the executor resolves, plus ``Sleep``."""

from tiercel.plugins.core.flow.allow_failure import AllowFailure
from tiercel.plugins.core.flow.dag import Dag
from tiercel.plugins.core.flow.each_parallel import EachParallel
from tiercel.plugins.core.flow.each_sequential import EachSequential
from tiercel.plugins.core.flow.for_each import ForEach
from tiercel.plugins.core.flow.for_each_item import ForEachItem
from tiercel.plugins.core.flow.if_ import If
from tiercel.plugins.core.flow.loop_until import LoopUntil
from tiercel.plugins.core.flow.parallel import Parallel
from tiercel.plugins.core.flow.pause import Pause
from tiercel.plugins.core.flow.sequential import Sequential
from tiercel.plugins.core.flow.sleep import Sleep
from tiercel.plugins.core.flow.subflow import Subflow
from tiercel.plugins.core.flow.switch import Switch
from tiercel.plugins.core.flow.template import Template
from tiercel.plugins.core.flow.working_directory import WorkingDirectory
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    AllowFailure,
    Dag,
    EachParallel,
    EachSequential,
    ForEach,
    ForEachItem,
    If,
    LoopUntil,
    Parallel,
    Pause,
    Sequential,
    Sleep,
    Subflow,
    Switch,
    Template,
    WorkingDirectory,
]
