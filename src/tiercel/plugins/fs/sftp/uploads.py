"""``io.kestra.plugin.fs.sftp.Uploads``, over SFTP."""

from tiercel.plugins.fs.remote.transfer import RemoteUploads
from tiercel.plugins.fs.sftp.connection import SftpConnection
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.sftp.Uploads")
class Uploads(SftpConnection, RemoteUploads):
    """Upload files of internal storage into a directory over SFTP."""
