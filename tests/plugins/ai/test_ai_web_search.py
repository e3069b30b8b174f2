"""The web-search retrievers and tools (``retriever.TavilyWebSearch``,
``tool.GoogleCustomWebSearch``...) against stand-ins of Tavily's ``/search`` and Google's
Custom Search API (neither can be reached from here), with the scripted OpenAI stand-in of
test_ai_tools as the model. The AIAgent task and the flow run are real."""

import json
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.plugins.ai.model_servers import stand_in
from tests.plugins.ai.test_ai_tools import answer, provider, scripted
from tests.plugins.flow_support import RunFlow

TAVILY_KEY = "tvly-Secret-7777"
GOOGLE_KEY = "google-Search-Secret-8888"


def tavily(path: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
    """Tavily's ``POST /search``: the key in the body."""
    if body.get("api_key") != TAVILY_KEY:
        return 401, {"detail": {"error": "Unauthorized: missing or invalid API key."}}, {}
    results = [{"title": f"Result {n}", "url": f"https://example.org/{n}",
                "content": f"Kestra 9.{n} was released.", "score": 0.9}
               for n in range(body["max_results"])]  # fmt: skip
    return 200, {"query": body["query"], "results": results}, {}


def google(path: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
    """Google's ``GET customsearch/v1?key&cx&q&num``."""
    query = parse_qs(urlparse(path).query)
    if query.get("key") != [GOOGLE_KEY] or query.get("cx") != ["my-engine"]:
        return 400, {"error": {"code": 400, "message": "API key not valid.",
                               "status": "INVALID_ARGUMENT"}}, {}  # fmt: skip
    items = [{"title": "Lille restaurants", "link": "https://example.org/lille",
              "snippet": f"Top places for {query['q'][0]}"}]  # fmt: skip
    return 200, {"items": items}, {}


def test_tavily_retriever_puts_web_results_in_the_prompt(run_flow: RunFlow) -> None:
    with stand_in(tavily) as search, stand_in(scripted(answer("It was 9.0."))) as model:
        finished = run_flow(f"""
            id: agent_tavily
            namespace: company.ai
            tasks:
              - id: agent
                type: io.kestra.plugin.ai.agent.AIAgent
                {provider(model.url)}
                prompt: Which Kestra version was released?
                contentRetrievers:
                  - type: io.kestra.plugin.ai.retriever.TavilyWebSearch
                    apiKey: {TAVILY_KEY}
                    maxResults: 2
                    baseUrl: {search.url}
            """)
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    (request,) = search.requests
    assert request[0] == "/search" and request[2]["query"] == "Which Kestra version was released?"
    prompt = model.requests[0][2]["messages"][-1]["content"]
    assert "Kestra 9.0 was released." in prompt and "Kestra 9.1 was released." in prompt
    outputs = finished.outputs["agent"]
    assert outputs["textOutput"] == "It was 9.0."
    assert [s["metadata"]["url"] for s in outputs["sources"]] == [
        "https://example.org/0",
        "https://example.org/1",
    ]
    assert all(TAVILY_KEY not in line.message for line in finished.logs)


def test_google_search_tool_is_called_by_the_model(run_flow: RunFlow) -> None:
    model_script = scripted(
        answer(calls=[("searchWeb", {"query": "restaurants in Lille"})]),
        answer("Try the places listed."),
    )
    with stand_in(google) as search, stand_in(model_script) as model:
        search.answers_get = True
        finished = run_flow(f"""
            id: agent_google
            namespace: company.ai
            tasks:
              - id: agent
                type: io.kestra.plugin.ai.agent.AIAgent
                {provider(model.url)}
                prompt: Find restaurants in Lille.
                tools:
                  - type: io.kestra.plugin.ai.tool.GoogleCustomWebSearch
                    apiKey: {GOOGLE_KEY}
                    csi: my-engine
                    baseUrl: {search.url}
            """)
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    (tool,) = model.requests[0][2]["tools"]
    assert tool["function"]["name"] == "searchWeb"
    assert tool["function"]["parameters"]["required"] == ["query"]
    (execution,) = finished.outputs["agent"]["toolExecutions"]
    assert execution["result"] == (
        "Title: Lille restaurants\nSource: https://example.org/lille\n"
        "Content:\nTop places for restaurants in Lille"
    )
    result = next(m for m in model.requests[1][2]["messages"] if m["role"] == "tool")
    assert "Top places for restaurants in Lille" in result["content"]


def test_wrong_search_key_fails_in_one_line_without_it(run_flow: RunFlow) -> None:
    wrong = "tvly-Wrong-Secret-0000"
    with stand_in(tavily) as search, stand_in(scripted(answer("unused"))) as model:
        finished = run_flow(f"""
            id: agent_tavily_bad
            namespace: company.ai
            tasks:
              - id: agent
                type: io.kestra.plugin.ai.agent.AIAgent
                {provider(model.url)}
                prompt: Anything?
                contentRetrievers:
                  - type: io.kestra.plugin.ai.retriever.TavilyWebSearch
                    apiKey: {wrong}
                    baseUrl: {search.url}
            """)
    assert finished.execution.state.current.value == "FAILED"
    errors = [line.message for line in finished.logs if line.level.value == "ERROR"]
    assert errors == ["Tavily answered HTTP 401: Unauthorized: missing or invalid API key."]
    assert all(wrong not in line.message for line in finished.logs)
    assert not model.requests
    assert json.dumps(search.requests[0][2]).count(wrong) == 1  # sent once, in the body
