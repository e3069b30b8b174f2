"""``io.kestra.plugin.ai.tool.StreamableHttpMcpClient``: the tools of an MCP server reached
over the Streamable HTTP transport."""

from typing import Literal

from pydantic import Field

from tiercel.plugins.ai.domain.mcp_http import Transport
from tiercel.plugins.ai.tool.base import OpenTools
from tiercel.plugins.ai.tool.http_mcp_client import HttpMcpClient
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import RunContext, Text


class StreamableHttpMcpClient(HttpMcpClient):
    """Call an MCP server over HTTP streaming."""

    type: Literal["io.kestra.plugin.ai.tool.StreamableHttpMcpClient"]
    url: Text = Field(description="URL of the MCP server.")

    def open(self, ctx: RunContext) -> OpenTools:
        """Connect, initialize the session and list the server's tools.

        Raises:
            TaskFailure: the server cannot be reached or refuses the session.
        """
        env = Env.of_task(ctx)
        endpoint = self._endpoint(env, env.value(self.url, str), Transport.STREAMABLE_HTTP)
        return self._open(ctx, endpoint)
