"""``io.kestra.plugin.fs.ftps.Download``, over FTPS."""

from tiercel.plugins.fs.ftps.connection import FtpsConnection
from tiercel.plugins.fs.remote.transfer import RemoteDownload
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.ftps.Download")
class Download(FtpsConnection, RemoteDownload):
    """Download a file over FTPS into internal storage."""
