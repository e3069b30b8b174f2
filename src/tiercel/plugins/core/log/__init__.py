"""Core ``log`` plugins."""

from tiercel.plugins.core.log.log import Log
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [Log]
