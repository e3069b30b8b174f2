"""``io.kestra.plugin.ai.tool.SseMcpClient``: the tools of an MCP server reached over the
HTTP+SSE transport (the protocol's older one)."""

from typing import Literal

from pydantic import Field

from tiercel.plugins.ai.domain.mcp_http import Transport
from tiercel.plugins.ai.tool.base import OpenTools
from tiercel.plugins.ai.tool.http_mcp_client import HttpMcpClient
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import RunContext, Text


class SseMcpClient(HttpMcpClient):
    """Call an MCP server over SSE."""

    type: Literal[
        "io.kestra.plugin.ai.tool.SseMcpClient",
        "io.kestra.plugin.ai.tool.HttpMcpClient",
        "io.kestra.plugin.langchain4j.tool.HttpMcpClient",
    ]
    sse_url: Text = Field(description="SSE URL of the MCP server.")

    def open(self, ctx: RunContext) -> OpenTools:
        """Connect, initialize the session and list the server's tools.

        Raises:
            TaskFailure: the server cannot be reached or refuses the session.
        """
        env = Env.of_task(ctx)
        return self._open(ctx, self._endpoint(env, env.value(self.sse_url, str), Transport.SSE))
