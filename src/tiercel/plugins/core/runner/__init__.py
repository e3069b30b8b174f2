"""Core ``runner`` plugins: where script tasks run their commands."""

from tiercel.plugins.core.runner.process import Process
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [Process]
