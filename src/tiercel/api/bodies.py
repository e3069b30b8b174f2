"""JSON request bodies that FastAPI parses for a route's body model, read within the limits of
``tiercel.model.json_text`` (depth, integer size, finite numbers, no lone surrogates).

FastAPI reads such a body with ``json.loads``: a label value holding a lone surrogate passes
the model (it is a ``str``) and then fails in the first UTF-8 encoder, the executor's among
them. Routers whose routes take a body model are built with ``route_class=StrictJsonRoute``.
"""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.routing import APIRoute

from tiercel.model import json_text


class _StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            try:
                self._json = json_text.loads(await self.body())
            except json_text.JsonTextError as exc:
                # FastAPI passes an HTTPException raised here on as it is.
                raise HTTPException(422, f"The body is refused: {exc}") from None
        return self._json


class StrictJsonRoute(APIRoute):
    """A route whose JSON body is read by ``json_text``: a refused body is a 422 saying why."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(_StrictJsonRequest(request.scope, request.receive))

        return strict
