"""Core ``state`` plugins (deprecated): per-flow state files, replaced by the KV store."""

from tiercel.plugins.core.state.delete import Delete
from tiercel.plugins.core.state.get import Get
from tiercel.plugins.core.state.set import Set
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [Delete, Get, Set]
