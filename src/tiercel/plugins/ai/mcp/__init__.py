"""Tasks that talk to an MCP server directly, with no model: ``mcp.ListTools``,
``mcp.CallTool``."""
