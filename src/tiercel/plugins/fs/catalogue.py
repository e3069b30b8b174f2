"""Every class of the file-system plugins, imported: for the index generator and the tests.

The registry reads ``tiercel.plugins.fs.index`` instead, and imports a class when needed.
"""

from tiercel.plugins.fs.local.realtime_trigger import LocalRealtimeTrigger
from tiercel.plugins.fs.local.trigger import LocalTrigger
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [LocalTrigger, LocalRealtimeTrigger]
