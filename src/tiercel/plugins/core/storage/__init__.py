"""Core ``storage`` plugins: files in the execution's internal storage."""

from tiercel.plugins.core.storage.concat import Concat
from tiercel.plugins.core.storage.deduplicate_items import DeduplicateItems
from tiercel.plugins.core.storage.delete import Delete
from tiercel.plugins.core.storage.filter_items import FilterItems
from tiercel.plugins.core.storage.local_files import LocalFiles
from tiercel.plugins.core.storage.purge_current_execution_files import (
    PurgeCurrentExecutionFiles,
)
from tiercel.plugins.core.storage.reverse import Reverse
from tiercel.plugins.core.storage.size import Size
from tiercel.plugins.core.storage.split import Split
from tiercel.plugins.core.storage.write import Write
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    Concat,
    DeduplicateItems,
    Delete,
    FilterItems,
    LocalFiles,
    PurgeCurrentExecutionFiles,
    Reverse,
    Size,
    Split,
    Write,
]
