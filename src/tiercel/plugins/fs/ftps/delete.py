"""``io.kestra.plugin.fs.ftps.Delete``, over FTPS."""

from tiercel.plugins.fs.ftps.connection import FtpsConnection
from tiercel.plugins.fs.remote.manage import RemoteDelete
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.ftps.Delete")
class Delete(FtpsConnection, RemoteDelete):
    """Delete a file or directory over FTPS."""
