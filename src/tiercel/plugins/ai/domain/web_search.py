"""Web search engines (Tavily, Google Custom Search) for the web-search retrievers and tools,
as langchain4j's ``WebSearchEngine`` implementations call them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from pydantic import Field

from tiercel.plugins.ai.domain.http import ApiClient
from tiercel.plugins.ai.domain.messages import ToolSpec
from tiercel.plugins.ai.domain.segments import Match, Segment
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import KestraModel, RunContext, TaskFailure, Text

TAVILY_URL = "https://api.tavily.com"
GOOGLE_SEARCH_URL = "https://www.googleapis.com/customsearch/v1"
MOST_GOOGLE_RESULTS = 10
"""Google's Custom Search answers at most 10 results a request."""
SEARCH_TIMEOUT = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class WebResult:
    """One organic result: its title, address, and content (or snippet)."""

    title: str
    url: str
    content: str


def tavily(client: ApiClient, key: str, query: str, max_results: int) -> list[WebResult]:
    """``POST {base}/search`` with the key in the body, as langchain4j sends it."""
    answer = client.post(
        "search",
        {
            "api_key": key,
            "query": query,
            "search_depth": "basic",
            "include_answer": False,
            "include_raw_content": False,
            "max_results": max_results,
        },
    )
    rows = answer.get("results")
    if not isinstance(rows, list):
        raise client.failure("Tavily answered no `results`")
    return [
        WebResult(
            str(row.get("title") or ""), str(row.get("url") or ""), str(row.get("content") or "")
        )
        for row in rows
        if isinstance(row, dict)
    ][:max_results]


def google(client: ApiClient, key: str, csi: str, query: str, max_results: int) -> list[WebResult]:
    """``GET {base}?key=...&cx=...&q=...&num=...``."""
    count = max(1, min(max_results, MOST_GOOGLE_RESULTS))
    answer = client.get("", {"key": key, "cx": csi, "q": query, "num": str(count)})
    rows = answer.get("items") or []
    if not isinstance(rows, list):
        raise client.failure("Google Custom Search answered malformed `items`")
    return [
        WebResult(
            str(row.get("title") or ""), str(row.get("link") or ""), str(row.get("snippet") or "")
        )
        for row in rows
        if isinstance(row, dict)
    ][:max_results]


def as_matches(results: Sequence[WebResult]) -> list[Match]:
    """Results as retrieved segments (content, with ``url`` and ``title`` metadata), in the
    engine's order; a web result has no relevance score of its own."""
    return [
        Match(Segment(result.content, {"url": result.url, "title": result.title}), 1.0)
        for result in results
    ]


def as_tool_answer(results: Sequence[WebResult]) -> str:
    """Results as the text the ``searchWeb`` tool gives the model."""
    return "\n\n".join(
        f"Title: {result.title}\nSource: {result.url}\nContent:\n{result.content}"
        for result in results
    )


class WebSearch(KestraModel):
    """What both engines' retrievers and tools share: the key, and Tiercel's ``baseUrl``."""

    vendor: ClassVar[str] = "Web search"

    api_key: Text = Field(description="API key.", json_schema_extra={"secret": True})
    base_url: Text | None = Field(
        default=None,
        description="Tiercel's addition: another endpoint than the engine's (a gateway, a "
        "stand-in).",
    )

    def client(self, ctx: RunContext, default_url: str) -> tuple[ApiClient, str]:
        """A client for the engine, and the rendered key.

        Raises:
            TaskFailure: no key.
        """
        env = Env.of_task(ctx)
        key = env.optional(self.api_key, str)
        if not key:
            raise TaskFailure(f"{self.vendor}: `apiKey` is required")
        url = env.optional(self.base_url, str) or default_url
        client = ApiClient(
            vendor=self.vendor,
            base_url=url,
            headers={},
            timeout=SEARCH_TIMEOUT,
            secrets=(key,),
            sleep=ctx.sleep,
        )
        return client, key

    def search(self, ctx: RunContext, query: str, max_results: int) -> list[WebResult]:
        """The engine's results for ``query``."""
        raise NotImplementedError


class TavilySearch(WebSearch):
    """Tavily's search API."""

    vendor = "Tavily"

    def search(self, ctx: RunContext, query: str, max_results: int) -> list[WebResult]:
        """``POST /search``."""
        client, key = self.client(ctx, TAVILY_URL)
        return tavily(client, key, query, max_results)


class GoogleSearch(WebSearch):
    """Google's Programmable Search Engine (Custom Search JSON API)."""

    vendor = "Google Custom Search"

    csi: Text = Field(
        description="The Programmable Search Engine ID, referred to as `cx` in Google's "
        "documentation."
    )

    def search(self, ctx: RunContext, query: str, max_results: int) -> list[WebResult]:
        """``GET ?key&cx&q&num``."""
        client, key = self.client(ctx, GOOGLE_SEARCH_URL)
        csi = Env.of_task(ctx).value(self.csi, str)
        return google(client, key, csi, query, max_results)


def web_search_spec() -> ToolSpec:
    """langchain4j's ``WebSearchTool.searchWeb`` as the model sees it."""
    return ToolSpec(
        "searchWeb",
        "This tool can be used to perform web searches using search engines such as Google, "
        "particularly when seeking information about recent events.",
        {
            "type": "object",
            "properties": {"query": {"type": "string", "description": "Web search query"}},
            "required": ["query"],
        },
    )
