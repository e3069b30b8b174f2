"""``io.kestra.plugin.fs.sftp.Download``, over SFTP."""

from tiercel.plugins.fs.remote.transfer import RemoteDownload
from tiercel.plugins.fs.sftp.connection import SftpConnection
from tiercel.sdk import Example, plugin

_EXAMPLE = """
id: sftp_download
namespace: company.team
tasks:
  - id: download
    type: io.kestra.plugin.fs.sftp.Download
    host: sftp.example.com
    port: "22"
    username: kestra
    keyfile: "{{ secret('SFTP_KEY') }}"
    from: /outgoing/report.csv
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "Stored as {{ outputs.download.to }}, SHA-256 {{ outputs.download.checksum }}"
"""


@plugin(
    "io.kestra.plugin.fs.sftp.Download",
    examples=[
        Example(
            "Download a file from an SFTP server with a private key",
            _EXAMPLE,
            needs=("sftp-server",),
        )
    ],
)
class Download(SftpConnection, RemoteDownload):
    """Download a file over SFTP into internal storage."""
