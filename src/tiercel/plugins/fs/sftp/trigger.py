"""``io.kestra.plugin.fs.sftp.Trigger``, over SFTP."""

from tiercel.plugins.fs.remote.watch import RemoteTrigger
from tiercel.plugins.fs.sftp.connection import SftpConnection
from tiercel.sdk import Example, plugin

_EXAMPLE = """
id: sftp_trigger_flow
namespace: company.team
tasks:
  - id: for_each_file
    type: io.kestra.plugin.core.flow.ForEach
    values: "{{ trigger.files }}"
    tasks:
      - id: log
        type: io.kestra.plugin.core.log.Log
        message: "{{ json(taskrun.value).name }} is stored as {{ json(taskrun.value).path }}"
triggers:
  - id: watch
    type: io.kestra.plugin.fs.sftp.Trigger
    host: sftp.example.com
    username: kestra
    password: "{{ secret('SFTP_PASSWORD') }}"
    from: /incoming/
    regExp: ".*\\\\.csv"
    action: MOVE
    moveDirectory: /archive/
    interval: PT30S
"""


@plugin(
    "io.kestra.plugin.fs.sftp.Trigger",
    examples=[
        Example(
            "Process each new file of an SFTP folder once, then move it to an archive",
            _EXAMPLE,
            needs=("sftp-server",),
        )
    ],
)
class Trigger(SftpConnection, RemoteTrigger):
    """Poll a directory over SFTP; fire for new or changed files."""
