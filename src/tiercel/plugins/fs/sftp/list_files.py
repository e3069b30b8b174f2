"""``io.kestra.plugin.fs.sftp.List``, over SFTP."""

from tiercel.plugins.fs.remote.manage import RemoteList
from tiercel.plugins.fs.sftp.connection import SftpConnection
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.sftp.List")
class List(SftpConnection, RemoteList):
    """List the files of a directory over SFTP."""
