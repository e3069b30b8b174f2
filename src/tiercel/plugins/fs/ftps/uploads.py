"""``io.kestra.plugin.fs.ftps.Uploads``, over FTPS."""

from tiercel.plugins.fs.ftps.connection import FtpsConnection
from tiercel.plugins.fs.remote.transfer import RemoteUploads
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.ftps.Uploads")
class Uploads(FtpsConnection, RemoteUploads):
    """Upload files of internal storage into a directory over FTPS."""
