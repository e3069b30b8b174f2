"""The dashboard: executions by state over time, counts, running now, recent failures with
their error line, refreshed live."""

from tests.ui.conftest import UiServer, shot
from tests.ui.executions_api import execute


def test_dashboard_shows_failures_and_running_executions(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    failed = execute(ui_server, "failing", wait=True)
    assert failed["state"]["current"] == "FAILED"
    page.goto(ui_server.ui("dashboard"))
    expect(page.get_by_role("img", name="Executions over time by state")).to_be_visible()
    failures = page.locator("section", has=page.get_by_role("heading", name="Recent failures"))
    expect(failures.get_by_text("Quota exceeded for bucket reports-2026").first).to_be_visible()
    tiles = page.get_by_role("region", name="Executions by state")
    expect(tiles.get_by_role("link", name="FAILED")).to_be_visible()

    # A new execution shows under "Running now" without reloading the page.
    running = execute(ui_server, "slow", {"steps": "30"})
    now = page.locator("section", has=page.get_by_role("heading", name="Running now"))
    expect(now.get_by_text(running["id"][:8])).to_be_visible(timeout=30_000)
    shot(page, "dashboard")
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    shot(page, "dashboard-dark")
    tiles.get_by_role("link", name="FAILED").click()
    expect(page).to_have_url(ui_server.ui("executions?state=FAILED"))
