"""How the API is served over HTTP: uvicorn with a protocol whose own refusals are JSON.

uvicorn answers a request it cannot parse (a bad ``Content-Length``, a control character in a
header, a malformed request line) itself, before any application code runs, with a plain-text
``400 Invalid HTTP request received.``. Every error of the API is a JSON object with a
``message``, so clients parse one shape: the protocol here answers those requests the same
way, naming what h11 found wrong.

The protocol is h11's in every setup (uvicorn would pick httptools when it is installed), so
that what a client sees does not depend on which optional packages are present.
"""

import json
import sys
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol


class JsonErrorsH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, whose answer to an unparsable request is a JSON body."""

    def send_400_response(self, msg: str) -> None:
        """Answer 400 with ``{"message": ...}`` and close, as uvicorn does in plain text.

        Args:
            msg: uvicorn's generic message; the parser's own reason is added when known.
        """
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            # The request's head was good and the application is answering it when its body
            # breaks (a bad chunk): its answer can no longer go out, and must not try to (h11
            # would raise in the application). It is told the client has gone.
            cycle.disconnected = True
            cycle.message_event.set()
            if cycle.response_started:
                self.transport.close()
                return
        # uvicorn calls this from the ``except`` block that caught the parser's error.
        error = sys.exception()
        reason = str(error) if isinstance(error, h11.RemoteProtocolError) else ""
        # h11 quotes the offending line ("illegal header line: bytearray(b'...')"): the
        # reason alone is enough, and the line may hold a credential.
        reason = reason.split(": bytearray(", 1)[0]
        message = f"Invalid HTTP request: {reason}" if reason else msg
        body = json.dumps({"message": message}).encode("utf-8")
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode("ascii")),
            (b"connection", b"close"),
        ]
        events: list[Any] = [
            h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
            h11.Data(data=body),
            h11.EndOfMessage(),
        ]
        for event in events:
            self.transport.write(self.conn.send(event))
        self.transport.close()


def uvicorn_config(app: Any, host: str, port: int, **options: Any) -> uvicorn.Config:
    """uvicorn's configuration to serve ``app``, with the JSON-answering protocol.

    Args:
        app: The ASGI application.
        host: The interface to listen on.
        port: The port.
        **options: Further ``uvicorn.Config`` options (``log_level``, ``lifespan``...).
    """
    return uvicorn.Config(app, host=host, port=port, http=JsonErrorsH11Protocol, **options)
