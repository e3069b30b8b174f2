"""The request properties shared by ``http.Request``, ``http.Download`` and ``http.Trigger``."""

from typing import Any

from pydantic import Field

from tiercel.plugins.core.http.options import HttpOptions, SslOptions
from tiercel.sdk import KestraModel, Property, Text


class HttpRequestProperties(KestraModel):
    """What to send: URI, method, body or form data, headers, and client options."""

    uri: Text = Field(description="The full URI, e.g. `https://example.com/api`.")
    method: Text = Field(default="GET", description="GET, POST, PUT, PATCH, DELETE, ...")
    body: Text | None = None
    form_data: Property[dict[str, Any]] | None = Field(
        default=None,
        description="Sent URL-encoded, or as parts when `contentType` is `multipart/form-data`.",
    )
    content_type: Text = "application/json"
    headers: Property[dict[str, Text]] | None = None
    ssl_options: SslOptions | None = Field(
        default=None, description="Deprecated: use `options.ssl`."
    )


class HttpTaskProperties(HttpRequestProperties):
    """The properties of the ``http`` tasks (the trigger's options default to none)."""

    options: HttpOptions = Field(default_factory=HttpOptions)
    allow_failed: Property[bool] | None = Field(
        default=None, description="Deprecated: use `options.allowFailed`."
    )
