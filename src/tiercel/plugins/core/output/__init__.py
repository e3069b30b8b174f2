"""Core ``output`` plugins."""

from tiercel.plugins.core.output.output_values import OutputValues
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [OutputValues]
