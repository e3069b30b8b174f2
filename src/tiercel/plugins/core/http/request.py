"""``io.kestra.plugin.core.http.Request``: call an HTTP endpoint and keep the response."""

import unicodedata

from pydantic import Field

from tiercel.plugins.core.http.abstract_http import HttpTaskProperties
from tiercel.sdk import (
    Example,
    Output,
    Property,
    RunContext,
    RunnableTask,
    TaskFailure,
    plugin,
)

ENCRYPTED_TYPE = "io.kestra.datatype:aes_encrypted"
"""The type Kestra gives an encrypted output."""

_NO_BODY_CODES = (204, 304)


class EncryptedBody(Output):
    """A body kept out of clear text, as Kestra's ``EncryptedString``."""

    type: str = Field(description=f"Always `{ENCRYPTED_TYPE}`.")
    value: str = Field(description="The body (kept as text: no encryption key is configured).")


class RequestOutput(Output):
    """What ``http.Request`` outputs."""

    uri: str = Field(description="The URI called.")
    code: int = Field(description="The response's status code.")
    headers: dict[str, list[str]] = Field(
        description="The response's headers, each name with the list of its values."
    )
    body: str | None = Field(
        default=None, description="The response's body as text; unset when it has none."
    )
    encrypted_body: EncryptedBody | None = Field(
        default=None, description="The body, when `encryptBody` is true (instead of `body`)."
    )


@plugin(
    "io.kestra.plugin.core.http.Request",
    aliases=["io.kestra.plugin.fs.http.Request"],
    examples=[
        Example(
            "Post JSON to an API and log the answer's status",
            """\
id: http_post
namespace: company.team
tasks:
  - id: post
    type: io.kestra.plugin.core.http.Request
    uri: https://httpbin.org/post
    method: POST
    contentType: application/json
    body: |
      {"hello": "world"}
  - id: status
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.post.code }}: {{ outputs.post.body | jq('.json.hello') | first }}"
""",
            needs=("internet",),
        ),
    ],
)
class Request(HttpTaskProperties, RunnableTask[RequestOutput]):
    """Send an HTTP request; its status, headers and body become the task's outputs."""

    encrypt_body: Property[bool] = Field(
        default=False, description="Output the body as `encryptedBody` instead of `body`."
    )

    def run(self, ctx: RunContext) -> RequestOutput:
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
            uri, code = sent.uri, sent.response.status_code
            headers = response_headers(sent.response)
        if not ctx.render_as(self.encrypt_body, bool):
            return RequestOutput(uri=uri, code=code, headers=headers, body=body)
        # Kestra keeps the text as it is when no encryption key is configured, and the sdk
        # has no encryption service.
        ctx.logger.warn("Unable to encrypt the output as encryption is not configured")
        encrypted = None if body is None else EncryptedBody(type=ENCRYPTED_TYPE, value=body)
        return RequestOutput(uri=uri, code=code, headers=headers, encrypted_body=encrypted)


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
