"""Every class of the script plugins, imported: for the index generator and the tests.

The registry reads ``tiercel.plugins.scripts.index`` instead, and imports a class when needed.
"""

from tiercel.plugins.scripts.bun.commands import Commands as BunCommands
from tiercel.plugins.scripts.bun.script import Script as BunScript
from tiercel.plugins.scripts.deno.commands import Commands as DenoCommands
from tiercel.plugins.scripts.deno.script import Script as DenoScript
from tiercel.plugins.scripts.go.commands import Commands as GoCommands
from tiercel.plugins.scripts.go.script import Script as GoScript
from tiercel.plugins.scripts.julia.commands import Commands as JuliaCommands
from tiercel.plugins.scripts.julia.script import Script as JuliaScript
from tiercel.plugins.scripts.legacy.bash import Bash
from tiercel.plugins.scripts.legacy.python import Python as LegacyPython
from tiercel.plugins.scripts.node.commands import Commands as NodeCommands
from tiercel.plugins.scripts.node.script import Script as NodeScript
from tiercel.plugins.scripts.powershell.commands import Commands as PowerShellCommands
from tiercel.plugins.scripts.powershell.script import Script as PowerShellScript
from tiercel.plugins.scripts.python.commands import Commands as PythonCommands
from tiercel.plugins.scripts.python.script import Script as PythonScript
from tiercel.plugins.scripts.r.commands import Commands as RCommands
from tiercel.plugins.scripts.r.script import Script as RScript
from tiercel.plugins.scripts.ruby.commands import Commands as RubyCommands
from tiercel.plugins.scripts.ruby.script import Script as RubyScript
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
    RScript,
    RCommands,
    JuliaScript,
    JuliaCommands,
    RubyScript,
    RubyCommands,
    PowerShellScript,
    PowerShellCommands,
    GoScript,
    GoCommands,
    DenoScript,
    DenoCommands,
    BunScript,
    BunCommands,
]
