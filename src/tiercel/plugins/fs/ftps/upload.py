"""``io.kestra.plugin.fs.ftps.Upload``, over FTPS."""

from tiercel.plugins.fs.ftps.connection import FtpsConnection
from tiercel.plugins.fs.remote.transfer import RemoteUpload
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.ftps.Upload")
class Upload(FtpsConnection, RemoteUpload):
    """Upload a file of internal storage over FTPS."""
