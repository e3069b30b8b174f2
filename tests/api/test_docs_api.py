"""``/api/docs``: Swagger UI works offline, every asset served by Tiercel itself."""

import re

from tests.api.conftest import LiveServer


def test_the_docs_page_loads_only_local_assets(live: LiveServer) -> None:
    page = live.client.get("/api/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    scripts = [a for a in assets if a.endswith(".js")]
    styles = [a for a in assets if a.endswith(".css")]
    assert scripts and styles, page.text
    for asset in assets:
        assert asset.startswith("/"), f"{asset} is not served here"
        assert not asset.startswith("//"), f"{asset} is not served here"
        loaded = live.client.get(asset)
        assert loaded.status_code == 200, asset
        assert len(loaded.content) > 1000, asset
    bundle = live.client.get(scripts[0]).text
    # The OpenAPI document is 3.1: Swagger UI reads 3.1 from version 5 on.
    version = live.client.get("/api/v1/openapi.json").json()["openapi"]
    assert version.startswith("3.1")
    assert re.search(r'"5\.\d+\.\d+"', bundle), "Swagger UI 5 or later is needed for OpenAPI 3.1"
    assert "/api/v1/openapi.json" in page.text
