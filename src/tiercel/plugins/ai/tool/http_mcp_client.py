"""What the HTTP MCP tool providers share: their properties and opening a session whose
tools the model may call."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from pydantic import Field

from tiercel.plugins.ai.domain.mcp_http import (
    McpEndpoint,
    McpHttpSession,
    Transport,
    result_text,
    tool_spec,
)
from tiercel.plugins.ai.domain.tooling import AgentTool
from tiercel.plugins.ai.tool.base import OpenTools, ToolProvider
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import Duration, Property, RunContext, TaskFailure

TOOL_ERROR = "There was an error executing the tool. The tool returned: "
"""What langchain4j hands the model when an MCP tool answers ``isError``."""


class HttpMcpClient(ToolProvider):
    """The properties of both HTTP transports; the URL's property name is each one's own."""

    timeout: Property[Duration] | None = Field(
        default=None, description="Connection timeout duration (each request's limit)."
    )
    headers: Property[dict[str, str]] | None = Field(
        default=None,
        description="Custom headers, e.g. an `Authorization` token; never logged.",
    )
    log_requests: Property[bool] = Field(default=False, description="Log requests.")
    log_responses: Property[bool] = Field(default=False, description="Log responses.")

    def _endpoint(self, env: Env, url: str, transport: Transport) -> McpEndpoint:
        return McpEndpoint(
            url=url,
            transport=transport,
            headers=env.optional(self.headers, dict[str, str]) or {},
            timeout=env.optional(self.timeout, timedelta),
            log_requests=env.value(self.log_requests, bool),
            log_responses=env.value(self.log_responses, bool),
        )

    def _open(self, ctx: RunContext, endpoint: McpEndpoint) -> OpenTools:
        if not endpoint.url.startswith(("http://", "https://")):
            raise TaskFailure(f"{self.type.rsplit('.', 1)[-1]}: not an HTTP URL: {endpoint.url}")
        session = McpHttpSession(endpoint, ctx.logger)
        try:
            listed = session.tools()
        except TaskFailure:
            session.close()
            raise

        def agent_tool(name: str) -> Callable[[dict[str, Any]], str]:
            def call(arguments: dict[str, Any]) -> str:
                result = session.call(name, arguments)
                text = result_text(result)
                return TOOL_ERROR + text if result.is_error else text

            return call

        tools = [AgentTool(tool_spec(tool), agent_tool(tool.name)) for tool in listed]
        return OpenTools(tools, session.close)
