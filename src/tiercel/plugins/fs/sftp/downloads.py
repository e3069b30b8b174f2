"""``io.kestra.plugin.fs.sftp.Downloads``, over SFTP."""

from tiercel.plugins.fs.remote.transfer import RemoteDownloads
from tiercel.plugins.fs.sftp.connection import SftpConnection
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.sftp.Downloads")
class Downloads(SftpConnection, RemoteDownloads):
    """Download a directory's files over SFTP; then MOVE, DELETE or keep them."""
