"""``io.kestra.plugin.fs.sftp.Download``, over SFTP."""

from tiercel.plugins.fs.remote.transfer import RemoteDownload
from tiercel.plugins.fs.sftp.connection import SftpConnection
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.sftp.Download")
class Download(SftpConnection, RemoteDownload):
    """Download a file over SFTP into internal storage."""
