"""``io.kestra.plugin.fs.ftps.Move``, over FTPS."""

from tiercel.plugins.fs.ftps.connection import FtpsConnection
from tiercel.plugins.fs.remote.manage import RemoteMove
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.ftps.Move")
class Move(FtpsConnection, RemoteMove):
    """Move or rename a file or directory over FTPS."""
