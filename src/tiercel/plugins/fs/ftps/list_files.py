"""``io.kestra.plugin.fs.ftps.List``, over FTPS."""

from tiercel.plugins.fs.ftps.connection import FtpsConnection
from tiercel.plugins.fs.remote.manage import RemoteList
from tiercel.sdk import Example, plugin

_EXAMPLE = """
id: ftps_list
namespace: company.team
tasks:
  - id: list
    type: io.kestra.plugin.fs.ftps.List
    host: ftps.example.com
    port: "21"
    mode: EXPLICIT
    username: kestra
    password: "{{ secret('FTPS_PASSWORD') }}"
    from: /reports
    regExp: ".*\\\\.csv"
    sort: LAST_MODIFIED_DESC
"""


@plugin(
    "io.kestra.plugin.fs.ftps.List",
    examples=[
        Example(
            "List the CSV files of a folder over explicit FTPS", _EXAMPLE, needs=("ftps-server",)
        )
    ],
)
class List(FtpsConnection, RemoteList):
    """List the files of a directory over FTPS."""
