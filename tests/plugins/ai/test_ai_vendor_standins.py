"""Each SaaS provider's request and response mapping, against a local stand-in server that
speaks the subset of that vendor's HTTP API the provider uses (Gemini, Anthropic, Mistral,
Azure OpenAI, DeepSeek, Ollama chat): these vendors cannot be reached from here. Also the
retry on 429 and the one-line, key-free failures."""

from typing import Any

import pytest
from tests.plugins.ai.model_servers import stand_in

from tiercel.plugins.ai.completion.chat_completion import ChatCompletion
from tiercel.plugins.ai.completion.classification import Classification
from tiercel.sdk import State
from tiercel.sdk.testing import make_task, run_task

KEY = "vendor-Secret-Key-9876"
MESSAGES = [
    {"type": "SYSTEM", "content": "Be brief."},
    {"type": "USER", "content": "Hi"},
    {"type": "AI", "content": "Hello!"},
    {"type": "USER", "content": "Capital of France?"},
]
CONFIG = {"temperature": 0.2, "topP": 0.9, "maxToken": 50, "seed": 7}


def openai_answer(text: str = "Paris") -> dict[str, Any]:
    return {"id": "chatcmpl-1", "choices": [{"index": 0, "finish_reason": "stop",
            "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 2, "total_tokens": 13}}  # fmt: skip


def chat(provider: dict[str, Any], configuration: dict[str, Any] | None = None) -> Any:
    task = make_task(ChatCompletion, provider=provider, messages=MESSAGES,
                     configuration=configuration or CONFIG)  # fmt: skip
    return run_task(task)


def test_gemini_generate_content_mapping() -> None:
    def handle(path: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
        return 200, {
            "candidates": [{"content": {"role": "model", "parts": [{"text": "Paris"}]},
                            "finishReason": "MAX_TOKENS"}],
            "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 1,
                              "totalTokenCount": 10},
            "responseId": "r-1"}, {}  # fmt: skip

    with stand_in(handle) as gemini:
        result = chat({"type": "io.kestra.plugin.ai.provider.GoogleGemini", "apiKey": KEY,
                       "modelName": "gemini-2.5-flash", "baseUrl": gemini.url},
                      {**CONFIG, "topK": 40})  # fmt: skip
    assert result.state is State.SUCCESS, result.error
    path, headers, body = gemini.requests[0]
    assert path == "/models/gemini-2.5-flash:generateContent"
    assert headers["x-goog-api-key"] == KEY
    assert body["systemInstruction"] == {"parts": [{"text": "Be brief."}]}
    assert [c["role"] for c in body["contents"]] == ["user", "model", "user"]
    assert body["generationConfig"] == {"temperature": 0.2, "topK": 40, "topP": 0.9, "seed": 7,
                                        "maxOutputTokens": 50,
                                        "thinkingConfig": {"thinkingBudget": 0}}  # fmt: skip
    values = result.values
    assert values["textOutput"] == values["aiResponse"] == "Paris"
    assert values["finishReason"] == "LENGTH"
    assert values["tokenUsage"] == {"inputTokenCount": 9, "outputTokenCount": 1,
                                    "totalTokenCount": 10}  # fmt: skip


def test_anthropic_messages_mapping() -> None:
    def handle(path: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
        return 200, {"id": "msg_1", "type": "message", "role": "assistant",
                     "content": [{"type": "text", "text": "Paris"}], "stop_reason": "end_turn",
                     "usage": {"input_tokens": 12, "output_tokens": 3}}, {}  # fmt: skip

    with stand_in(handle) as anthropic:
        result = chat({"type": "io.kestra.plugin.ai.provider.Anthropic", "apiKey": KEY,
                       "modelName": "claude-sonnet-4", "baseUrl": anthropic.url},
                      {"temperature": 0.1, "topK": 5, "maxToken": 30})  # fmt: skip
    assert result.state is State.SUCCESS, result.error
    path, headers, body = anthropic.requests[0]
    assert path == "/messages"
    assert headers["x-api-key"] == KEY and headers["anthropic-version"] == "2023-06-01"
    assert body["system"] == [{"type": "text", "text": "Be brief."}]
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    assert (body["max_tokens"], body["top_k"], body["temperature"]) == (30, 5, 0.1)
    assert result.values["textOutput"] == "Paris"
    assert result.values["finishReason"] == "STOP"
    assert result.values["tokenUsage"]["totalTokenCount"] == 15


def test_anthropic_refuses_a_seed_as_kestra_does() -> None:
    result = chat({"type": "io.kestra.plugin.ai.provider.Anthropic", "apiKey": KEY,
                   "modelName": "claude", "baseUrl": "http://127.0.0.1:9"})  # fmt: skip
    assert result.state is State.FAILED
    assert result.error == "Anthropic models do not support setting the seed."


def test_mistral_chat_mapping() -> None:
    with stand_in(lambda path, headers, body: (200, openai_answer(), {})) as mistral:
        result = chat({"type": "io.kestra.plugin.ai.provider.MistralAI", "apiKey": KEY,
                       "modelName": "open-mistral-7b", "baseUrl": mistral.url})  # fmt: skip
    assert result.state is State.SUCCESS, result.error
    path, headers, body = mistral.requests[0]
    assert path == "/chat/completions" and headers["authorization"] == f"Bearer {KEY}"
    assert body["random_seed"] == 7 and body["max_tokens"] == 50 and "seed" not in body
    assert body["messages"][0] == {"role": "system", "content": "Be brief."}
    assert result.values["textOutput"] == "Paris"


def test_mistral_refuses_top_k() -> None:
    result = chat({"type": "io.kestra.plugin.ai.provider.MistralAI", "apiKey": KEY,
                   "modelName": "m", "baseUrl": "http://127.0.0.1:9"}, {"topK": 3})  # fmt: skip
    assert result.error == "Mistral models do not support setting the topK parameter."


def test_azure_openai_deployment_mapping() -> None:
    with stand_in(lambda path, headers, body: (200, openai_answer(), {})) as azure:
        result = chat({"type": "io.kestra.plugin.ai.provider.AzureOpenAI", "apiKey": KEY,
                       "modelName": "my-gpt4o", "endpoint": azure.url,
                       "serviceVersion": "2024-06-01"})  # fmt: skip
    assert result.state is State.SUCCESS, result.error
    path, headers, body = azure.requests[0]
    assert path == "/openai/deployments/my-gpt4o/chat/completions?api-version=2024-06-01"
    assert headers["api-key"] == KEY and "model" not in body
    assert body["max_completion_tokens"] == 50
    assert result.values["textOutput"] == "Paris"


def test_deepseek_is_openai_compatible() -> None:
    with stand_in(lambda path, headers, body: (200, openai_answer(), {})) as deepseek:
        result = chat({"type": "io.kestra.plugin.ai.provider.DeepSeek", "apiKey": KEY,
                       "modelName": "deepseek-chat", "baseUrl": deepseek.url})  # fmt: skip
    assert result.state is State.SUCCESS, result.error
    _, headers, body = deepseek.requests[0]
    assert body["model"] == "deepseek-chat" and body["max_tokens"] == 50
    assert headers["authorization"] == f"Bearer {KEY}"


def test_ollama_chat_mapping() -> None:
    def handle(path: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
        return 200, {"model": "llama3", "message": {"role": "assistant", "content": "Paris"},
                     "done": True, "done_reason": "stop", "prompt_eval_count": 20,
                     "eval_count": 2}, {}  # fmt: skip

    with stand_in(handle) as ollama:
        task = make_task(Classification, prompt="I love it", classes=["positive", "negative"],
                         provider={"type": "io.kestra.plugin.ai.provider.Ollama",
                                   "modelName": "llama3", "endpoint": ollama.url})  # fmt: skip
        result = run_task(task)
    assert result.state is State.SUCCESS, result.error
    path, _, body = ollama.requests[0]
    assert path == "/api/chat" and body["stream"] is False
    assert body["messages"][0]["content"] == (
        "Respond by only one of the following classes by typing just the exact class name: "
        '["positive","negative"]'
    )
    assert result.values["classification"] == "Paris"
    assert result.values["tokenUsage"]["totalTokenCount"] == 22


def test_rate_limited_requests_are_retried() -> None:
    answers = [(429, {"error": {"message": "Rate limit reached"}}, {"Retry-After": "0"}),
               (503, {"error": {"message": "Overloaded"}}, {"Retry-After": "0"}),
               (200, openai_answer(), {})]  # fmt: skip

    with stand_in(lambda path, headers, body: answers.pop(0)) as openai:
        result = chat({"type": "io.kestra.plugin.ai.provider.OpenAI", "apiKey": KEY,
                       "modelName": "gpt-4o", "baseUrl": openai.url})  # fmt: skip
    assert result.state is State.SUCCESS, result.error
    assert len(openai.requests) == 3


def test_rate_limit_that_lasts_fails_in_one_line() -> None:
    busy = (429, {"error": {"message": f"Rate limit reached for key {KEY}"}}, {"Retry-After": "0"})
    with stand_in(lambda path, headers, body: busy) as openai:
        result = chat({"type": "io.kestra.plugin.ai.provider.OpenAI", "apiKey": KEY,
                       "modelName": "gpt-4o", "baseUrl": openai.url})  # fmt: skip
    assert result.state is State.FAILED
    assert len(openai.requests) == 4
    assert result.error is not None and result.error.startswith("OpenAI answered HTTP 429")
    assert KEY not in result.error and "\n" not in result.error


@pytest.mark.parametrize("status", [401, 404])
def test_vendor_errors_are_one_line_without_the_key(status: int) -> None:
    error = {"error": {"code": status, "message": f"API key not valid: {KEY}\nretry later",
                       "status": "INVALID_ARGUMENT"}}  # fmt: skip
    with stand_in(lambda path, headers, body: (status, error, {})) as gemini:
        result = chat({"type": "io.kestra.plugin.ai.provider.GoogleGemini", "apiKey": KEY,
                       "modelName": "gemini-2.5-flash", "baseUrl": gemini.url})  # fmt: skip
    assert result.state is State.FAILED
    assert result.error == (
        f"Google Gemini answered HTTP {status}: API key not valid: ****** retry later "
        "(INVALID_ARGUMENT)"
    )
    assert all(KEY not in line.message for line in result.logs)


def test_plugin_defaults_reach_the_provider_inside_a_task(run_flow: Any) -> None:
    def handle(path: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
        return 200, {"candidates": [{"content": {"parts": [{"text": "Paris"}]},
                                     "finishReason": "STOP"}]}, {}  # fmt: skip

    with stand_in(handle) as gemini:
        finished = run_flow(f"""
            id: chat_defaults
            namespace: company.ai
            tasks:
              - id: chat
                type: io.kestra.plugin.ai.completion.ChatCompletion
                provider:
                  type: io.kestra.plugin.ai.provider.GoogleGemini
                messages:
                  - type: USER
                    content: Capital of France?
            pluginDefaults:
              - type: io.kestra.plugin.ai.provider.GoogleGemini
                values:
                  apiKey: {KEY}
                  modelName: gemini-2.5-flash
                  baseUrl: {gemini.url}
            """)
    (run,) = finished.task_runs
    assert run.state.current.value == "SUCCESS"
    assert run.outputs["textOutput"] == "Paris"
    path, headers, _ = gemini.requests[0]
    assert path == "/models/gemini-2.5-flash:generateContent" and headers["x-goog-api-key"] == KEY


@pytest.mark.parametrize(
    ("provider", "authorization"),
    [
        ({"type": "io.kestra.plugin.ai.provider.OpenRouter", "apiKey": KEY}, f"Bearer {KEY}"),
        (
            {"type": "io.kestra.plugin.ai.provider.GitHubModels", "gitHubToken": KEY},
            f"Bearer {KEY}",
        ),
        ({"type": "io.kestra.plugin.ai.provider.LocalAI"}, None),
        ({"type": "io.kestra.plugin.ai.provider.DockerModel"}, "Bearer not-needed"),
    ],
)
def test_openai_compatible_services(provider: dict[str, Any], authorization: str | None) -> None:
    """OpenRouter, GitHub Models, LocalAI and Docker Model Runner speak OpenAI's API at their
    own address: a stand-in of that API answers each."""
    with stand_in(lambda path, headers, body: (200, openai_answer(), {})) as service:
        result = chat({**provider, "modelName": "some/model", "baseUrl": service.url})
    assert result.state is State.SUCCESS, result.error
    path, headers, body = service.requests[0]
    assert path == "/chat/completions" and body["model"] == "some/model"
    assert body["max_tokens"] == 50 and body["seed"] == 7
    assert headers.get("authorization") == authorization
    assert result.values["textOutput"] == "Paris"
    assert all(KEY not in line.message for line in result.logs)


def test_local_ai_requires_its_base_url() -> None:
    result = chat({"type": "io.kestra.plugin.ai.provider.LocalAI", "modelName": "m",
                   "baseUrl": None})  # fmt: skip
    assert result.state is State.FAILED
    assert result.error == "LocalAI: `baseUrl` is required"
