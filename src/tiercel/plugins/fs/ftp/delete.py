"""``io.kestra.plugin.fs.ftp.Delete``, over FTP."""

from tiercel.plugins.fs.ftp.connection import FtpConnection
from tiercel.plugins.fs.remote.manage import RemoteDelete
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.ftp.Delete")
class Delete(FtpConnection, RemoteDelete):
    """Delete a file or directory over FTP."""
