"""Every class of the git plugins, imported: for the index generator and the tests.

The registry reads ``tiercel.plugins.git.index`` instead, and imports a class when needed.
"""

from tiercel.plugins.git.clone import Clone
from tiercel.plugins.git.push import Push
from tiercel.plugins.git.push_flows import PushFlows
from tiercel.plugins.git.push_namespace_files import PushNamespaceFiles
from tiercel.plugins.git.sync_flows import SyncFlows
from tiercel.plugins.git.sync_namespace_files import SyncNamespaceFiles
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    Clone,
    Push,
    PushFlows,
    PushNamespaceFiles,
    SyncFlows,
    SyncNamespaceFiles,
]
