"""``io.kestra.plugin.fs.sftp.Trigger``, over SFTP."""

from tiercel.plugins.fs.remote.watch import RemoteTrigger
from tiercel.plugins.fs.sftp.connection import SftpConnection
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.sftp.Trigger")
class Trigger(SftpConnection, RemoteTrigger):
    """Poll a directory over SFTP; fire for new or changed files."""
