"""A fallback chat endpoint for the AI tests where llama-cpp-python is not built (it compiles
for minutes): the same SmolLM2-135M GGUF file, loaded by transformers, behind the subset of
the OpenAI ``/v1/chat/completions`` API the OpenAI provider uses. Greedy decoding, so answers
repeat. Run as ``python -m tests.plugins.ai.chat_server PORT MODEL_ALIAS GGUF_PATH``."""

import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

os.environ["HF_HUB_OFFLINE"] = "1"
CONTEXT = 2048


def main() -> None:
    port, alias, gguf = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model.eval()

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

        def do_GET(self) -> None:
            self.reply(200, {"object": "list", "data": [{"id": alias, "object": "model"}]})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path != "/v1/chat/completions":
                self.reply(404, {"error": {"message": f"no route {self.path}"}})
                return
            if body.get("model") != alias:
                message = f"The model `{body.get('model')}` does not exist"
                self.reply(404, {"error": {"message": message, "type": "invalid_request_error"}})
                return
            ids = tokenizer.apply_chat_template(
                body["messages"], add_generation_prompt=True, return_tensors="pt", return_dict=True
            )["input_ids"]
            limit = int(body.get("max_tokens") or 64)
            if ids.shape[1] + limit > CONTEXT:
                message = (f"Requested tokens ({ids.shape[1] + limit}) exceed context window "
                           f"of {CONTEXT}")  # fmt: skip
                self.reply(400, {"error": {"message": message, "type": "invalid_request_error"}})
                return
            with torch.no_grad():
                out = model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=False,
                                     max_new_tokens=limit,
                                     pad_token_id=tokenizer.eos_token_id)  # fmt: skip
            new = out[0, ids.shape[1] :]
            finished = len(new) > 0 and int(new[-1]) == tokenizer.eos_token_id
            text = tokenizer.decode(new, skip_special_tokens=True)
            usage = {"prompt_tokens": int(ids.shape[1]), "completion_tokens": len(new),
                     "total_tokens": int(ids.shape[1]) + len(new)}  # fmt: skip
            self.reply(200, {
                "id": f"chatcmpl-{time.monotonic_ns()}", "object": "chat.completion",
                "model": alias, "usage": usage,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": "stop" if finished else "length"}],
            })  # fmt: skip

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
