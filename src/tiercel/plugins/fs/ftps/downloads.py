"""``io.kestra.plugin.fs.ftps.Downloads``, over FTPS."""

from tiercel.plugins.fs.ftps.connection import FtpsConnection
from tiercel.plugins.fs.remote.transfer import RemoteDownloads
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.ftps.Downloads")
class Downloads(FtpsConnection, RemoteDownloads):
    """Download a directory's files over FTPS; then MOVE, DELETE or keep them."""
