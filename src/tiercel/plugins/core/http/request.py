"""``io.kestra.plugin.core.http.Request``: call an HTTP endpoint and keep the response."""

import unicodedata
from typing import Any

from pydantic import Field

from tiercel.plugins.core.http.abstract_http import HttpTaskProperties
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, plugin

ENCRYPTED_TYPE = "io.kestra.datatype:aes_encrypted"
"""The type Kestra gives an encrypted output."""

_NO_BODY_CODES = (204, 304)


@plugin("io.kestra.plugin.core.http.Request", aliases=["io.kestra.plugin.fs.http.Request"])
class Request(HttpTaskProperties, RunnableTask):
    """Send an HTTP request; its status, headers and body become the task's outputs."""

    encrypt_body: Property[bool] = Field(
        default=False, description="Output the body as `encryptedBody` instead of `body`."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri``, ``code``, ``headers`` (each name with its list of values) and ``body``.

        The body is the response decoded as UTF-8, as text: Kestra does not parse JSON here
        (``fromJson`` or ``jq`` do it downstream). No body (a HEAD, a 204) leaves it out.
        """
        # httpx, and the command-line helpers it loads, cost tens of milliseconds: load them
        # when an HTTP task runs, not whenever the plugin catalogue is read.
        from tiercel.plugins.core.http.client import exchange, record_length, response_headers

        with exchange(self, ctx) as sent:
            content = sent.response.read()
            record_length(ctx, sent.request, sent.response, len(content))
            body = None
            if content or not _bodiless(sent.request.method, sent.response.status_code):
                body = content.decode("utf-8", errors="replace")
                _check_defined(body)
            outputs: dict[str, Any] = {
                "uri": sent.uri,
                "code": sent.response.status_code,
                "headers": response_headers(sent.response),
            }
        if ctx.render_as(self.encrypt_body, bool):
            # Kestra keeps the text as it is when no encryption key is configured, and the
            # sdk has no encryption service.
            ctx.logger.warn("Unable to encrypt the output as encryption is not configured")
            if body is not None:
                outputs["encryptedBody"] = {"type": ENCRYPTED_TYPE, "value": body}
        elif body is not None:
            outputs["body"] = body
        return outputs


def _bodiless(method: str, code: int) -> bool:
    return method == "HEAD" or code in _NO_BODY_CODES or 100 <= code < 200


def _check_defined(body: str) -> None:
    """Kestra refuses a body holding a code point Unicode does not define."""
    for char in body:
        if unicodedata.category(char) == "Cn":
            raise TaskFailure(
                f"Illegal unicode code point in request body: {ord(char)}, the Request task "
                "only support valid Unicode strings as body.\nYou can try using the Download "
                "task instead."
            )
