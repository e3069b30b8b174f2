"""Core ``condition`` plugins."""

from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = []
