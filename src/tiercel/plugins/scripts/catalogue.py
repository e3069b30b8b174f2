"""Every class of the script plugins, imported: for the index generator and the tests.

The registry reads ``tiercel.plugins.scripts.index`` instead, and imports a class when needed.
"""

from tiercel.plugins.scripts.legacy.bash import Bash
from tiercel.plugins.scripts.legacy.python import Python as LegacyPython
from tiercel.plugins.scripts.node.commands import Commands as NodeCommands
from tiercel.plugins.scripts.node.script import Script as NodeScript
from tiercel.plugins.scripts.python.commands import Commands as PythonCommands
from tiercel.plugins.scripts.python.script import Script as PythonScript
from tiercel.plugins.scripts.runner.docker import Docker
from tiercel.plugins.scripts.shell.commands import Commands as ShellCommands
from tiercel.plugins.scripts.shell.script import Script as ShellScript
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    ShellScript,
    ShellCommands,
    Bash,
    LegacyPython,
    PythonScript,
    PythonCommands,
    NodeScript,
    NodeCommands,
    Docker,
]
