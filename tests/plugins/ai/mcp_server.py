"""An MCP server for the MCP client tests, built with the official Python SDK:
``python -m tests.plugins.ai.mcp_server`` runs it over stdio, ``... sse PORT`` or
``... streamable-http PORT`` over HTTP on 127.0.0.1. Its tools are plain arithmetic, an
environment lookup and a tool that fails, so that the tests can check what comes back.

Over HTTP, when ``MCP_TOKEN`` is set, a request without ``Authorization: Bearer <token>`` is
refused with a 401, so that the tests see the client's headers arrive."""

import os
import sys
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

server = MCPServer("tiercel-test-tools")


@server.tool()
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


@server.tool()
def greeting() -> str:
    """The greeting configured in the server's environment."""
    return os.environ.get("GREETING", "no greeting")


@server.tool()
def explode(reason: str) -> str:
    """Always fails, with the reason given (a ToolError: the client sees the message)."""
    raise ToolError(f"exploded: {reason}")


def guarded(app: Any, token: str) -> Any:
    """The app behind a bearer-token check (lifespan events pass through)."""

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = dict(scope.get("headers") or [])
            if headers.get(b"authorization") != f"Bearer {token}".encode():
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"content-type", b"text/plain")]})  # fmt: skip
                await send({"type": "http.response.body", "body": b"missing or wrong token"})
                return
        await app(scope, receive, send)

    return asgi


def main() -> None:
    if len(sys.argv) < 3:
        server.run()
        return
    import uvicorn

    transport, port = sys.argv[1], int(sys.argv[2])
    app = server.sse_app() if transport == "sse" else server.streamable_http_app()
    token = os.environ.get("MCP_TOKEN")
    uvicorn.run(guarded(app, token) if token else app, host="127.0.0.1", port=port,
                log_level="warning")  # fmt: skip


if __name__ == "__main__":
    main()
