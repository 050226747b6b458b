"""An agent service shaped like the bundled stack's ai-agent-service: FastAPI, served by
uvicorn, instrumented with prometheus-fastapi-instrumentator's defaults
(`Instrumentator().instrument(app).expose(app)`) — its /metrics is that library's.

    python fastapi_agent.py PROVIDER_BASE_URL PORT

POST /agent/{coder|writer|analyst} {"prompt": "..."} asks the provider (PROVIDER_BASE_URL is
the OpenAI-compatible base, http://127.0.0.1:PORT/v1) with the agent's model and answers
with the provider's reply; a provider 401 is passed through as the service's 401, other
provider failures are a 502. /health and /ready as the Deployment's probes expect. Like
the stack's agents it counts tokens in `ai_tokens_used_total{model}` (the model as the
agent requested it). Prints `READY fastapi-agent http://127.0.0.1:PORT`.
"""

import asyncio
import os
import sys

sys.dont_write_bytecode = True
from lifetime import exit_with_parent, ready  # noqa: E402

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI, HTTPException  # noqa: E402
from prometheus_client import Counter  # noqa: E402
from prometheus_fastapi_instrumentator import Instrumentator  # noqa: E402
from pydantic import BaseModel  # noqa: E402

AGENTS = {
    "coder": ("gpt-4.1", "You are a senior software engineer. Answer with code."),
    "writer": ("claude-sonnet-4.5", "You are a technical writer. Be clear and brief."),
    "analyst": ("gemini-2.5-flash", "You are a data analyst. Answer with numbers."),
}

TOKENS = Counter("ai_tokens_used", "LLM tokens used (prompt + completion), by model.", ["model"])


class Ask(BaseModel):
    prompt: str = "Say hello."
    max_tokens: int = 512


def make_app(base_url: str, api_key: str) -> FastAPI:
    app = FastAPI(title="ai-agent-service")
    client = httpx.AsyncClient(
        base_url=base_url.rstrip("/"),
        headers={"Authorization": f"Bearer {api_key}"},
        timeout=httpx.Timeout(30.0, connect=5.0),
    )

    @app.get("/health")
    async def health():
        return {"status": "healthy"}

    @app.get("/ready")
    async def ready_probe():
        return {"status": "ready"}

    @app.post("/agent/{agent_type}")
    async def agent(agent_type: str, ask: Ask):
        if agent_type not in AGENTS:
            raise HTTPException(404, f"unknown agent type {agent_type!r}")
        model, system = AGENTS[agent_type]
        try:
            r = await client.post(
                "/chat/completions",
                json={
                    "model": model,
                    "messages": [
                        {"role": "system", "content": system},
                        {"role": "user", "content": ask.prompt},
                    ],
                    "max_tokens": ask.max_tokens,
                },
            )
        except httpx.HTTPError as e:
            raise HTTPException(502, f"provider unreachable: {type(e).__name__}") from e
        if r.status_code == 401:
            raise HTTPException(401, r.json().get("error", {}).get("message", "unauthorized"))
        if r.status_code != 200:
            raise HTTPException(502, f"provider answered {r.status_code}")
        body = r.json()
        usage = body.get("usage") or {}
        TOKENS.labels(model=model).inc(usage.get("total_tokens", 0))
        return {
            "agent": agent_type,
            "model": body.get("model"),
            "answer": body["choices"][0]["message"]["content"],
            "usage": usage,
        }

    Instrumentator().instrument(app).expose(app)
    return app


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: fastapi_agent.py PROVIDER_BASE_URL PORT")
    base_url, port = sys.argv[1], int(sys.argv[2])
    exit_with_parent(float(os.environ.get("EXPORTERS_MAX_SECONDS", "1800")))
    app = make_app(base_url, os.environ.get("HOLYSHEEP_API_KEY", "sk-test-exporters"))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)

    async def serve() -> None:
        task = asyncio.create_task(server.serve())
        while not server.started and not task.done():
            await asyncio.sleep(0.05)
        if server.started:
            ready("fastapi-agent", f"http://127.0.0.1:{port}")
        await task

    asyncio.run(serve())


if __name__ == "__main__":
    main()
