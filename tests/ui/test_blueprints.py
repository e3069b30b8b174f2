"""Blueprints: the gallery of example flows, its search and tags, and one click on Use creating
the flow and opening it (a second use of the same blueprint gets a free id)."""

import httpx

from tests.ui.conftest import UiServer, shot
from tests.ui.test_flows import _page


def test_search_filter_and_use_a_blueprint(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    page.goto(ui_server.ui("blueprints"))
    cards = page.locator("article.blueprint")
    expect(cards.first).to_be_visible()
    count = cards.count()
    assert count >= 8
    shot(page, "blueprints")

    page.get_by_label("Search blueprints").fill("pandas")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Clean a CSV with an inline Python script")
    page.get_by_label("Search blueprints").fill("")
    expect(cards).to_have_count(count)
    page.get_by_role("group", name="Tags").get_by_role("button", name="KV Store").click()
    expect(cards).to_have_count(1)
    card = page.get_by_role("article", name="Keep state between runs in the KV store")
    expect(card).to_contain_text("Set")
    card.get_by_role("button", name="Source of Keep state between runs in the KV store").click()
    dialog = page.get_by_role("dialog", name="Keep state between runs in the KV store")
    expect(dialog.get_by_label("Flow source")).to_contain_text("io.kestra.plugin.core.kv.Set")
    shot(page, "blueprint-source")
    dialog.get_by_role("button", name="Close").last.click()

    # Use: the flow is created and opened in the editor.
    card.get_by_role("button", name="Use Keep state between runs in the KV store").click()
    expect(page).to_have_url(ui_server.ui("flows/edit/tiercel.examples/kv_counter"))
    expect(page.locator(".cm-content")).to_contain_text("kvType: NUMBER")
    shot(page, "blueprint-used")
    flow = httpx.get(f"{ui_server.api}/flows/tiercel.examples/kv_counter").json()
    assert flow["revision"] == 1

    # The same blueprint again: its id is taken, the next free one is used.
    page.goto(ui_server.ui("blueprints?tags=KV%20Store"))
    page.get_by_role("button", name="Use Keep state between runs in the KV store").click()
    expect(page).to_have_url(ui_server.ui("flows/edit/tiercel.examples/kv_counter_2"))
    run = httpx.post(
        f"{ui_server.api}/executions/tiercel.examples/kv_counter_2", params={"wait": "true"}
    ).json()
    assert run["state"]["current"] == "SUCCESS"

    page.goto(ui_server.ui("blueprints?q=no%20such%20blueprint"))
    expect(page.get_by_text("No blueprint matches")).to_be_visible()
    page.get_by_role("button", name="Clear the filters").click()
    expect(cards).to_have_count(count)
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    shot(page, "blueprints-dark")
