"""Tools a chat task gives the model (``io.kestra.plugin.ai.tool.*``), chosen by ``type``."""

from typing import Annotated

from pydantic import Field

from tiercel.plugins.ai.tool.base import OpenTools, ToolProvider
from tiercel.plugins.ai.tool.google_custom_web_search import GoogleCustomWebSearch
from tiercel.plugins.ai.tool.kestra_flow import KestraFlow
from tiercel.plugins.ai.tool.kestra_task import KestraTask
from tiercel.plugins.ai.tool.sse_mcp_client import SseMcpClient
from tiercel.plugins.ai.tool.stdio_mcp_client import StdioMcpClient
from tiercel.plugins.ai.tool.streamable_http_mcp_client import StreamableHttpMcpClient
from tiercel.plugins.ai.tool.tavily_web_search import TavilyWebSearch

AnyTool = Annotated[
    GoogleCustomWebSearch
    | KestraFlow
    | KestraTask
    | SseMcpClient
    | StdioMcpClient
    | StreamableHttpMcpClient
    | TavilyWebSearch,
    Field(discriminator="type"),
]
"""A tool provider, validated as the class its ``type`` names."""

__all__ = ["AnyTool", "OpenTools", "ToolProvider"]
