"""``io.kestra.plugin.fs.ftps.List``, over FTPS."""

from tiercel.plugins.fs.ftps.connection import FtpsConnection
from tiercel.plugins.fs.remote.manage import RemoteList
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.ftps.List")
class List(FtpsConnection, RemoteList):
    """List the files of a directory over FTPS."""
