"""What a route receives in its body, read on the event loop so that the route need not be.

Blocking work (YAML parsing, database reads and writes, file I/O) never runs on the event loop.
A route that does it is a plain ``def``, which FastAPI runs in its thread pool; it takes its
body through these async dependencies, which only read the request. The few ``async def``
routes left stream or wait, and hand every blocking call to ``asyncio.to_thread``.
"""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import UploadFile

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
"""The content types read as a form."""


async def raw_body(request: Request) -> bytes:
    """The whole request body (within the server's size limit)."""
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]
"""A route parameter holding the raw request body."""


@dataclass(frozen=True, slots=True)
class Received:
    """A body that may be a form.

    Attributes:
        content_type: The ``Content-Type`` header as sent; None when absent.
        body: The raw body; empty for a form.
        fields: The form's fields in order, files as ``UploadFile`` (spooled by Starlette,
            open until the response is sent); None when the body is no form.
    """

    content_type: str | None
    body: bytes
    fields: Sequence[tuple[str, str | UploadFile]] | None

    @property
    def kind(self) -> str:
        """The media type, lower case, without parameters; empty when none was sent."""
        return (self.content_type or "").split(";")[0].strip().lower()


async def received(request: Request) -> AsyncIterator[Received]:
    """The body as a form for the form content types, else as bytes."""
    given = request.headers.get("content-type")
    if (given or "").split(";")[0].strip().lower() in FORM_TYPES:
        async with request.form() as form:
            yield Received(given, b"", form.multi_items())
        return
    yield Received(given, await request.body(), None)


ReceivedBody = Annotated[Received, Depends(received)]
"""A route parameter holding the body, a form or not."""
