"""``io.kestra.plugin.fs.ftp.Download``, over FTP."""

from tiercel.plugins.fs.ftp.connection import FtpConnection
from tiercel.plugins.fs.remote.transfer import RemoteDownload
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.ftp.Download")
class Download(FtpConnection, RemoteDownload):
    """Download a file over FTP into internal storage."""
