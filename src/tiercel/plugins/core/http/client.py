"""Sending the request the ``http`` tasks describe, with ``httpx`` (not a plugin).

What Kestra's ``AbstractHttp`` and ``HttpClient`` do, property by property: the body is
``formData`` (URL-encoded, or multipart when ``contentType`` is ``multipart/form-data``, where a
``kestra://`` value uploads that file), else ``body`` sent as ``contentType`` with the default
charset, else nothing but a ``Content-Type`` header. Options come from the 1.x nested keys or
the 0.21 flat ones (``connectTimeout``, ``readTimeout``, ``proxy*``, ``basicAuth*``,
``logLevel``), and the deprecated task-level ``allowFailed`` and ``sslOptions``.
"""

import base64
import json
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath
from typing import Any

import httpx

from tiercel.plugins.core.http.abstract_http import HttpTaskProperties
from tiercel.plugins.core.http.options import (
    BasicAuth,
    BearerAuth,
    DigestAuth,
    HttpLogLevel,
    HttpOptions,
    LoggingType,
    ProxyType,
)
from tiercel.sdk import RunContext, TaskFailure

MULTIPART = "multipart/form-data"
USER_AGENT = "Kestra"
# Kestra sets no timeout unless told; a read that never ends would hold a worker forever, so
# the default of ``options.timeout.readIdleTimeout`` applies when no timeout is configured.
DEFAULT_READ_TIMEOUT = timedelta(minutes=5)
DEFAULT_CONNECT_TIMEOUT = timedelta(minutes=3)  # Apache HttpClient's default
_LEVEL_LOGS = {
    HttpLogLevel.TRACE: list(LoggingType),
    HttpLogLevel.DEBUG: [LoggingType.REQUEST_HEADERS, LoggingType.RESPONSE_HEADERS],
    HttpLogLevel.INFO: [LoggingType.RESPONSE_HEADERS],
}


@dataclass(frozen=True, slots=True)
class Exchange:
    """A request sent and the response received (its body not read yet)."""

    uri: str
    request: httpx.Request
    response: httpx.Response
    allow_failed: bool


@contextmanager
def exchange(task: HttpTaskProperties, ctx: RunContext) -> Iterator[Exchange]:
    """Send the task's request and yield the streamed response.

    Raises:
        TaskFailure: The request could not be sent, or the response code is 400 or more and
            ``allowFailed`` is not set.
    """
    options = task.options
    allow_failed = ctx.render_as(
        task.allow_failed if task.allow_failed is not None else options.allow_failed, bool
    )
    logs = _logs(options)
    with _client(task, ctx) as client:
        uri = str(ctx.render(task.uri)).replace(" ", "%20")
        try:
            request = client.build_request(
                str(ctx.render(task.method)).upper(), uri, **_body(task, ctx)
            )
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:
            raise TaskFailure(f"Invalid request to '{uri}': {exc}") from None
        for name, value in _auth_headers(options, ctx).items():
            request.headers[name] = value
        _log_request(ctx, request, logs)
        try:
            response = client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise TaskFailure(f"Failed http request to '{uri}': {exc}") from None
        try:
            _log_response(ctx, response, logs)
            ctx.logger.debug(f"Request '{uri}' with the response code '{response.status_code}'")
            if response.status_code >= 400 and not allow_failed:
                raise TaskFailure(_failure(response))
            yield Exchange(uri, request, response, allow_failed)
        except httpx.HTTPError as exc:  # reading the body: a timeout, a dropped connection
            raise TaskFailure(f"Failed http request to '{uri}': {exc}") from None
        finally:
            response.close()


def response_headers(response: httpx.Response) -> dict[str, list[str]]:
    """The response headers as Kestra outputs them: each name (as the server wrote it) with
    the list of its values."""
    headers: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for raw_name, raw_value in response.headers.raw:
        name = raw_name.decode("latin-1")
        key = names.setdefault(name.lower(), name)
        headers.setdefault(key, []).append(raw_value.decode("latin-1"))
    return headers


