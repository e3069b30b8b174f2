"""Core ``log`` plugins."""

from tiercel.plugins.core.log.fetch import Fetch
from tiercel.plugins.core.log.log import Log
from tiercel.plugins.core.log.purge_logs import PurgeLogs
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [Fetch, Log, PurgeLogs]
