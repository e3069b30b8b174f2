"""``io.kestra.plugin.core.http.Download``: save an HTTP response to internal storage."""

import os
import tempfile
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from pydantic import Field

from tiercel.plugins.core.http.abstract_http import HttpTaskProperties
from tiercel.sdk import Output, Property, RunContext, RunnableTask, TaskFailure, plugin

_CHUNK = 1024 * 1024


class DownloadOutput(Output):
    """What ``http.Download`` outputs."""

    code: int = Field(description="The HTTP status code of the response.")
    uri: str = Field(description="The `kestra://` URI of the downloaded body.")
    headers: dict[str, list[str]] = Field(
        description="The response's headers, each name with its values."
    )
    length: int = Field(description="The size of the body in bytes.")


@plugin("io.kestra.plugin.core.http.Download", aliases=["io.kestra.plugin.fs.http.Download"])
class Download(HttpTaskProperties, RunnableTask[DownloadOutput]):
    """Download a file over HTTP into the execution's internal storage."""

    fail_on_empty_response: Property[bool] = Field(
        default=True, description="Fail when the server sends an empty body."
    )

    def run(self, ctx: RunContext) -> DownloadOutput:
        """``uri``: the stored body; ``code``, ``length`` (bytes) and ``headers``.

        The file keeps the extension of the URL's last segment, and takes the name the
        server gives in ``Content-Disposition`` when there is one.
        """
        # httpx, and the command-line helpers it loads, cost tens of milliseconds: load them
        # when an HTTP task runs, not whenever the plugin catalogue is read.
        from tiercel.plugins.core.http.client import exchange, record_length, response_headers

        with exchange(self, ctx) as sent:
            path = _new_file(ctx, _extension(sent.uri))
            size = 0
            with path.open("wb") as out:
                for chunk in sent.response.iter_bytes(_CHUNK):
                    out.write(chunk)
                    size += len(chunk)
            response = sent.response
            expected = response.headers.get("Content-Length")
            # httpx inflates a compressed body: its length is no longer the header's.
            compressed = "Content-Encoding" in response.headers
            if expected is not None and not compressed and int(expected) != size:
                raise TaskFailure(f"Invalid size, got {size}, expected {expected}")
            record_length(ctx, sent.request, response, size)
            if size == 0:
                if ctx.render_as(self.fail_on_empty_response, bool):
                    if not sent.allow_failed:
                        raise TaskFailure("No response from server")
                else:
                    ctx.logger.warn(f"File '{sent.uri}' is empty")
            disposition = response.headers.get("Content-Disposition")
            filename = _filename(disposition) if disposition else None
            ctx.logger.debug(f"File '{sent.uri}' downloaded with size '{size}'")
            with path.open("rb") as data:
                uri = ctx.files.put(filename or path.name, data)
            return DownloadOutput(
                code=response.status_code,
                uri=uri,
                headers=response_headers(response),
                length=size,
            )


def _new_file(ctx: RunContext, suffix: str | None) -> Path:
    handle, name = tempfile.mkstemp(dir=ctx.working_dir(), suffix=suffix or ".tmp")
    os.close(handle)
    return Path(name)


def _extension(uri: str) -> str | None:
    """The extension of the URL's last path segment, as Kestra names the downloaded file."""
    name = PurePosixPath(unquote(urlsplit(uri).path)).name
    return name[name.rindex(".") :] if "." in name else None


def _filename(disposition: str) -> str | None:
    """The file name of a ``Content-Disposition`` header, read as Kestra reads it.

    ``filename*=UTF-8''name`` wins over ``filename=name``; quotes are dropped, and so is any
    folder part, so that a server cannot choose where the file goes.
    """
    filename = None
    for part in disposition.split(";"):
        stripped = part.strip()
        if stripped.startswith("filename*"):
            encoded = stripped[stripped.rfind("'") + 1 :]
            filename = unquote(encoded.strip('"'))
        elif stripped.startswith("filename") and filename is None:
            filename = stripped[stripped.rfind("=") + 1 :].strip('"')
    if not filename:
        return None
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return name if name not in ("", ".", "..") else None
