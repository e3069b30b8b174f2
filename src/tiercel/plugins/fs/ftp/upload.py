"""``io.kestra.plugin.fs.ftp.Upload``, over FTP."""

from tiercel.plugins.fs.ftp.connection import FtpConnection
from tiercel.plugins.fs.remote.transfer import RemoteUpload
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.ftp.Upload")
class Upload(FtpConnection, RemoteUpload):
    """Upload a file of internal storage over FTP."""
