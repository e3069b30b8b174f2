"""``io.kestra.plugin.ai.tool.StdioMcpClient``: the tools of an MCP server started as a local
process, spoken to over its standard input and output (JSON-RPC, one message a line).

The client is Tiercel's own, a few requests of the Model Context Protocol (``initialize``,
``tools/list``, ``tools/call``): the Python SDK is asynchronous throughout and heavy for
what a task needs here."""

import json
import os
import queue
import subprocess
import threading
from typing import IO, Any, Literal

from pydantic import Field

from tiercel.plugins.ai.domain.messages import ToolSpec
from tiercel.plugins.ai.domain.tooling import AgentTool
from tiercel.plugins.ai.tool.base import OpenTools, ToolProvider
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import Property, RunContext, TaskFailure, TaskLogger

PROTOCOL_VERSION = "2025-06-18"
REPLY_TIMEOUT = 60.0
"""Seconds the server has to answer one request."""


class StdioMcpClient(ToolProvider):
    """Tools of an MCP server run as a local command."""

    type: Literal["io.kestra.plugin.ai.tool.StdioMcpClient"]
    command: Property[list[str]] = Field(description="The server's command, as a list of parts.")
    env: Property[dict[str, str]] | None = Field(
        default=None, description="Environment variables added to the server's."
    )
    log_events: Property[bool] = Field(
        default=False, description="Log what the server sends besides answers."
    )

    def open(self, ctx: RunContext) -> OpenTools:
        """Start the server, initialize the session and list its tools.

        Raises:
            TaskFailure: the command does not start, or the server does not answer.
        """
        env = Env.of_task(ctx)
        command = env.value(self.command, list[str])
        if not command:
            raise TaskFailure("StdioMcpClient: `command` must not be empty")
        extra = env.optional(self.env, dict[str, str]) or {}
        session = McpSession(
            command, {**os.environ, **extra}, ctx.logger, env.value(self.log_events, bool)
        )
        try:
            session.request(
                "initialize",
                {
                    "protocolVersion": PROTOCOL_VERSION,
                    "capabilities": {},
                    "clientInfo": {"name": "tiercel", "version": "1"},
                },
            )
            session.notify("notifications/initialized")
            listed = session.request("tools/list", {})
        except TaskFailure:
            session.close()
            raise
        tools = []
        for tool in listed.get("tools") or []:
            name = str(tool.get("name"))
            schema = tool.get("inputSchema") or {"type": "object", "properties": {}}
            spec = ToolSpec(name, str(tool.get("description") or name), schema)
            tools.append(AgentTool(spec, session.caller(name)))
        return OpenTools(tools, session.close)


class McpSession:
    """A server process and the JSON-RPC exchange with it."""

    def __init__(
        self, command: list[str], env: dict[str, str], logger: TaskLogger, log_events: bool
    ) -> None:
        self.logger = logger
        self.log_events = log_events
        self.name = command[0]
        try:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                text=True,
                bufsize=1,
            )
        except OSError as exc:
            raise TaskFailure(f"Unable to start the MCP server '{self.name}': {exc}") from None
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True)
        self.reader.start()
        self.next_id = 0
        self.lock = threading.Lock()

    def _read(self, stream: IO[str] | None) -> None:
        for line in stream or ():
            self.lines.put(line)
        self.lines.put(None)

    def _send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(message) + "\n")
            self.process.stdin.flush()
        except OSError:
            raise TaskFailure(f"The MCP server '{self.name}' has stopped") from None

    def notify(self, method: str) -> None:
        """Send a notification (no answer)."""
        self._send({"jsonrpc": "2.0", "method": method})

    def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Send a request and wait for its answer; log or skip what comes in between.

        Raises:
            TaskFailure: an error answer, no answer in time, or the server stopped.
        """
        with self.lock:
            self.next_id += 1
            number = self.next_id
            self._send({"jsonrpc": "2.0", "id": number, "method": method, "params": params})
            while True:
                try:
                    line = self.lines.get(timeout=REPLY_TIMEOUT)
                except queue.Empty:
                    raise TaskFailure(
                        f"The MCP server '{self.name}' did not answer {method} in "
                        f"{REPLY_TIMEOUT:.0f}s"
                    ) from None
                if line is None:
                    raise TaskFailure(f"The MCP server '{self.name}' stopped during {method}")
                try:
                    message = json.loads(line)
                except ValueError:
                    continue  # not protocol: a server's stray output
                if not isinstance(message, dict) or message.get("id") != number:
                    if self.log_events:
                        self.logger.info(f"MCP server '{self.name}': {line.strip()[:500]}")
                    continue
                if "error" in message:
                    error = message["error"] or {}
                    raise TaskFailure(
                        f"The MCP server '{self.name}' refused {method}: "
                        f"{' '.join(str(error.get('message', error)).split())}"
                    )
                result = message.get("result")
                return result if isinstance(result, dict) else {}

    def caller(self, name: str) -> Any:
        """Run tool ``name``: its text content, as the model reads it."""

        def call(arguments: dict[str, Any]) -> str:
            result = self.request("tools/call", {"name": name, "arguments": arguments})
            texts = [
                str(part.get("text", ""))
                for part in result.get("content") or []
                if isinstance(part, dict) and part.get("type") == "text"
            ]
            text = "\n".join(texts)
            if not texts and result.get("structuredContent") is not None:
                text = json.dumps(result["structuredContent"])
            if result.get("isError"):
                return f"There was an error executing the tool. The tool returned: {text}"
            return text

        return call

    def close(self) -> None:
        """Stop the server: close its input, then terminate it if it lingers."""
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.reader.join(5)  # the server is gone: its output ends
        if self.process.stdout is not None:
            self.process.stdout.close()
