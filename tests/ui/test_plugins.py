"""Plugins in the UI: every type grouped by family, and a type's documentation."""

from tests.ui.conftest import UiServer, shot
from tests.ui.test_flows import _page


def test_plugins_by_family_and_documentation(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    page.goto(ui_server.ui("plugins"))
    core = page.get_by_role("region", name="Core")
    # The first listing imports every plugin family: slow on a cold, busy machine.
    expect(core.get_by_role("link", name="Log", exact=True)).to_be_visible(timeout=60_000)
    shot(page, "plugins")
    page.get_by_label("Search plugins").fill("schedule")
    expect(core.get_by_role("link", name="Schedule", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Log", exact=True)).to_have_count(0)
    page.get_by_label("Search plugins").fill("log.Log")
    page.get_by_role("link", name="Log", exact=True).click()
    expect(page).to_have_url(ui_server.ui("plugins/io.kestra.plugin.core.log.Log"))
    expect(page.locator("main h1")).to_have_text("Log")
    message = page.locator('tr[data-property="message"]')
    expect(message).to_contain_text("required", timeout=60_000)  # the schema is built cold
    level = page.locator('tr[data-property="level"]')
    expect(level).to_contain_text("INFO")
    expect(page.locator("#def-LogLevel")).to_contain_text("WARN")
    shot(page, "plugin-doc")
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    shot(page, "plugin-doc-dark")


def test_unknown_plugin_type(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    page.goto(ui_server.ui("plugins/io.kestra.plugin.core.log.Nope"))
    expect(page.get_by_text("Unknown plugin type", exact=True)).to_be_visible()
