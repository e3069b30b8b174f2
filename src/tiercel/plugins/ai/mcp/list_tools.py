"""``io.kestra.plugin.ai.mcp.ListTools``: the tool catalogue of an MCP server."""

from typing import Any

from pydantic import Field

from tiercel.plugins.ai.mcp.base import McpTask
from tiercel.sdk import Example, KestraModel, Output, RunContext, plugin

_EXAMPLE = """\
id: mcp_list_tools
namespace: company.ai
tasks:
  - id: list
    type: io.kestra.plugin.ai.mcp.ListTools
    url: https://mcp.example.com/mcp
"""


class ToolDefinition(KestraModel):
    """An MCP tool definition."""

    name: str = Field(description="Tool name.")
    description: str | None = Field(default=None, description="Tool description.")
    parameters: dict[str, Any] = Field(description="Tool argument JSON schema.")


class ListToolsOutput(Output):
    """The server's tools."""

    tools: list[ToolDefinition] = Field(description="The tools exposed by the MCP server.")
    count: int = Field(description="Number of tools returned.")


@plugin(
    "io.kestra.plugin.ai.mcp.ListTools",
    examples=[Example("Discover the tools of an MCP server", _EXAMPLE, needs=("mcp server",))],
)
class ListTools(McpTask[ListToolsOutput]):
    """List the tools exposed by an MCP server (name, description, argument schema)."""

    def run(self, ctx: RunContext) -> ListToolsOutput:
        """Connect, list every page of tools, disconnect."""
        session = self.session(ctx)
        try:
            tools = session.tools()
        finally:
            session.close()
        definitions = [
            ToolDefinition(name=t.name, description=t.description, parameters=t.input_schema)
            for t in tools
        ]
        return ListToolsOutput(tools=definitions, count=len(definitions))
