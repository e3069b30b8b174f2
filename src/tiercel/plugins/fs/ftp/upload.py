"""``io.kestra.plugin.fs.ftp.Upload``, over FTP."""

from tiercel.plugins.fs.ftp.connection import FtpConnection
from tiercel.plugins.fs.remote.transfer import RemoteUpload
from tiercel.sdk import Example, plugin

_EXAMPLE = """
id: ftp_upload
namespace: company.team
inputs:
  - id: file
    type: FILE
tasks:
  - id: upload
    type: io.kestra.plugin.fs.ftp.Upload
    host: ftp.example.com
    username: kestra
    password: "{{ secret('FTP_PASSWORD') }}"
    from: "{{ inputs.file }}"
    to: /upload/file.txt
"""


@plugin(
    "io.kestra.plugin.fs.ftp.Upload",
    examples=[
        Example("Upload a file given as an input to an FTP server", _EXAMPLE, needs=("ftp-server",))
    ],
)
class Upload(FtpConnection, RemoteUpload):
    """Upload a file of internal storage over FTP."""
