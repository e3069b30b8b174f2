"""RAG end to end on real local models: the seed's ``11_chat_with_rag.yaml`` (Gemini, through a
stand-in that answers with the local models), the same pipeline on an OpenAI-compatible
endpoint, and the agent with an embedding-store retriever. SmolLM2 (135M) answers weakly, so
the tests check structure and that the retrieved segments are the right documents."""

from pathlib import Path
from textwrap import dedent
from typing import Any

from tests.plugins.ai.model_servers import (
    CHAT_MODEL,
    EMBEDDING_MODEL,
    GEMINI_KEY,
    OPENAI_KEY,
    StandIn,
)
from tests.plugins.flow_support import RunFlow, messages, states

from tiercel.wiring import local_services

RELEASE_NOTES = """\
# Kestra 1.1 release

Kestra 1.1 introduces new filters in the UI, flow-level SLA alerts and a no-code editor for
dashboards. The release adds Python and Node.js task runners improvements.
"""

SEED_FLOW = """\
id: 11_chat_with_rag
namespace: zoomcamp

description: |
  This flow demonstrates RAG (Retrieval Augmented Generation) by ingesting Kestra release \
documentation and using it to answer questions accurately.

  Compare this with 10_chat_without_rag.yaml to see the difference RAG makes.

tasks:
  - id: ingest_release_notes
    type: io.kestra.plugin.ai.rag.IngestDocument
    description: Ingest Kestra 1.1 release notes to create embeddings
    provider:
      type: io.kestra.plugin.ai.provider.GoogleGemini
      modelName: gemini-embedding-001
      apiKey: "{{ kv('GEMINI_API_KEY') }}"
      baseUrl: GEMINI_URL
    embeddings:
      type: io.kestra.plugin.ai.embeddings.KestraKVStore
    drop: true
    fromExternalURLs:
      - DOCUMENT_URL

  - id: chat_with_rag
    type: io.kestra.plugin.ai.rag.ChatCompletion
    description: Query about Kestra 1.1 features with RAG context
    chatProvider:
      type: io.kestra.plugin.ai.provider.GoogleGemini
      modelName: gemini-2.5-flash
      apiKey: "{{ kv('GEMINI_API_KEY') }}"
      baseUrl: GEMINI_URL
    embeddingProvider:
      type: io.kestra.plugin.ai.provider.GoogleGemini
      modelName: gemini-embedding-001
      apiKey: "{{ kv('GEMINI_API_KEY') }}"
      baseUrl: GEMINI_URL
    embeddings:
      type: io.kestra.plugin.ai.embeddings.KestraKVStore
    systemMessage: |
      You are a helpful assistant that answers questions about Kestra.
      Use the provided documentation to give accurate, specific answers.
      If you don't find the information in the context, say so.
    prompt: |
      Which features were released in Kestra 1.1?
      Please list at least 5 major features with brief descriptions.

  - id: log_results
    type: io.kestra.plugin.core.log.Log
    message: |
      ✅ RAG Response (with retrieved context):
      {{ outputs.chat_with_rag.textOutput }}
"""

DOCUMENTS = {
    "paris": "Paris is the capital city of France, on the river Seine.",
    "pasta": "To cook pasta, boil salted water and add the spaghetti for nine minutes.",
    "python": "Python's asyncio library runs coroutines on an event loop.",
    "kestra": "Kestra is a workflow orchestrator: flows are declared in YAML files.",
}


def _outputs(finished: Any, task_id: str) -> dict[str, Any]:
    (run,) = [run for run in finished.task_runs if run.task_id == task_id]
    outputs: dict[str, Any] = run.outputs
    return outputs


def test_seed_flow_chat_with_rag_runs_unchanged_but_for_the_endpoints(
    run_flow: RunFlow, gemini: StandIn, tmp_path: Path
) -> None:
    gemini.pages["/release-1-1/index.md"] = RELEASE_NOTES
    url = f"{gemini.url}/release-1-1/index.md"
    with local_services(tmp_path / "data") as services:
        services.kv.set("zoomcamp", "GEMINI_API_KEY", GEMINI_KEY, now=services.clock())
    flow = SEED_FLOW.replace("GEMINI_URL", gemini.url).replace("DOCUMENT_URL", url)

    finished = run_flow(flow)

    assert states(finished) == dict.fromkeys(
        ["ingest_release_notes", "chat_with_rag", "log_results"], "SUCCESS"
    )
    ingest = _outputs(finished, "ingest_release_notes")
    assert ingest["ingestedDocuments"] == 1
    assert ingest["embeddingStoreOutputs"] == {"kvName": "11_chat_with_rag-embedding-store"}
    chat = _outputs(finished, "chat_with_rag")
    assert isinstance(chat["textOutput"], str) and chat["textOutput"].strip()
    assert chat["finishReason"] in ("STOP", "LENGTH")
    assert chat["tokenUsage"]["totalTokenCount"] > chat["tokenUsage"]["outputTokenCount"] > 0
    (source,) = chat["sources"]
    assert source == {"content": RELEASE_NOTES, "metadata": {"url": url}}
    # The model was given the retrieved notes after the prompt, and the system message apart.
    ((_, _, asked),) = [r for r in gemini.requests if r[0].endswith(":generateContent")]
    assert "Answer using the following information:" in asked["contents"][0]["parts"][0]["text"]
    assert "flow-level SLA alerts" in asked["contents"][0]["parts"][0]["text"]
    assert asked["systemInstruction"]["parts"][0]["text"].startswith("You are a helpful assistant")
    assert chat["textOutput"].strip() in messages(finished, "log_results")[0]


