"""Every class of the script plugins, imported: for the index generator and the tests.

The registry reads ``tiercel.plugins.scripts.index`` instead, and imports a class when needed.
"""

from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = []
