"""``io.kestra.plugin.ai.tool.GoogleCustomWebSearch``:
a ``searchWeb`` tool over Google Custom Search."""

from typing import Literal

from tiercel.plugins.ai.domain.web_search import GoogleSearch
from tiercel.plugins.ai.tool.web_search_tool import WebSearchTool


class GoogleCustomWebSearch(GoogleSearch, WebSearchTool):
    """Let the model search the web with Google Custom Search."""

    type: Literal["io.kestra.plugin.ai.tool.GoogleCustomWebSearch"]