def _openai(url: str, model: str) -> dict[str, Any]:
    return {"type": "io.kestra.plugin.ai.provider.OpenAI", "baseUrl": url, "apiKey": OPENAI_KEY,
            "modelName": model}  # fmt: skip


def _rag_flow(embeddings_url: str, chat_url: str, store: dict[str, Any], question: str) -> str:
    embedder = _openai(f"{embeddings_url}/v1", EMBEDDING_MODEL)
    documents = [{"content": text, "metadata": {"name": name}} for name, text in DOCUMENTS.items()]
    import json

    return dedent(f"""\
        id: rag_local
        namespace: company.ai
        tasks:
          - id: ingest
            type: io.kestra.plugin.ai.rag.IngestDocument
            provider: {json.dumps(embedder)}
            embeddings: {json.dumps(store)}
            drop: true
            fromDocuments: {json.dumps(documents)}
          - id: ask
            type: io.kestra.plugin.ai.rag.ChatCompletion
            timeout: PT10M
            chatProvider: {json.dumps(_openai(chat_url, CHAT_MODEL))}
            embeddingProvider: {json.dumps(embedder)}
            embeddings: {json.dumps(store)}
            contentRetrieverConfiguration:
              maxResults: 2
            chatConfiguration:
              temperature: 0
              maxToken: 40
            prompt: {json.dumps(question)}
          - id: agent
            type: io.kestra.plugin.ai.agent.AIAgent
            timeout: PT10M
            provider: {json.dumps(_openai(chat_url, CHAT_MODEL))}
            configuration:
              maxToken: 30
            contentRetrievers:
              - type: io.kestra.plugin.ai.retriever.EmbeddingStoreRetriever
                embeddings: {json.dumps(store)}
                embeddingProvider: {json.dumps(embedder)}
                maxResults: 1
            prompt: How do I cook spaghetti?
        """)


def test_rag_on_an_openai_compatible_endpoint_retrieves_the_right_documents(
    run_flow: RunFlow, embeddings_url: str, chat_url: str, tmp_path: Path
) -> None:
    store = {"type": "io.tiercel.plugin.ai.embeddings.SQLiteVec", "path": str(tmp_path / "v.db")}
    finished = run_flow(_rag_flow(embeddings_url, chat_url, store,
                                  "Which city is the capital of France?"))  # fmt: skip

    assert states(finished) == {"ingest": "SUCCESS", "ask": "SUCCESS", "agent": "SUCCESS"}
    ingest = _outputs(finished, "ingest")
    assert ingest["ingestedDocuments"] == 4 and ingest["inputTokenCount"] > 0
    ask = _outputs(finished, "ask")
    assert ask["sources"][0] == {"content": DOCUMENTS["paris"], "metadata": {"name": "paris"}}
    assert len(ask["sources"]) == 2
    assert ask["textOutput"].strip() and ask["completion"] == ask["textOutput"]
    agent = _outputs(finished, "agent")
    assert [s["metadata"]["name"] for s in agent["sources"]] == ["pasta"]
    assert agent["textOutput"].strip()


def test_rag_with_the_kv_store_and_ollama_embeddings(
    run_flow: RunFlow, embeddings_url: str, chat_url: str
) -> None:
    flow = _rag_flow(embeddings_url, chat_url,
                     {"type": "io.kestra.plugin.ai.embeddings.KestraKVStore"},
                     "What is Kestra, the workflow orchestrator?")  # fmt: skip
    ollama = {"type": "io.kestra.plugin.ai.provider.Ollama", "endpoint": embeddings_url,
              "modelName": EMBEDDING_MODEL}  # fmt: skip
    import json

    flow = flow.replace(json.dumps(_openai(f"{embeddings_url}/v1", EMBEDDING_MODEL)),
                        json.dumps(ollama))  # fmt: skip
    finished = run_flow(flow)

    errors = [line.message for line in finished.logs if line.level.value == "ERROR"]
    assert states(finished)["ask"] == "SUCCESS", errors
    assert _outputs(finished, "ask")["sources"][0]["metadata"] == {"name": "kestra"}
    assert [s["metadata"]["name"] for s in _outputs(finished, "agent")["sources"]] == ["pasta"]
