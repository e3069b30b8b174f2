"""Core ``templating`` plugins."""

from tiercel.plugins.core.templating.templated_task import TemplatedTask
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [TemplatedTask]
