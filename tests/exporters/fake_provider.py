"""A local fake OpenAI-compatible LLM provider for the exporter fixtures (stdlib only).

    python fake_provider.py [PORT]          (or FAKE_PROVIDER_PORT; 0 = any free port)

POST /v1/chat/completions answers as providers do: `model` is the provider's dated id
(request `gpt-4.1` -> `gpt-4.1-2025-04-14`), `usage` has prompt/completion/total tokens
(deterministic per model and prompt), after a delay around the model's median latency.
GET /v1/models lists the table. POST /_control takes JSON such as
{"unauthorized_ratio": 0.3, "delay_scale": 1.0}: that share of chat requests is then
answered 401 with OpenAI's error body (an exact share, not a coin toss); GET /_control
shows the state and the counters. Prints `READY fake-provider http://127.0.0.1:PORT`.
"""

import hashlib
import json
import math
import os
import random
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True
from lifetime import exit_with_parent, ready  # noqa: E402

# requested id -> (id the provider answers with, median latency s, owner, completion tokens
# range). DeepSeek answers V3.2 requests as `deepseek-chat`; Google keeps the undated id.
MODELS = {
    "gpt-4.1": ("gpt-4.1-2025-04-14", 0.60, "openai", (120, 420)),
    "gpt-4.1-mini": ("gpt-4.1-mini-2025-04-14", 0.30, "openai", (80, 300)),
    "claude-sonnet-4.5": ("claude-sonnet-4-5-20250929", 0.90, "anthropic", (150, 520)),
    "gemini-2.5-flash": ("gemini-2.5-flash", 0.25, "google", (60, 260)),
    "deepseek-v3.2": ("deepseek-chat", 0.45, "deepseek", (100, 380)),
}
# The dated ids are accepted too, as providers do.
ALIASES = {dated: name for name, (dated, *_rest) in MODELS.items()}

UNAUTHORIZED = {
    "error": {
        "message": "Incorrect API key provided: sk-test-****. You can find your API key at "
        "https://platform.openai.com/account/api-keys.",
        "type": "invalid_request_error",
        "param": None,
        "code": "invalid_api_key",
    }
}


