"""Core ``debug`` plugins."""

from tiercel.plugins.core.debug.echo import Echo
from tiercel.plugins.core.debug.return_ import Return
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [Echo, Return]
