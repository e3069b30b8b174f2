"""``rag.Search``: ingest into the KV embedding store, then search it with each fetch type.
The embedding model is a stand-in of OpenAI's embeddings API that puts texts about cats on
one axis and the others on another (the real model is exercised in test_ai_rag), so that
``minScore`` has something to separate."""

from typing import Any

from tests.plugins.ai.model_servers import stand_in
from tests.plugins.flow_support import RunFlow

KEY = "sk-search-Secret-3333"


def embeddings(path: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
    data = [{"index": n, "embedding": [1.0, 0.0] if "cat" in text else [0.0, 1.0]}
            for n, text in enumerate(body["input"])]  # fmt: skip
    return 200, {"data": data}, {}


def flow(url: str, fetch_type: str) -> str:
    provider = (f"{{type: io.kestra.plugin.ai.provider.OpenAI, baseUrl: '{url}', apiKey: {KEY}, "
                "modelName: text-embedding-3-small}")  # fmt: skip
    return f"""
        id: search_{fetch_type.lower()}
        namespace: company.ai
        tasks:
          - id: ingest
            type: io.kestra.plugin.ai.rag.IngestDocument
            provider: {provider}
            embeddings: {{type: io.kestra.plugin.ai.embeddings.KestraKVStore}}
            drop: true
            fromDocuments:
              - content: The cat sleeps all day.
              - content: Dogs bark at the mailman.
              - content: A cat chases a mouse.
          - id: search
            type: io.kestra.plugin.ai.rag.Search
            provider: {provider}
            embeddings: {{type: io.kestra.plugin.ai.embeddings.KestraKVStore}}
            query: cat
            maxResults: 5
            minScore: 0.9
            fetchType: {fetch_type}
        """


def test_search_fetches_the_matching_texts(run_flow: RunFlow) -> None:
    with stand_in(embeddings) as model:
        finished = run_flow(flow(model.url, "FETCH"))
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    outputs = finished.outputs["search"]
    assert sorted(outputs["results"]) == ["A cat chases a mouse.", "The cat sleeps all day."]
    assert outputs["size"] == 2


def test_search_stores_the_texts_as_ion(run_flow: RunFlow) -> None:
    with stand_in(embeddings) as model:
        finished = run_flow(flow(model.url, "STORE"))
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    outputs = finished.outputs["search"]
    assert outputs["size"] == 2 and outputs["uri"].startswith("kestra://")
    assert "results" not in outputs or outputs["results"] is None


def test_search_without_fetch_only_counts(run_flow: RunFlow) -> None:
    with stand_in(embeddings) as model:
        finished = run_flow(flow(model.url, "NONE"))
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    assert (finished.outputs.get("search") or {}).get("results") is None
