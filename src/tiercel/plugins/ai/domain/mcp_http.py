"""A session with an MCP server over HTTP (Streamable HTTP or the older SSE transport), through
the official ``mcp`` SDK's client, for the synchronous code of a task run.

The SDK is asynchronous: the session lives in an event loop on a thread of its own (an anyio
blocking portal) for as long as the task needs it, and each call waits for its answer there.
``logRequests`` / ``logResponses`` log the JSON-RPC messages as they pass the transport."""

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, cast

from tiercel.plugins.ai.domain.messages import ToolSpec
from tiercel.sdk import TaskFailure, TaskLogger
from tiercel.sdk.credentials import one_line

if TYPE_CHECKING:  # the SDK loads when a session opens: the registry does not need it
    from anyio.from_thread import BlockingPortal
    from mcp import Client
    from mcp_types import CallToolResult, Tool

DEFAULT_TIMEOUT = timedelta(seconds=60)
"""Each request's limit when the flow sets no ``timeout``."""
STREAM_READ_TIMEOUT = 300.0
"""Seconds an open event stream may stay silent (the SDK's own default)."""


class Transport(StrEnum):
    """How the server is reached (``AbstractMcpTask.Transport``)."""

    STREAMABLE_HTTP = "STREAMABLE_HTTP"
    SSE = "SSE"


@dataclass(frozen=True, slots=True)
class McpEndpoint:
    """Where an MCP server is and how to talk to it."""

    url: str
    transport: Transport
    headers: Mapping[str, str]
    timeout: timedelta | None
    log_requests: bool
    log_responses: bool


class McpHttpSession:
    """An open session: list the server's tools, call one, close."""

    def __init__(self, endpoint: McpEndpoint, logger: TaskLogger) -> None:
        self.endpoint = endpoint
        self.logger = logger
        self.secrets = tuple(value for value in endpoint.headers.values() if value)
        self.error_status: int | None = None
        sdk()
        from anyio.from_thread import start_blocking_portal

        self.portal_context: AbstractContextManager[BlockingPortal] = start_blocking_portal()
        self.portal = self.portal_context.__enter__()
        self.client_context: AbstractContextManager[Client] | None = None
        try:
            context = self.portal.wrap_async_context_manager(self._client())
            self.client: Client = self._guarded("connect", context.__enter__)
            self.client_context = context
        except BaseException:
            self.portal_context.__exit__(None, None, None)
            raise

    def _client(self) -> "Client":
        from mcp import Client
        from mcp.client.sse import sse_client
        from mcp_types import Implementation

        endpoint = self.endpoint
        seconds = (endpoint.timeout or DEFAULT_TIMEOUT).total_seconds()
        headers = dict(endpoint.headers)
        if endpoint.transport is Transport.SSE:
            transport = sse_client(endpoint.url, headers=headers, timeout=seconds)
        else:
            transport = self._streamable(headers, seconds)
        return Client(
            self._logged(transport),
            read_timeout_seconds=seconds,
            client_info=Implementation(name="tiercel", version="1"),
        )

    @asynccontextmanager
    async def _streamable(self, headers: dict[str, str], seconds: float) -> AsyncIterator[Any]:
        """The Streamable HTTP transport on a client of ours (closed with it), which notes
        the last error status: the SDK reports only that the server answered an error."""
        import httpx2
        from mcp.client.streamable_http import streamable_http_client

        async def noted(response: Any) -> None:
            if response.status_code >= 400:
                self.error_status = response.status_code

        # The read limit stays long: the server may hold its event stream open between events.
        limits = httpx2.Timeout(seconds, read=max(seconds, STREAM_READ_TIMEOUT))
        async with (
            httpx2.AsyncClient(
                headers=headers, timeout=limits, event_hooks={"response": [noted]}
            ) as http,
            streamable_http_client(self.endpoint.url, http_client=http) as streams,
        ):
            yield streams

    @asynccontextmanager
    async def _logged(self, transport: Any) -> AsyncIterator[Any]:
        async with transport as (read, write):
            if not (self.endpoint.log_requests or self.endpoint.log_responses):
                yield read, write
                return
            yield _Logged(read, self, "response"), _Logged(write, self, "request")

    def log(self, direction: str, item: Any) -> None:
        """Log one JSON-RPC message when the flow asks for it; header values masked."""
        wanted = (
            self.endpoint.log_requests if direction == "request" else self.endpoint.log_responses
        )
        if not wanted or not hasattr(item, "message"):
            return  # an exception the transport passes on, not a message
        text = item.message.model_dump_json(by_alias=True, exclude_none=True)
        self.logger.info(f"MCP {direction}: {self._masked(text)}")

    def _masked(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "******")
        return text

    def _guarded(self, what: str, action: Any) -> Any:
        """Run ``action``; any failure as one line naming the server, with no header value."""
        try:
            return action()
        except TaskFailure:
            raise
        except BaseException as exc:
            status = f" (HTTP {self.error_status})" if self.error_status else ""
            raise TaskFailure(
                f"MCP server {self.endpoint.url}: {what} failed: "
                f"{self._masked(reason(exc))}{status}"
            ) from None

    def tools(self) -> list["Tool"]:
        """The server's tools, every page of them."""

        async def listed() -> list["Tool"]:
            tools: list[Tool] = []
            cursor: str | None = None
            while True:
                page = await self.client.list_tools(cursor=cursor)
                tools.extend(page.tools)
                cursor = page.next_cursor
                if not cursor:
                    return tools

        found: list[Tool] = self._guarded("tools/list", lambda: self.portal.call(listed))
        return found

    def call(self, name: str, arguments: Mapping[str, Any]) -> "CallToolResult":
        """Call tool ``name``; its result, an error result included."""

        async def called() -> "CallToolResult":
            return await self.client.call_tool(name, dict(arguments))

        result = self._guarded(f"tools/call {name}", lambda: self.portal.call(called))
        return cast("CallToolResult", result)

    def close(self) -> None:
        """End the session and stop its event loop (best effort, as Kestra's ``close``)."""
        try:
            if self.client_context is not None:
                self.client_context.__exit__(None, None, None)
        except BaseException as exc:
            self.logger.warn(f"Unable to close the MCP client: {self._masked(reason(exc))}")
        finally:
            self.client_context = None
            self.portal_context.__exit__(None, None, None)


