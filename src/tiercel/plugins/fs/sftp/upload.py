"""``io.kestra.plugin.fs.sftp.Upload``, over SFTP."""

from tiercel.plugins.fs.remote.transfer import RemoteUpload
from tiercel.plugins.fs.sftp.connection import SftpConnection
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.sftp.Upload")
class Upload(SftpConnection, RemoteUpload):
    """Upload a file of internal storage over SFTP."""
