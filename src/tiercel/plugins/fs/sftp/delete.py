"""``io.kestra.plugin.fs.sftp.Delete``, over SFTP."""

from tiercel.plugins.fs.remote.manage import RemoteDelete
from tiercel.plugins.fs.sftp.connection import SftpConnection
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.sftp.Delete")
class Delete(SftpConnection, RemoteDelete):
    """Delete a file or directory over SFTP."""
