"""``io.kestra.plugin.fs.ftp.Uploads``, over FTP."""

from tiercel.plugins.fs.ftp.connection import FtpConnection
from tiercel.plugins.fs.remote.transfer import RemoteUploads
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.ftp.Uploads")
class Uploads(FtpConnection, RemoteUploads):
    """Upload files of internal storage into a directory over FTP."""
