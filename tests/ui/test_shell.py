"""The shell: `/` leads to the UI, every page of the navigation opens, themes, login."""

import httpx
import pytest

from tests.ui.conftest import FLOWS, UiServer, shot, start_server, stop_server

NAV = ["Dashboard", "Flows", "Executions", "Logs", "Namespaces", "KV Store", "Triggers", "Plugins"]


def test_root_redirects_to_the_ui(ui_server: UiServer) -> None:
    answer = httpx.get(ui_server.url + "/", follow_redirects=False)
    assert answer.status_code in (302, 307)
    assert answer.headers["location"] == "/ui/"
    page = httpx.get(ui_server.ui("executions/ns/flow/some-id"))
    assert page.status_code == 200
    assert '<div id="app">' in page.text


def test_assets_are_cached_and_compressed(ui_server: UiServer) -> None:
    index = httpx.get(ui_server.ui()).text
    script = index.split('src="', 1)[1].split('"', 1)[0]
    answer = httpx.get(ui_server.url + script, headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200
    assert answer.headers["content-encoding"] == "gzip"
    assert "immutable" in answer.headers["cache-control"]
    missing = httpx.get(ui_server.url + "/ui/assets/../../../etc/passwd")
    assert missing.status_code == 404


def test_every_page_of_the_navigation_opens(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(ui_server.url + "/")
    expect(page).to_have_url(ui_server.ui("dashboard"))
    nav = page.get_by_role("navigation", name="Main")
    for label in NAV:
        nav.get_by_role("link", name=label).click()
        expect(page.locator("main h1")).to_be_visible()
        shot(page, f"shell-{label.lower().replace(' ', '-')}")


def test_dark_theme_is_kept(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(ui_server.ui("dashboard"))
    before = page.evaluate("document.documentElement.dataset.theme")
    page.get_by_role("button", name="Dark" if before == "light" else "Light").click()
    after = page.evaluate("document.documentElement.dataset.theme")
    assert after != before
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", after)
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    shot(page, "shell-dark")


def test_unknown_page_says_so(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(ui_server.ui("no/such/page"))
    expect(page.get_by_text("Page not found")).to_be_visible()


@pytest.fixture(scope="module")
def guarded_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("ui-auth")
    config = tmp / "tiercel.yaml"
    config.write_text("tiercel:\n  auth:\n    users: {admin: s3cret-pass}\n")
    process, server = start_server(tmp, FLOWS, ["--config", str(config)])
    try:
        yield server
    finally:
        stop_server(process)


def test_login_form_when_the_server_asks_for_credentials(
    guarded_server: UiServer, page: object
) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(guarded_server.ui("flows"))
    form = page.locator("form")
    expect(form.get_by_text("This server asks for credentials")).to_be_visible()
    shot(page, "login")
    page.get_by_label("User").fill("admin")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong user name or password")
    page.get_by_label("Password").fill("s3cret-pass")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