class State:
    """What /_control sets, and counters; shared by the handler threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.unauthorized_ratio = 0.0
        self.delay_scale = 1.0
        self.chat_requests = 0
        self.unauthorized = 0
        # Requests since the ratio was last set: the n-th is refused when
        # floor(n * ratio) grows, so any window of requests holds the exact share.
        self.since_ratio = 0
        self.rng = random.Random(42)

    def snapshot(self) -> dict:
        return {
            "unauthorized_ratio": self.unauthorized_ratio,
            "delay_scale": self.delay_scale,
            "chat_requests": self.chat_requests,
            "unauthorized": self.unauthorized,
        }

    def next_request(self) -> tuple[bool, float]:
        """(refuse with 401?, a lognormal factor for the delay) for one chat request."""
        with self.lock:
            self.chat_requests += 1
            n = self.since_ratio
            self.since_ratio += 1
            r = self.unauthorized_ratio
            refuse = math.floor((n + 1) * r) > math.floor(n * r)
            if refuse:
                self.unauthorized += 1
            return refuse, math.exp(self.rng.gauss(0.0, 0.35))


STATE = State()


def count_tokens(text: str) -> int:
    """About 4 characters a token, as tiktoken gives for English."""
    return max(1, math.ceil(len(text) / 4))


def prompt_tokens(messages: list) -> int:
    # Chat formatting costs ~3 tokens a message plus 3 for the reply's priming.
    total = 3
    for m in messages:
        content = m.get("content") or ""
        if isinstance(content, list):
            content = " ".join(p.get("text", "") for p in content if isinstance(p, dict))
        total += 3 + count_tokens(str(content))
    return total


def completion_tokens(model: str, messages: list, max_tokens) -> int:
    lo, hi = MODELS[model][3]
    digest = hashlib.sha256((model + json.dumps(messages, sort_keys=True)).encode()).digest()
    n = lo + int.from_bytes(digest[:4], "big") % (hi - lo + 1)
    if isinstance(max_tokens, int) and max_tokens > 0:
        n = min(n, max_tokens)
    return n


def answer_text(n_tokens: int) -> str:
    words = ("The", "agent", "considered", "the", "request", "and", "answers", "it", "here.")
    return " ".join(words[i % len(words)] for i in range(n_tokens))[: n_tokens * 4]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-provider/1.0"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def send_json(self, status: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-request-id", "req_" + uuid.uuid4().hex[:24])
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def read_json(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return None

    def do_GET(self):
        if self.path == "/v1/models":
            created = 1744588800
            data = [
                {"id": dated, "object": "model", "created": created, "owned_by": owner}
                for _name, (dated, _d, owner, _t) in MODELS.items()
            ]
            self.send_json(200, {"object": "list", "data": data})
        elif self.path == "/_control":
            with STATE.lock:
                self.send_json(200, STATE.snapshot())
        elif self.path in ("/health", "/"):
            self.send_json(200, {"status": "ok"})
        else:
            self.send_json(404, invalid_request(f"Unknown path {self.path}"))

    def do_POST(self):
        body = self.read_json()
        if body is None:
            self.send_json(400, invalid_request("We could not parse the JSON body of your request."))
        elif self.path == "/_control":
            self.control(body)
        elif self.path == "/v1/chat/completions":
            self.chat(body)
        else:
            self.send_json(404, invalid_request(f"Unknown path {self.path}"))

    def control(self, body: dict) -> None:
        with STATE.lock:
            if "unauthorized_ratio" in body:
                STATE.unauthorized_ratio = min(1.0, max(0.0, float(body["unauthorized_ratio"])))
                STATE.since_ratio = 0
            if "delay_scale" in body:
                STATE.delay_scale = max(0.0, float(body["delay_scale"]))
            snap = STATE.snapshot()
        print(f"control: {json.dumps(snap)}", flush=True)
        self.send_json(200, snap)

    def chat(self, body: dict) -> None:
        if not (self.headers.get("Authorization") or "").startswith("Bearer "):
            self.send_json(401, UNAUTHORIZED)
            return
        requested = body.get("model")
        name = ALIASES.get(requested, requested)
        if name not in MODELS:
            self.send_json(
                404,
                {
                    "error": {
                        "message": f"The model `{requested}` does not exist or you do not have "
                        "access to it.",
                        "type": "invalid_request_error",
                        "param": None,
                        "code": "model_not_found",
                    }
                },
            )
            return
        messages = body.get("messages") or []
        refuse, factor = STATE.next_request()
        if refuse:
            # Providers refuse a bad key at once, before any model time.
            time.sleep(0.01)
            self.send_json(401, UNAUTHORIZED)
            return
        dated, median, _owner, _range = MODELS[name]
        delay = median * factor * STATE.delay_scale
        time.sleep(delay)
        prompt = prompt_tokens(messages)
        completion = completion_tokens(name, messages, body.get("max_tokens"))
        self.send_json(
            200,
            {
                "id": "chatcmpl-" + uuid.uuid4().hex[:29],
                "object": "chat.completion",
                "created": int(time.time()),
                "model": dated,
                "choices": [
                    {
                        "index": 0,
                        "message": {
                            "role": "assistant",
                            "content": answer_text(completion),
                            "refusal": None,
                            "annotations": [],
                        },
                        "logprobs": None,
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                    "completion_tokens_details": {
                        "reasoning_tokens": 0,
                        "audio_tokens": 0,
                        "accepted_prediction_tokens": 0,
                        "rejected_prediction_tokens": 0,
                    },
                },
                "service_tier": "default",
                "system_fingerprint": "fp_" + hashlib.sha1(dated.encode()).hexdigest()[:10],
            },
            {"openai-processing-ms": str(int(delay * 1000))},
        )


def invalid_request(message: str) -> dict:
    """OpenAI's error body for a request it will not serve."""
    return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}


def main() -> None:
    port = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("FAKE_PROVIDER_PORT", "0"))
    exit_with_parent(float(os.environ.get("EXPORTERS_MAX_SECONDS", "1800")))
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    ready("fake-provider", f"http://127.0.0.1:{server.server_address[1]}")
    server.serve_forever()


if __name__ == "__main__":
    main()
