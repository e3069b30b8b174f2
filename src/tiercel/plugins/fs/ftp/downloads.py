"""``io.kestra.plugin.fs.ftp.Downloads``, over FTP."""

from tiercel.plugins.fs.ftp.connection import FtpConnection
from tiercel.plugins.fs.remote.transfer import RemoteDownloads
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.ftp.Downloads")
class Downloads(FtpConnection, RemoteDownloads):
    """Download a directory's files over FTP; then MOVE, DELETE or keep them."""
