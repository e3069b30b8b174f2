"""Completion tasks on the real SmolLM2 through llama.cpp's OpenAI-compatible server, and the
bad inputs a user meets with a real endpoint: wrong key, unreachable endpoint, unknown model,
a context longer than the model's window. Every failure is one line with no key in it."""

from typing import Any

import pytest
from tests.conftest import free_port
from tests.plugins.ai.model_servers import (
    CHAT_MODEL,
    EMBEDDING_MODEL,
    OPENAI_KEY,
    require_constrained_json,
)

from tiercel.plugins.ai.completion.chat_completion import ChatCompletion
from tiercel.plugins.ai.completion.classification import Classification
from tiercel.plugins.ai.completion.json_structured_extraction import JSONStructuredExtraction
from tiercel.plugins.ai.rag.ingest_document import IngestDocument
from tiercel.sdk import State
from tiercel.sdk.testing import RunResult, make_task, run_task

WRONG_KEY = "sk-wrong-Key-000111"
KV_STORE = {"type": "io.kestra.plugin.ai.embeddings.KestraKVStore"}


def openai(url: str, model: str = CHAT_MODEL, key: str = OPENAI_KEY) -> dict[str, Any]:
    return {"type": "io.kestra.plugin.ai.provider.OpenAI", "baseUrl": url, "apiKey": key,
            "modelName": model}  # fmt: skip


def one_line_failure(result: RunResult[Any], *secrets: str) -> str:
    assert result.state is State.FAILED
    assert result.error is not None and "\n" not in result.error
    for secret in secrets:
        assert secret not in result.error
        assert all(secret not in line.message for line in result.logs)
    return result.error


def test_chat_completion_on_smollm2(chat_url: str) -> None:
    task = make_task(ChatCompletion, provider=openai(chat_url),
                     configuration={"temperature": 0, "maxToken": 20, "seed": 1},
                     messages=[{"type": "SYSTEM", "content": "You answer in one word."},
                               {"type": "USER", "content": "Capital of France?"}])  # fmt: skip
    result = run_task(task)
    assert result.state is State.SUCCESS, result.error
    values = result.values
    assert values["textOutput"].strip() and values["aiResponse"] == values["textOutput"]
    assert values["finishReason"] in ("STOP", "LENGTH")
    usage = values["tokenUsage"]
    assert usage["totalTokenCount"] == usage["inputTokenCount"] + usage["outputTokenCount"]
    assert usage["outputTokenCount"] <= 20
    assert {m.name for m in result.metrics} >= {"input.token.count", "ai.provider.calls"}
    # Same seed, temperature 0: the same answer.
    assert run_task(task).values["textOutput"] == values["textOutput"]


def test_json_response_format_gives_json_output(chat_url: str) -> None:
    require_constrained_json()
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    task = make_task(ChatCompletion, provider=openai(chat_url),
                     configuration={"temperature": 0, "maxToken": 40,
                                    "responseFormat": {"type": "JSON", "jsonSchema": schema}},
                     messages=[{"type": "USER", "content": "Capital of France, JSON"}])  # fmt: skip
    result = run_task(task)
    assert result.state is State.SUCCESS, result.error
    assert isinstance(result.values["jsonOutput"]["city"], str)
    assert "textOutput" not in result.values


def test_json_structured_extraction(chat_url: str) -> None:
    require_constrained_json()
    task = make_task(JSONStructuredExtraction, provider=openai(chat_url), schemaName="Person",
                     jsonFields=["name", "city"], configuration={"temperature": 0, "maxToken": 60},
                     prompt="Hello, my name is John. I live in Paris.")  # fmt: skip
    result = run_task(task)
    assert result.state is State.SUCCESS, result.error
    import json

    extracted = json.loads(result.values["extractedJson"])
    assert set(extracted) == {"name", "city"}
    assert result.values["schemaName"] == "Person"


def test_classification(chat_url: str) -> None:
    task = make_task(Classification, provider=openai(chat_url), classes=["positive", "negative"],
                     configuration={"temperature": 0, "maxToken": 5},
                     prompt="I love this product!")  # fmt: skip
    result = run_task(task)
    assert result.state is State.SUCCESS, result.error
    assert isinstance(result.values["classification"], str)
    assert result.values["classification"] == result.values["classification"].strip()


def test_wrong_key_is_masked(embeddings_url: str) -> None:
    task = make_task(IngestDocument, fromDocuments=[{"content": "x"}],
                     provider=openai(f"{embeddings_url}/v1", EMBEDDING_MODEL, WRONG_KEY),
                     embeddings=KV_STORE)  # fmt: skip
    error = one_line_failure(run_task(task), WRONG_KEY)
    assert (
        error
        == "OpenAI answered HTTP 401: Incorrect API key provided: ******. (invalid_request_error)"
    )


def test_unknown_model(embeddings_url: str) -> None:
    task = make_task(IngestDocument, fromDocuments=[{"content": "x"}],
                     provider=openai(f"{embeddings_url}/v1", "no-such-model"),
                     embeddings=KV_STORE)  # fmt: skip
    error = one_line_failure(run_task(task), OPENAI_KEY)
    assert error == (
        "OpenAI answered HTTP 404: The model `no-such-model` does not exist (invalid_request_error)"
    )


def test_unreachable_endpoint() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    task = make_task(ChatCompletion, provider=openai(url),
                     messages=[{"type": "USER", "content": "hi"}])  # fmt: skip
    error = one_line_failure(run_task(task), OPENAI_KEY)
    assert error.startswith(f"unable to reach OpenAI at {url}/chat/completions: ")


def test_context_too_long(chat_url: str) -> None:
    task = make_task(ChatCompletion, provider=openai(chat_url),
                     messages=[{"type": "USER", "content": "word " * 5000}])  # fmt: skip
    error = one_line_failure(run_task(task), OPENAI_KEY)
    assert error.startswith("OpenAI answered HTTP 400: ")
    assert "context" in error.lower()


@pytest.mark.parametrize(
    "messages, problem",
    [([{"type": "SYSTEM", "content": "a"}], "The last message must be a user message"),
     ([{"type": "SYSTEM", "content": "a"}, {"type": "SYSTEM", "content": "b"},
       {"type": "USER", "content": "c"}], "Only one system message is allowed")],
)  # fmt: skip
def test_messages_are_checked_before_any_call(messages: list[dict[str, str]], problem: str) -> None:
    task = make_task(ChatCompletion, provider=openai("http://127.0.0.1:9"), messages=messages)
    assert one_line_failure(run_task(task)) == problem
