"""``io.kestra.plugin.ai.mcp.CallTool``: call one tool of an MCP server, with no model."""

from typing import Any

from pydantic import Field

from tiercel.plugins.ai.domain.mcp_http import result_text
from tiercel.plugins.ai.mcp.base import McpTask
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import Example, Output, Property, RunContext, TaskFailure, Text, plugin

_EXAMPLE = """\
id: mcp_call_tool
namespace: company.ai
tasks:
  - id: call
    type: io.kestra.plugin.ai.mcp.CallTool
    url: https://mcp.example.com/mcp
    headers:
      Authorization: "Bearer {{ secret('MCP_API_TOKEN') }}"
    tool: add
    arguments:
      a: 5
      b: 12
"""


class CallToolOutput(Output):
    """The tool's answer."""

    result: str | None = Field(default=None, description="The tool's text result.")
    structured_content: Any = Field(
        default=None, description="The tool's structured content, when the server returned one."
    )
    is_error: bool | None = Field(default=None, description="Whether the call returned an error.")
    error_message: str | None = Field(
        default=None, description="Set when `failOnToolError` is false and the call failed."
    )


@plugin(
    "io.kestra.plugin.ai.mcp.CallTool",
    examples=[Example("Call a tool of an MCP server", _EXAMPLE, needs=("mcp server",))],
)
class CallTool(McpTask[CallToolOutput]):
    """Call a tool on an MCP server and return its result; no LLM involved."""

    tool: Text = Field(description="Name of the tool to call.")
    arguments: Property[dict[str, Any]] | None = Field(
        default=None, description="Arguments passed to the tool."
    )
    fail_on_tool_error: Property[bool] = Field(
        default=True,
        description="Fail when the server reports the call as an error; else report it in "
        "`errorMessage` and `isError`.",
    )

    def run(self, ctx: RunContext) -> CallToolOutput:
        """Connect, call the tool, disconnect; the ``mcp.tool.calls`` counter tagged by tool.

        Raises:
            TaskFailure: the server cannot be reached, or the tool failed and
                ``failOnToolError`` is true.
        """
        env = Env.of_task(ctx)
        name = env.value(self.tool, str)
        arguments = env.optional(self.arguments, dict[str, Any]) or {}
        fail = env.value(self.fail_on_tool_error, bool)
        ctx.metric("mcp.tool.calls", 1, tags={"tool": name})
        session = self.session(ctx)
        try:
            result = session.call(name, arguments)
        except TaskFailure as failed:
            if fail:
                raise
            ctx.logger.warn(f"MCP tool '{name}' failed: {failed}")
            return CallToolOutput(is_error=True, error_message=str(failed))
        finally:
            session.close()
        text = result_text(result)
        if result.is_error:
            if fail:
                raise TaskFailure(f"MCP tool '{name}' returned an error: {text}")
            ctx.logger.warn(f"MCP tool '{name}' returned an error: {text}")
        return CallToolOutput(
            result=text,
            structured_content=result.structured_content,
            is_error=result.is_error,
            error_message=text if result.is_error else None,
        )