def record_length(
    ctx: RunContext, request: httpx.Request, response: httpx.Response, size: int
) -> None:
    """Kestra's ``response.length`` counter, with its tags."""
    ctx.metric(
        "response.length",
        size,
        tags={
            "request.method": request.method,
            "request.scheme": request.url.scheme,
            "request.hostname": request.url.host,
            "response.code": str(response.status_code),
        },
    )


def _client(task: HttpTaskProperties, ctx: RunContext) -> httpx.Client:
    options = task.options
    ssl = options.ssl or task.ssl_options
    insecure = (
        ssl is not None
        and ssl.insecure_trust_all_certificates is not None
        and ctx.render_as(ssl.insecure_trust_all_certificates, bool)
    )
    auth: httpx.Auth | None = None
    if isinstance(options.auth, DigestAuth):
        auth = httpx.DigestAuth(
            _text(ctx, options.auth.username) or "", _text(ctx, options.auth.password) or ""
        )
    return httpx.Client(
        timeout=_timeout(options, ctx),
        follow_redirects=ctx.render_as(options.follow_redirects, bool),
        verify=not insecure,
        proxy=_proxy(options, ctx),
        auth=auth,
        headers={"User-Agent": USER_AGENT},
        trust_env=False,
    )


def _timeout(options: HttpOptions, ctx: RunContext) -> httpx.Timeout:
    connect: Any = options.connect_timeout
    read: Any = options.read_timeout
    if options.timeout is not None:
        connect = options.timeout.connect_timeout or connect
        read = options.timeout.read_idle_timeout
    connect_span = ctx.render_as(connect, timedelta) if connect is not None else None
    read_span = ctx.render_as(read, timedelta) if read is not None else DEFAULT_READ_TIMEOUT
    return httpx.Timeout(
        read_span.total_seconds(),
        connect=(connect_span or DEFAULT_CONNECT_TIMEOUT).total_seconds(),
    )


def _proxy(options: HttpOptions, ctx: RunContext) -> str | None:
    proxy = options.proxy
    kind: Any = proxy.type if proxy else options.proxy_type
    address = _text(ctx, proxy.address) if proxy else options.proxy_address
    port: Any = proxy.port if proxy else options.proxy_port
    user = _text(ctx, proxy.username) if proxy else options.proxy_username
    password = _text(ctx, proxy.password) if proxy else options.proxy_password
    if not address:
        return None
    kind = ctx.render_as(kind, ProxyType) if kind is not None else ProxyType.DIRECT
    if kind is ProxyType.DIRECT:
        ctx.logger.warn(f"Proxy '{address}' ignored: its type is DIRECT; set it to HTTP or SOCKS")
        return None
    scheme = "socks5" if kind is ProxyType.SOCKS else "http"
    credentials = ""
    if user is not None and password is not None:
        credentials = (
            f"{urllib.parse.quote(user, safe='')}:{urllib.parse.quote(password, safe='')}@"
        )
    if port is None:
        raise TaskFailure("A proxy needs a port")
    return f"{scheme}://{credentials}{address}:{ctx.render_as(port, int)}"


def _auth_headers(options: HttpOptions, ctx: RunContext) -> dict[str, str]:
    auth = options.auth
    if isinstance(auth, BearerAuth):
        return {"Authorization": f"Bearer {_text(ctx, auth.token)}"}
    if isinstance(auth, BasicAuth):
        user, password = _text(ctx, auth.username), _text(ctx, auth.password)
    elif options.basic_auth_user is not None or options.basic_auth_password is not None:
        user, password = options.basic_auth_user, options.basic_auth_password
    else:
        return {}
    # Sent with the first request, as Kestra does, and Java prints a missing part as "null".
    pair = f"{user if user is not None else 'null'}:{password if password is not None else 'null'}"
    return {"Authorization": "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")}


