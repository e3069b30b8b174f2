"""``io.kestra.plugin.ai.retriever.GoogleCustomWebSearch``:
web results from Google Custom Search as retrieved content."""

from typing import Literal

from pydantic import Field

from tiercel.plugins.ai.domain.segments import Match
from tiercel.plugins.ai.domain.web_search import GoogleSearch, as_matches
from tiercel.plugins.ai.provider.base import Call
from tiercel.sdk import Property


class GoogleCustomWebSearch(GoogleSearch):
    """Retrieve web results from Google Custom Search for the prompt."""

    type: Literal["io.kestra.plugin.ai.retriever.GoogleCustomWebSearch"]
    max_results: Property[int] = Field(default=3, description="Maximum number of results.")

    def retrieve(self, call: Call, query: str) -> list[Match]:
        """The engine's first results for ``query``, as segments."""
        return as_matches(self.search(call.ctx, query, call.env.value(self.max_results, int)))
