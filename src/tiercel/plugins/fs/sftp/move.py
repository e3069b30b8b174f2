"""``io.kestra.plugin.fs.sftp.Move``, over SFTP."""

from tiercel.plugins.fs.remote.manage import RemoteMove
from tiercel.plugins.fs.sftp.connection import SftpConnection
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.sftp.Move")
class Move(SftpConnection, RemoteMove):
    """Move or rename a file or directory over SFTP."""
