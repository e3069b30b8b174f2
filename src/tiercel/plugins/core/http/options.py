"""The HTTP client options shared by the ``http`` tasks and trigger (not plugins).

Kestra 1.x nests them (``timeout``, ``proxy``, ``auth``, ``ssl``); the flat 0.21 keys
(``readTimeout``, ``proxyAddress``, ``basicAuthUser``, ...) are still accepted, as Kestra does.
"""

from datetime import timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from tiercel.sdk import Duration, KestraModel, Property, Text


class SslOptions(KestraModel):
    """TLS settings."""

    insecure_trust_all_certificates: Property[bool] | None = Field(
        default=None, description="Skip the check of the server certificate (tests only)."
    )


class TimeoutConfiguration(KestraModel):
    """Connection and read timeouts."""

    connect_timeout: Property[Duration] | None = None
    read_idle_timeout: Property[Duration] = timedelta(minutes=5)


class ProxyType(StrEnum):
    """Java's ``Proxy.Type``."""

    DIRECT = "DIRECT"
    HTTP = "HTTP"
    SOCKS = "SOCKS"


class ProxyConfiguration(KestraModel):
    """An HTTP or SOCKS proxy to go through."""

    type: Property[ProxyType] = ProxyType.DIRECT
    address: Text | None = None
    port: Property[int] | None = None
    username: Text | None = None
    password: Text | None = None


class BasicAuth(KestraModel):
    """HTTP basic authentication."""

    type: Literal["BASIC"]
    username: Text | None = None
    password: Text | None = None


class BearerAuth(KestraModel):
    """A bearer token in the ``Authorization`` header."""

    type: Literal["BEARER"]
    token: Text | None = None


class DigestAuth(KestraModel):
    """HTTP digest authentication."""

    type: Literal["DIGEST"]
    username: Text | None = None
    password: Text | None = None


Auth = Annotated[BasicAuth | BearerAuth | DigestAuth, Field(discriminator="type")]


class LoggingType(StrEnum):
    """Parts of the exchange the client logs."""

    REQUEST_HEADERS = "REQUEST_HEADERS"
    REQUEST_BODY = "REQUEST_BODY"
    RESPONSE_HEADERS = "RESPONSE_HEADERS"
    RESPONSE_BODY = "RESPONSE_BODY"


class HttpLogLevel(StrEnum):
    """Micronaut's ``LogLevel``, used by the deprecated ``logLevel`` option."""

    ALL = "ALL"
    TRACE = "TRACE"
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARN = "WARN"
    ERROR = "ERROR"
    OFF = "OFF"
    NOT_SPECIFIED = "NOT_SPECIFIED"


class HttpOptions(KestraModel):
    """How the HTTP client connects, authenticates and logs."""

    timeout: TimeoutConfiguration | None = None
    proxy: ProxyConfiguration | None = None
    auth: Auth | None = None
    ssl: SslOptions | None = None
    follow_redirects: Property[bool] = True
    allow_failed: Property[bool] = Field(
        default=False, description="Do not fail on a response code of 400 or more."
    )
    default_charset: Text = "UTF-8"
    logs: list[LoggingType] | None = None

    # Kestra 0.21 keys, deprecated since.
    connect_timeout: Duration | None = None
    read_timeout: Duration | None = None
    read_idle_timeout: Duration | None = None
    connection_pool_idle_timeout: Duration | None = None
    max_content_length: int | None = None
    proxy_type: ProxyType | None = None
    proxy_address: str | None = None
    proxy_port: int | None = None
    proxy_username: str | None = None
    proxy_password: str | None = None
    basic_auth_user: str | None = None
    basic_auth_password: str | None = None
    log_level: HttpLogLevel | None = None
