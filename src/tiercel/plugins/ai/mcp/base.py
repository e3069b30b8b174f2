"""``AbstractMcpTask``: the connection properties of the tasks that talk to an MCP server
directly."""

from datetime import timedelta
from typing import Generic, TypeVar

from pydantic import Field

from tiercel.plugins.ai.domain.mcp_http import McpEndpoint, McpHttpSession, Transport
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import Duration, Output, Property, RunContext, RunnableTask, TaskFailure, Text

OutT = TypeVar("OutT", bound=Output)


class McpTask(RunnableTask[OutT], Generic[OutT]):
    """A task with an MCP server's URL, transport, headers and timeout."""

    url: Text = Field(description="The Streamable HTTP or SSE endpoint of the MCP server.")
    transport: Property[Transport] = Field(
        default=Transport.STREAMABLE_HTTP,
        description="STREAMABLE_HTTP (the default) or SSE.",
    )
    headers: Property[dict[str, str]] | None = Field(
        default=None, description="Custom headers, e.g. an `Authorization` token; never logged."
    )
    timeout: Property[Duration] | None = Field(
        default=None, description="Connection timeout duration (each request's limit)."
    )
    log_requests: Property[bool] = Field(default=False, description="Log requests.")
    log_responses: Property[bool] = Field(default=False, description="Log responses.")

    def session(self, ctx: RunContext) -> McpHttpSession:
        """An open session with the server.

        Raises:
            TaskFailure: a bad property, or the server cannot be reached.
        """
        env = Env.of_task(ctx)
        url = env.value(self.url, str)
        if not url.startswith(("http://", "https://")):
            raise TaskFailure(f"`url` is not an HTTP URL: {url}")
        transport = env.optional(self.transport, str) or Transport.STREAMABLE_HTTP.value
        try:
            chosen = Transport(transport.upper())
        except ValueError:
            raise TaskFailure(
                "Unsupported MCP transport. Expected one of: STREAMABLE_HTTP, SSE."
            ) from None
        endpoint = McpEndpoint(
            url=url,
            transport=chosen,
            headers=env.optional(self.headers, dict[str, str]) or {},
            timeout=env.optional(self.timeout, timedelta),
            log_requests=env.value(self.log_requests, bool),
            log_responses=env.value(self.log_responses, bool),
        )
        return McpHttpSession(endpoint, ctx.logger)
