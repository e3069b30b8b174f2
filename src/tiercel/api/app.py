"""The application: routes under Kestra's prefixes, JSON errors, authentication, upload limits."""

import base64
import hmac
import logging
import re
from typing import cast

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi_offline import FastAPIOffline
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tiercel.api import (
    blueprints,
    bulk,
    bulk_labels,
    configs,
    execution_changes,
    execution_files,
    execution_inputs,
    executions,
    expressions,
    flow_archive,
    flows,
    graph,
    kv,
    logs,
    namespace_files,
    namespaces,
    playground,
    plugins,
    prometheus,
    stats,
    triggers,
    webhooks,
    webui,
)
from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.engine.inputs import InputError
from tiercel.ops.executions import InvalidRequestError, NotFoundError, OperationError
from tiercel.ops.flows import FlowError, FlowNotFoundError

_log = logging.getLogger("tiercel.api")

PREFIXES = ("/api/v1/main", "/api/v1")
"""Kestra 1.x puts the tenant (``main`` in open source) after ``/api/v1``; older clients
call the paths without it. Both are served."""

DOCS_URL = "/api/docs"
"""Swagger UI over the OpenAPI document."""

_OPEN_PATHS = (
    "/ping",
    "/api/v1/executions/webhook/",
    "/api/v1/main/executions/webhook/",
    webui.UI_PATH,  # the UI's files; its calls to the API carry the credentials
)


def create_app(ctx: ApiContext) -> FastAPI:
    """The API application over ``ctx``."""
    # Swagger UI's script and style are served from the package, not a CDN: /api/docs works
    # on a machine without Internet access.
    app = FastAPIOffline(
        title="Tiercel",
        version="0.1.0",
        docs_url=DOCS_URL,
        redoc_url=None,
        static_url=DOCS_URL + "/assets",
        openapi_url="/api/v1/openapi.json",
    )
    app.state.ctx = ctx
    router = APIRouter()
    modules = (
        # First: routes are matched in order, and a webhook call (the hottest route) would
        # otherwise be tried against every route before it. No other route has its shape.
        webhooks,
        blueprints,
        configs,
        # Before ``flows``: its ``POST /flows/{namespace}`` would catch ``POST /flows/graph``.
        graph,
        # Before ``flows`` too: ``/flows/{namespace}/{id}`` would catch the export routes.
        flow_archive,
        flows,
        expressions,
        execution_changes,
        # Before ``executions``: its ``/executions/{id}`` and ``/executions/{ns}/{flowId}``
        # would otherwise catch ``/executions/by-ids`` and ``/executions/kill/by-ids``.
        bulk,
        bulk_labels,
        execution_inputs,
        executions,
        execution_files,
        logs,
        namespaces,
        namespace_files,
        kv,
        playground,
        plugins,
        stats,
        triggers,
    )
    for module in modules:
        # The routes themselves, not the module's router: FastAPI checks each included
        # router's tree on every request, and one flat list costs a request far less. A
        # module's router carries nothing of its own (tags and route class are on its routes).
        router.routes.extend(module.router.routes)
    for prefix in PREFIXES:
        app.include_router(router, prefix=prefix)
    app.include_router(prometheus.router)  # at the root, where Prometheus looks

    @app.get("/ping", include_in_schema=False)
    def ping() -> PlainTextResponse:
        return PlainTextResponse("pong")

    webui.install(app)
    _install_errors(app)
    app.add_middleware(_WebhookLane, ctx=ctx)
    _install_guards(app, ctx)  # added last: the guard runs first, for the lane's calls too
    return app


_WEBHOOK_CALL = re.compile(r"/api/v1(?:/main)?/executions/webhook/([^/]+)/([^/]+)/([^/]+)")
"""A webhook call's path, under either prefix: what only the webhook route serves; its
groups are the route's parameters (namespace, flow id, key)."""


def _webhook_errors(ctx: ApiContext) -> FastAPI:
    """An application that only holds the error answers, for the webhook lane to look up."""
    errors = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    errors.state.ctx = ctx
    _install_errors(errors)
    return errors


class _WebhookLane:
    """Serves webhook calls itself, and hands every other request to the application.

    The call goes straight to the webhook's endpoint, with the same error answers: no
    router, no dependency solving, no FastAPI or Starlette middleware layer. Those cost a
    webhook call about as much CPU as starting its execution, on the event loop that every
    request shares, on the route a server takes the most calls on (the whole API has a few
    hundred routes under two prefixes, which FastAPI tries in turn).
    """

    def __init__(self, app: ASGIApp, ctx: ApiContext) -> None:
        self._app = app
        self._ctx = ctx
        errors = _webhook_errors(ctx)
        self._handlers = errors.exception_handlers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WEBHOOK_METHODS:
            await self._app(scope, receive, send)
            return
        call = _WEBHOOK_CALL.fullmatch(scope["path"])
        if call is None:
            await self._app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            namespace, flow_id, key = call.groups()
            response = await webhooks.answer(self._ctx, request, namespace, flow_id, key)
        except Exception as exc:
            response = self._refusal(request, exc)
        await response(scope, receive, send)

    def _refusal(self, request: Request, exc: Exception) -> Response:
        # As Starlette finds a handler: the nearest class of the error that has one (the
        # handlers include one for ``Exception``, so one is always found).
        for cls in type(exc).__mro__:
            handler = self._handlers.get(cls)
            if handler is not None:
                return cast(Response, handler(request, exc))
        raise exc


_WEBHOOK_METHODS = frozenset(("GET", "POST", "PUT"))


