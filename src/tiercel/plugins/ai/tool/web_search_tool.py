"""What the web-search tools share: one ``searchWeb`` tool over their engine."""

from typing import Any

from tiercel.plugins.ai.domain.tooling import AgentTool
from tiercel.plugins.ai.domain.web_search import WebSearch, as_tool_answer, web_search_spec
from tiercel.plugins.ai.tool.base import OpenTools, ToolProvider
from tiercel.sdk import RunContext, TaskFailure

TOOL_RESULTS = 5
"""Results the tool gives the model per search."""


class WebSearchTool(WebSearch, ToolProvider):
    """A web-search engine offered to the model as langchain4j's ``searchWeb``."""

    def open(self, ctx: RunContext) -> OpenTools:
        """The ``searchWeb`` tool."""

        def search(arguments: dict[str, Any]) -> str:
            query = arguments.get("query")
            if not isinstance(query, str) or not query.strip():
                raise TaskFailure("searchWeb needs a `query` text")
            return as_tool_answer(self.search(ctx, query, TOOL_RESULTS))

        return OpenTools([AgentTool(web_search_spec(), search)])
