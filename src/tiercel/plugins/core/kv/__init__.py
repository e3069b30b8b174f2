"""Core ``kv`` plugins: the per-namespace key-value store."""

from tiercel.plugins.core.kv.delete import Delete
from tiercel.plugins.core.kv.get import Get
from tiercel.plugins.core.kv.get_keys import GetKeys
from tiercel.plugins.core.kv.purge_kv import PurgeKV
from tiercel.plugins.core.kv.set import Set
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [Delete, Get, GetKeys, PurgeKV, Set]
