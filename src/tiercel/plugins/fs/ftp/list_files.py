"""``io.kestra.plugin.fs.ftp.List``, over FTP."""

from tiercel.plugins.fs.ftp.connection import FtpConnection
from tiercel.plugins.fs.remote.manage import RemoteList
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.ftp.List")
class List(FtpConnection, RemoteList):
    """List the files of a directory over FTP."""
