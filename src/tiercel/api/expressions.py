"""``GET /expressions``: the functions, filters and tests the expression engine knows, with
their signatures, for the editor's completion inside ``{{ }}``.

The list is read from the engine's own tables, so it never drifts from what renders. Functions
that need the outside world (``secret``, ``kv``, ``read``...) are implemented by the server, not
by the engine: their parameters are written here as Kestra documents them.
"""

import inspect
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from tiercel.api.context import ApiContext
from tiercel.expr.environment import SERVICE_FUNCTIONS
from tiercel.expr.expressions import FILTERS
from tiercel.expr.functions import FUNCTIONS, TESTS

router = APIRouter(tags=["expressions"])

_SERVICE_PARAMETERS: dict[str, str] = {
    "secret": "key",
    "kv": "key, namespace=null, errorOnMissing=true",
    "read": "path",
    "fileURI": "path",
    "fileSize": "path",
    "fileExists": "path",
    "isFileEmpty": "path",
    "fileEmpty": "path",
    "errorLogs": "",
    "encrypt": "key, plaintext",
    "decrypt": "key, encrypted",
    "randomInt": "lower, upper",
    "randomPort": "",
    "uuid": "",
    "id": "",
    "nanoId": "length=21, alphabet=null",
    "ksuid": "",
    "http": "uri, method='GET', body=null, contentType=null, headers=null",
    "subflow": "",
    "env": "",
    "tasksWithState": "state",
    "isPublicHoliday": "date, countryCode, subDivision=null",
    "fake": "expression",
}


class Entry(BaseModel):
    """One function, filter or test: its name, how it is called and what it does."""

    name: str
    signature: str
    description: str = ""


class ExpressionCatalog(BaseModel):
    """Everything an expression may call."""

    functions: list[Entry]
    filters: list[Entry]
    tests: list[Entry]


def _parameters(implementation: Callable[..., Any], skip: int) -> str:
    """The parameters after the first ``skip`` (the runtime, a filter's or test's subject)."""
    parts = []
    for parameter in list(inspect.signature(implementation).parameters.values())[skip:]:
        if parameter.kind is parameter.VAR_POSITIONAL:
            parts.append(f"{parameter.name}...")
        elif parameter.kind is parameter.VAR_KEYWORD:
            continue
        elif parameter.default is inspect.Parameter.empty:
            parts.append(parameter.name)
        else:
            default = "null" if parameter.default is None else repr(parameter.default)
            parts.append(f"{parameter.name}={default}")
    return ", ".join(parts)


def _summary(implementation: Callable[..., Any]) -> str:
    doc = inspect.getdoc(implementation) or ""
    return doc.split("\n\n")[0].replace("\n", " ").replace("``", "`")


def _entries(
    table: dict[str, Callable[..., Any]], skip: int, show: Callable[[str, str], str]
) -> list[Entry]:
    return [
        Entry(name=name, signature=show(name, _parameters(f, skip)), description=_summary(f))
        for name, f in sorted(table.items())
    ]


def _services(names: Iterable[str]) -> list[Entry]:
    return [
        Entry(
            name=name,
            signature=f"{name}({_SERVICE_PARAMETERS.get(name, '...')})",
            description="Provided by the server",
        )
        for name in names
    ]


@router.get("/expressions", response_model=ExpressionCatalog)
def expression_catalog(request: Request) -> JSONResponse:
    """The expression functions, filters and tests, each with its signature."""
    ctx: ApiContext = request.app.state.ctx
    functions = _entries(FUNCTIONS, 1, lambda name, params: f"{name}({params})")
    known = {entry.name for entry in functions}
    services = sorted((set(SERVICE_FUNCTIONS) | set(ctx.functions)) - known)
    catalog = ExpressionCatalog(
        functions=sorted([*functions, *_services(services)], key=lambda e: e.name),
        filters=_entries(FILTERS, 2, lambda name, params: f"{name}({params})" if params else name),
        tests=_entries(TESTS, 2, lambda name, params: f"is {name}"),
    )
    return JSONResponse(catalog.model_dump(), headers={"Cache-Control": "public, max-age=3600"})
