"""Posting a notification over HTTP (not a plugin): retries, timeouts, masked errors.

A webhook's URL is a credential (Slack's, Teams', Discord's carry their token in the path), so
no message written here shows more of it than its scheme and host. A 429 or a 5xx answer is
tried again, after the ``Retry-After`` the vendor asks for (capped) or a growing pause.
"""

import email.utils
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tiercel.sdk import RunContext, TaskFailure

ATTEMPTS = 4
"""How many times a notification is sent before its task fails."""
MAX_WAIT = 60.0
"""The longest pause between two attempts, whatever ``Retry-After`` asks for."""
_RETRIED = {429, 500, 502, 503, 504}


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """The client settings of a notification task's ``options``, rendered."""

    connect_timeout: float | None = None
    read_timeout: float = 10.0
    charset: str = "UTF-8"
    headers: Mapping[str, str] | None = None
    proxy: str | None = None
    """``http://[user:password@]host:port`` or ``socks5://...``; None for a direct connection."""


def masked(url: str) -> str:
    """The URL with everything after the host hidden: ``https://hooks.slack.com/******``."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "******"
    if not parts.scheme or not parts.hostname:
        return "******"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}/******"


def post(
    ctx: RunContext,
    vendor: str,
    url: str,
    body: str | bytes,
    settings: HttpSettings,
    *,
    content_type: str = "application/json",
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """POST ``body`` to ``url``, trying again on 429 and 5xx; the final 2xx response.

    Raises:
        TaskFailure: The URL is invalid, the server cannot be reached, or it answers with an
            error (the last one, after the retries), in one line naming the vendor and the
            masked URL.
    """
    shown = masked(url)
    data = body.encode(settings.charset) if isinstance(body, str) else body
    sent_headers = {"Content-Type": content_type, **(settings.headers or {}), **(headers or {})}
    timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
    try:
        client = httpx.Client(
            timeout=timeout, trust_env=False, follow_redirects=True, proxy=settings.proxy
        )
    except ImportError:
        raise TaskFailure(f"{vendor}: a SOCKS proxy needs: pip install 'httpx[socks]'") from None
    except ValueError as exc:
        raise TaskFailure(f"{vendor}: invalid HTTP options: {exc}") from None
    with client:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                response = client.post(url, content=data, headers=sent_headers)
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
                raise TaskFailure(f"{vendor}: invalid URL '{shown}': {_hide(exc, url)}") from None
            except httpx.HTTPError as exc:
                raise TaskFailure(
                    f"{vendor}: cannot reach '{shown}': {_hide(exc, url) or type(exc).__name__}"
                ) from None
            if response.status_code < 300:
                ctx.logger.debug(f"{vendor}: answered {response.status_code}: {_text(response)}")
                ctx.logger.info("Request succeeded")
                return response
            if response.status_code not in _RETRIED or attempt == ATTEMPTS:
                break
            pause = _pause(response, attempt, ctx.now())
            ctx.logger.warn(
                f"{vendor}: '{shown}' answered {response.status_code}; attempt {attempt + 1} of "
                f"{ATTEMPTS} in {pause:g}s"
            )
            ctx.sleep(pause)
            if ctx.killed.is_set():
                break
    raise TaskFailure(
        f"{vendor}: '{shown}' answered {response.status_code} {response.reason_phrase}"
        + (f": {snippet}" if (snippet := _text(response)) else "")
    )


def settings_of(ctx: RunContext, options: Any) -> HttpSettings:
    """Render a task's ``options`` (``RequestOptions``) into client settings."""
    if options is None:
        return HttpSettings()
    connect = ctx.render_as(options.connect_timeout, timedelta) if options.connect_timeout else None
    headers = ctx.render(options.headers) if options.headers is not None else None
    if headers is not None and not isinstance(headers, Mapping):
        raise TaskFailure("options.headers must be a map of header names to values")
    return HttpSettings(
        connect_timeout=connect.total_seconds() if connect else None,
        read_timeout=ctx.render_as(options.read_timeout, timedelta).total_seconds(),
        charset=str(ctx.render(options.default_charset)),
        headers={str(k): str(v) for k, v in (headers or {}).items()},
        proxy=_proxy(ctx, options.proxy),
    )


def _proxy(ctx: RunContext, proxy: Any) -> str | None:
    """The proxy URL of ``options.proxy``."""
    if proxy is None:
        return None
    kind = str(ctx.render(proxy.type)).upper()
    if kind == "DIRECT":
        return None
    scheme = "socks5" if kind == "SOCKS" else "http"
    user = ""
    if proxy.username is not None:
        name = urllib.parse.quote(str(ctx.render(proxy.username)), safe="")
        secret = str(ctx.render(proxy.password)) if proxy.password is not None else ""
        user = f"{name}:{urllib.parse.quote(secret, safe='')}@"
    port = ctx.render_as(proxy.port, int)
    return f"{scheme}://{user}{ctx.render(proxy.address)}:{port}"


def _pause(response: httpx.Response, attempt: int, now: datetime) -> float:
    """What ``Retry-After`` asks (seconds or an HTTP date), else 1, 2, 4... seconds."""
    asked = response.headers.get("Retry-After", "").strip()
    wait: float | None = None
    if asked:
        try:
            wait = float(asked)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(asked)
            except (TypeError, ValueError):
                when = None
            if when is not None:
                aware = when if when.tzinfo else when.replace(tzinfo=UTC)
                wait = (aware - now).total_seconds()
    if wait is None:
        wait = float(2 ** (attempt - 1))
    return min(max(wait, 0.0), MAX_WAIT)


def _text(response: httpx.Response) -> str:
    """The start of a response body, on one line."""
    text = response.text[:300]
    return " ".join(text.split())


def _hide(exc: Exception, url: str) -> str:
    return str(exc).replace(url, masked(url))