def reason(exc: BaseException) -> str:
    """The innermost useful message of an exception, exception groups unwrapped."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    text = str(exc) or type(exc).__name__
    return one_line(text)


def sdk() -> None:
    """Check that the MCP SDK is installed.

    Raises:
        TaskFailure: it is not, with the command that installs it.
    """
    try:
        import mcp  # noqa: F401
    except ImportError:
        raise TaskFailure(
            "The MCP clients need the mcp SDK, which is not installed: pip install 'tiercel[ai]'"
        ) from None


def tool_spec(tool: "Tool") -> ToolSpec:
    """An MCP tool as the model sees it."""
    schema = tool.input_schema or {"type": "object", "properties": {}}
    return ToolSpec(tool.name, tool.description or tool.name, dict(schema))


def result_text(result: "CallToolResult") -> str:
    """A tool result as text: its text contents, or its structured content as JSON."""
    texts = [str(getattr(part, "text", "")) for part in result.content if part.type == "text"]
    if not texts and result.structured_content is not None:
        return json.dumps(result.structured_content)
    return "\n".join(texts)


class _Logged:
    """A transport's stream that logs each message passing it, in ``direction``.

    One wrapper serves both ends: a read stream is only received from and a write stream
    only sent to, so each uses the half it has; the rest is the stream's own.
    """

    def __init__(self, stream: Any, session: McpHttpSession, direction: str) -> None:
        self.stream = stream
        self.session = session
        self.direction = direction

    async def receive(self) -> Any:
        item = await self.stream.receive()
        self.session.log(self.direction, item)
        return item

    async def send(self, item: Any, /) -> None:
        self.session.log(self.direction, item)
        await self.stream.send(item)

    def __aiter__(self) -> "_Logged":
        return self

    async def __anext__(self) -> Any:
        item = await self.stream.__anext__()
        self.session.log(self.direction, item)
        return item

    async def aclose(self) -> None:
        await self.stream.aclose()

    async def __aenter__(self) -> "_Logged":
        await self.stream.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> bool | None:
        result: bool | None = await self.stream.__aexit__(*exc)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)
