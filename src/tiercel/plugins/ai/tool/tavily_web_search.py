"""``io.kestra.plugin.ai.tool.TavilyWebSearch``:
a ``searchWeb`` tool over Tavily."""

from typing import Literal

from tiercel.plugins.ai.domain.web_search import TavilySearch
from tiercel.plugins.ai.tool.web_search_tool import WebSearchTool


class TavilyWebSearch(TavilySearch, WebSearchTool):
    """Let the model search the web with Tavily."""

    type: Literal["io.kestra.plugin.ai.tool.TavilyWebSearch"]
