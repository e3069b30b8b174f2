"""``io.kestra.plugin.fs.ftp.Move``, over FTP."""

from tiercel.plugins.fs.ftp.connection import FtpConnection
from tiercel.plugins.fs.remote.manage import RemoteMove
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.ftp.Move")
class Move(FtpConnection, RemoteMove):
    """Move or rename a file or directory over FTP."""
