"""``io.kestra.plugin.ai.retriever.TavilyWebSearch``:
web results from Tavily as retrieved content."""

from typing import Literal

from pydantic import Field

from tiercel.plugins.ai.domain.segments import Match
from tiercel.plugins.ai.domain.web_search import TavilySearch, as_matches
from tiercel.plugins.ai.provider.base import Call
from tiercel.sdk import Property


class TavilyWebSearch(TavilySearch):
    """Retrieve web results from Tavily for the prompt."""

    type: Literal["io.kestra.plugin.ai.retriever.TavilyWebSearch"]
    max_results: Property[int] = Field(default=3, description="Maximum number of results.")

    def retrieve(self, call: Call, query: str) -> list[Match]:
        """The engine's first results for ``query``, as segments."""
        return as_matches(self.search(call.ctx, query, call.env.value(self.max_results, int)))
