"""An MCP server for the StdioMcpClient tests, built with the official Python SDK and run over
stdio: ``python -m tests.plugins.ai.mcp_server``. Its tools are plain arithmetic and an
environment lookup, so that the tests can check what the model gets back."""

import os

from mcp.server.mcpserver import MCPServer

server = MCPServer("tiercel-test-tools")


@server.tool()
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@server.tool()
def greeting() -> str:
    """The greeting configured in the server's environment."""
    return os.environ.get("GREETING", "no greeting")


if __name__ == "__main__":
    server.run()