def _install_errors(app: FastAPI) -> None:
    """Every refusal is a 4xx with a JSON body saying why; never a bare 500."""

    masker = cast(ApiContext, app.state.ctx).masker

    def body(
        status: int, message: str, errors: list[dict[str, object]] | None = None
    ) -> JSONResponse:
        # An error may quote what was rendered or received: no known secret in it.
        content: dict[str, object] = {"message": masker.mask(message)}
        if errors:
            content["_embedded"] = {"errors": masker.mask_value(errors)}
        return JSONResponse(content, status_code=status)

    @app.exception_handler(ApiError)
    def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return body(exc.status, exc.message, exc.errors)

    @app.exception_handler(FlowError)
    def flow_error(_: Request, exc: FlowError) -> JSONResponse:
        errors: list[dict[str, object]] = [
            {"message": p.message, "path": p.path, "line": p.line, "column": p.column}
            for p in exc.problems
        ]
        return body(422, f"Invalid flow: {exc}", errors)

    @app.exception_handler(FlowNotFoundError)
    def not_found(_: Request, exc: FlowNotFoundError) -> JSONResponse:
        return body(404, str(exc.args[0]) if exc.args else "not found")

    @app.exception_handler(InputError)
    def input_error(_: Request, exc: InputError) -> JSONResponse:
        errors: list[dict[str, object]] = [
            {"path": f"inputs.{name}", "message": message} for name, message in exc.problems
        ]
        return body(422, f"Invalid inputs: {exc}", errors)

    @app.exception_handler(OperationError)
    def operation_error(_: Request, exc: OperationError) -> JSONResponse:
        if isinstance(exc, NotFoundError):
            return body(404, str(exc))
        return body(422 if isinstance(exc, InvalidRequestError) else 409, str(exc))

    @app.exception_handler(RequestValidationError)
    def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors: list[dict[str, object]] = [
            {"path": ".".join(str(part) for part in e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors()
        ]
        return body(422, "Invalid request", errors)

    @app.exception_handler(ClientDisconnect)
    def client_gone(_: Request, exc: ClientDisconnect) -> JSONResponse:
        # The client left (or its body broke and the HTTP layer answered it): nobody reads
        # this answer, and nothing went wrong on this side.
        return body(400, "The client disconnected before the request was read")

    @app.exception_handler(StarletteHTTPException)
    def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return body(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    def unexpected(request: Request, exc: Exception) -> JSONResponse:
        _log.exception("unexpected error on %s %s", request.method, request.url.path)
        return body(500, f"Internal error: {type(exc).__name__}: {exc}")


def _install_guards(app: FastAPI, ctx: ApiContext) -> None:
    """Authentication when users or tokens are configured, and the request size limit."""
    app.add_middleware(_Guard, ctx=ctx)


class _Guard:
    """Refuses an oversized body (413) or a call without valid credentials (401) before any
    route runs: plain ASGI, which costs a request less than Starlette's ``BaseHTTPMiddleware``
    and does not wrap the response stream.

    A body sent without ``Content-Length`` (chunked) is counted as it streams in: the read
    that goes over the limit raises a 413, whichever route reads it.
    """

    def __init__(self, app: ASGIApp, ctx: ApiContext) -> None:
        self._app = app
        self._ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            refusal = None if path in _CONFIGS else self._refusal(Headers(scope=scope), path)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
            receive = _counted(receive, self._ctx.max_upload_bytes)
        await self._app(scope, receive, send)

    def _refusal(self, headers: Headers, path: str) -> JSONResponse | None:
        ctx = self._ctx
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > ctx.max_upload_bytes:
            return JSONResponse({"message": _too_large(ctx.max_upload_bytes)}, status_code=413)
        guarded = (ctx.users or ctx.tokens) and not (path == "/" or path.startswith(_OPEN_PATHS))
        if guarded and not _authorized(headers.get("authorization", ""), ctx):
            # A script's call (the web UI's) gets no challenge: the browser would answer it
            # with its own password dialog instead of letting the page show its login form.
            scripted = headers.get("x-requested-with", "").lower() == "xmlhttprequest"
            challenge = {} if scripted else {"WWW-Authenticate": 'Basic realm="tiercel"'}
            return JSONResponse({"message": "Unauthorized"}, status_code=401, headers=challenge)
        return None


_CONFIGS = frozenset(prefix + "/configs" for prefix in PREFIXES)
"""Open without credentials: the web UI reads there whether to show its login form."""


def _too_large(limit: int) -> str:
    return f"Request body over {limit} bytes"


def _counted(receive: Receive, limit: int) -> Receive:
    """``receive`` that adds up the body's bytes and refuses the read that passes ``limit``."""
    received = 0

    async def counting() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                # An HTTPException passes through FastAPI's body parsing untouched and
                # becomes the JSON 413 of the error handlers.
                raise HTTPException(413, _too_large(limit))
        return message

    return counting


def _authorized(header: str, ctx: ApiContext) -> bool:
    # Headers arrive decoded as Latin-1, so any byte may be in them: compare bytes, since
    # ``compare_digest`` refuses non-ASCII text with a TypeError.
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        given = value.strip().encode("latin-1")
        return any(hmac.compare_digest(given, token.encode()) for token in ctx.tokens)
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip().encode("latin-1"), validate=True)
            user, _, password = decoded.decode().partition(":")
        except ValueError:  # bad base64 (binascii.Error) or bad UTF-8 (UnicodeDecodeError)
            return False
        expected = ctx.users.get(user)
        return expected is not None and hmac.compare_digest(password.encode(), expected.encode())
    return False