def _body(task: HttpTaskProperties, ctx: RunContext) -> dict[str, Any]:
    """The ``build_request`` arguments for the body and the headers."""
    content_type = str(ctx.render(task.content_type))
    charset = str(ctx.render(task.options.default_charset))
    headers: dict[str, str] = {}
    extra: dict[str, Any] = {}
    form = ctx.render(task.form_data) if task.form_data is not None else None
    if isinstance(form, str):
        form = json.loads(form)  # an expression renders a map as its JSON text
    if form:
        if content_type == MULTIPART:
            extra["files"] = [_part(ctx, name, value) for name, value in form.items()]
        else:
            pairs = [(str(name), _java_text(value)) for name, value in form.items()]
            extra["content"] = urllib.parse.urlencode(pairs, encoding=charset).encode("ascii")
            headers["Content-Type"] = f"application/x-www-form-urlencoded; charset={charset}"
    elif task.body is not None:
        extra["content"] = str(ctx.render(task.body)).encode(charset)
        headers["Content-Type"] = f"{content_type}; charset={charset}"
    else:
        headers["Content-Type"] = content_type
    if task.headers is not None:
        rendered = ctx.render(task.headers)
        if isinstance(rendered, str):
            rendered = json.loads(rendered)
        for name, value in rendered.items():
            for known in [key for key in headers if key.lower() == str(name).lower()]:
                del headers[known]
            headers[str(name)] = _java_text(value)
    extra["headers"] = headers
    return extra


def _part(ctx: RunContext, name: str, value: Any) -> tuple[str, tuple[str | None, bytes, str]]:
    """A multipart part: a ``kestra://`` file, a ``{name, content}`` file, or text."""
    if isinstance(value, str) and value.startswith("kestra://"):
        filename = PurePosixPath(urllib.parse.urlsplit(value).path).name
        return name, (filename or name, ctx.files.read_bytes(value), "application/octet-stream")
    if isinstance(value, dict) and "name" in value and "content" in value:
        content = ctx.files.read_bytes(str(value["content"]))
        return name, (str(value["name"]), content, "application/octet-stream")
    text = value if isinstance(value, str) else json.dumps(value)
    return name, (None, text.encode("utf-8"), "text/plain; charset=UTF-8")


def _java_text(value: Any) -> str:
    """A value as Java's ``toString`` prints the scalars Kestra sends as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _text(ctx: RunContext, value: str | None) -> str | None:
    return None if value is None else str(ctx.render(value))


def _failure(response: httpx.Response) -> str:
    message = f"Failed http request with response code '{response.status_code}'"
    body = response.read()
    if body:
        message += " and body:\n" + body.decode("utf-8", errors="replace")
    return message


def _logs(options: HttpOptions) -> list[LoggingType]:
    if options.logs is not None:
        return list(options.logs)
    if options.log_level is not None:
        return _LEVEL_LOGS.get(options.log_level, [])
    return []


def _log_request(ctx: RunContext, request: httpx.Request, logs: list[LoggingType]) -> None:
    if LoggingType.REQUEST_HEADERS in logs:
        ctx.logger.debug(f"request:\n    method: {request.method}\n    uri: {request.url}")
        ctx.logger.debug(_headers_entry("request", request.headers.raw))
    if LoggingType.REQUEST_BODY in logs:
        payload = request.read()
        ctx.logger.trace(
            f"request payload:\n    {payload.decode('utf-8', errors='replace')}"
            if payload
            else "request payload: null"
        )


def _log_response(ctx: RunContext, response: httpx.Response, logs: list[LoggingType]) -> None:
    if LoggingType.RESPONSE_HEADERS in logs:
        ctx.logger.debug(f"response:\n    code: {response.status_code}")
        ctx.logger.debug(_headers_entry("response", response.headers.raw))
    if LoggingType.RESPONSE_BODY in logs:
        body = response.read()
        ctx.logger.trace(
            f"response payload:\n    {body.decode('utf-8', errors='replace')}"
            if body
            else "response payload: null"
        )


def _headers_entry(kind: str, raw: list[tuple[bytes, bytes]]) -> str:
    if not raw:
        return f"{kind} headers: null"
    lines = "\n    ".join(f"{k.decode('latin-1')}: {v.decode('latin-1')}" for k, v in raw)
    return f"{kind} headers:\n    {lines}"
