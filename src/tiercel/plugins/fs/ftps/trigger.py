"""``io.kestra.plugin.fs.ftps.Trigger``, over FTPS."""

from tiercel.plugins.fs.ftps.connection import FtpsConnection
from tiercel.plugins.fs.remote.watch import RemoteTrigger
from tiercel.sdk import plugin


@plugin("io.kestra.plugin.fs.ftps.Trigger")
class Trigger(FtpsConnection, RemoteTrigger):
    """Poll a directory over FTPS; fire for new or changed files."""
