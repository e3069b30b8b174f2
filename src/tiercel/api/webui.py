"""The web UI: the single-page application built from ``ui/`` and shipped in the package.

``/ui/assets/*`` are content-hashed files, cached for good and gzipped on the fly; every other
path under ``/ui/`` answers ``index.html`` so that the application's own router resolves deep
links (``/ui/executions/{namespace}/{flowId}/{id}``). ``/`` redirects to ``/ui/``.
"""

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.middleware.gzip import GZipMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

UI_PATH = "/ui"

_IMMUTABLE = "public, max-age=31536000, immutable"


def dist_dir() -> Path:
    """Where the built UI lies inside the installed package."""
    return Path(str(files("tiercel"))) / "webui" / "dist"


class _Assets(StaticFiles):
    """Static files whose names carry their content hash: a browser keeps them forever."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = _IMMUTABLE
        return response


def install(app: FastAPI) -> None:
    """Serves the UI under ``/ui/`` and redirects ``/`` there."""
    root = dist_dir()
    index = root / "index.html"

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse(UI_PATH + "/")

    @app.get(UI_PATH, include_in_schema=False)
    def ui_bare() -> RedirectResponse:
        return RedirectResponse(UI_PATH + "/")

    if (root / "assets").is_dir():
        assets = GZipMiddleware(_Assets(directory=root / "assets"), minimum_size=1024)
        app.mount(UI_PATH + "/assets", assets, name="ui-assets")

    @app.get(UI_PATH + "/{path:path}", include_in_schema=False)
    def page(path: str) -> Response:
        if not index.is_file():
            return JSONResponse(
                {"message": "The web UI is not built: run `npm ci && npm run build` in ui/"},
                status_code=404,
            )
        # A file at the root of the build (favicon.svg) is served as it is; anything else is a
        # route of the application. The name is looked up among the build's own files, so no
        # path from the request ever reaches the file system.
        shipped = {p.name: p for p in root.iterdir() if p.is_file()}
        if path in shipped and path != "index.html":
            return FileResponse(shipped[path])
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
