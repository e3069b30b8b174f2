"""``io.kestra.plugin.fs.ftp.Trigger``, over FTP."""

from tiercel.plugins.fs.ftp.connection import FtpConnection
from tiercel.plugins.fs.remote.watch import RemoteTrigger
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.ftp.Trigger")
class Trigger(FtpConnection, RemoteTrigger):
    """Poll a directory over FTP; fire for new or changed files."""
