"""Every class of the Redis plugins, imported: for the index generator and the tests.

The registry reads ``tiercel.plugins.redis.index`` instead, and imports a class when needed.
"""

from tiercel.plugins.redis.list.list_pop import ListPop
from tiercel.plugins.redis.list.list_push import ListPush
from tiercel.plugins.redis.list.realtime_trigger import ListRealtimeTrigger
from tiercel.plugins.redis.list.trigger import Trigger
from tiercel.plugins.redis.string.delete import Delete
from tiercel.plugins.redis.string.get import Get
from tiercel.plugins.redis.string.set import Set
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    Get,
    Set,
    Delete,
    ListPush,
    ListPop,
    Trigger,
    ListRealtimeTrigger,
]
