"""Namespaces, their files and KV store, and the Logs page, in the UI."""

import re

import httpx

from tests.ui.conftest import UiServer, shot
from tests.ui.test_flows import _page


def test_namespaces_list_and_tabs(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    page.goto(ui_server.ui("namespaces"))
    expect(page.get_by_role("link", name="ui.tests.forms")).to_be_visible()
    shot(page, "namespaces")
    page.get_by_label("Search namespaces").fill("forms")
    expect(page.get_by_role("link", name="ui.tests", exact=True)).to_have_count(0)
    page.get_by_role("link", name="ui.tests.forms").click()
    expect(page.locator("main h1")).to_have_text("ui.tests.forms")
    expect(page.get_by_role("link", name="all_inputs")).to_be_visible()
    shot(page, "namespace-flows")
    tabs = page.get_by_role("navigation", name="Namespace tabs")
    tabs.get_by_role("link", name="Executions").click()
    expect(page).to_have_url(ui_server.ui("namespaces/ui.tests.forms/executions"))
    expect(page.get_by_role("link", name="See all in Executions")).to_be_visible()


def test_namespace_files_browse_and_download(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    content = b"line one\nline two\n"
    answer = httpx.post(
        f"{ui_server.api}/namespaces/ui.tests/files",
        params={"path": "/docs/readme.txt"},
        files={"fileContent": ("readme.txt", content, "text/plain")},
    )
    assert answer.status_code == 200, answer.text
    page.goto(ui_server.ui("namespaces/ui.tests/files"))
    tree = page.get_by_role("tree")
    tree.get_by_role("button", name="docs", exact=True).click()
    tree.get_by_role("button", name="readme.txt", exact=True).click()
    expect(page.get_by_label("Content of docs/readme.txt")).to_contain_text("line two")
    expect(page.get_by_text("18 B")).to_be_visible()
    shot(page, "namespace-files")
    row = tree.locator('[data-path="docs/readme.txt"]')
    row.hover()
    with page.expect_download() as info:
        row.get_by_role("button", name="Download docs/readme.txt").click()
    download = info.value
    assert download.suggested_filename == "readme.txt"
    with open(download.path(), "rb") as saved:
        assert saved.read() == content
    # Upload from the page, into the folder of the open file.
    page.get_by_label("Upload files").set_input_files(
        {"name": "extra.csv", "mimeType": "text/csv", "buffer": b"a,b\n1,2\n"}
    )
    extra = tree.locator('[data-path="docs/extra.csv"]')
    expect(extra).to_be_visible()
    stored = httpx.get(
        f"{ui_server.api}/namespaces/ui.tests/files", params={"path": "/docs/extra.csv"}
    )
    assert stored.content == b"a,b\n1,2\n"
    extra.hover()
    page.once("dialog", lambda dialog: dialog.accept())
    extra.get_by_role("button", name="Delete docs/extra.csv").click()
    expect(extra).to_have_count(0)


def test_kv_set_show_and_delete(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    page.goto(ui_server.ui("kv?namespace=ui.tests"))
    expect(page.get_by_text("has no KV pair yet")).to_be_visible()
    page.get_by_role("button", name="New key").click()
    dialog = page.get_by_role("dialog", name="New KV pair")
    dialog.get_by_label("Key").fill("answer")
    dialog.get_by_label("Type").select_option("STRING")
    dialog.get_by_label("Value").fill("42")
    dialog.get_by_label("Description").fill("The answer, as text")
    dialog.get_by_role("button", name="Save").click()
    row = page.locator('tr[data-key="answer"]')
    expect(row).to_contain_text("The answer, as text")
    stored = httpx.get(f"{ui_server.api}/namespaces/ui.tests/kv/answer").json()
    assert stored == {"type": "STRING", "value": "42"}
    row.get_by_role("button", name="Show value").click()
    expect(page.get_by_label("Value of answer")).to_have_text("42")
    shot(page, "kv")
    # A typed value: JSON stays JSON.
    page.get_by_role("button", name="New key").click()
    dialog = page.get_by_role("dialog", name="New KV pair")
    dialog.get_by_label("Key").fill("settings")
    dialog.get_by_label("Type").select_option("JSON")
    dialog.get_by_label("Value").fill('{"retries": 3}')
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator('tr[data-key="settings"]')).to_be_visible()
    stored = httpx.get(f"{ui_server.api}/namespaces/ui.tests/kv/settings").json()
    assert stored == {"type": "JSON", "value": {"retries": 3}}
    # A bad value and a bad expiry are refused in the dialog, each under its field.
    page.get_by_role("button", name="New key").click()
    dialog = page.get_by_role("dialog", name="New KV pair")
    dialog.get_by_label("Key").fill("bad")
    dialog.get_by_label("Type").select_option("DURATION")
    dialog.get_by_label("Value").fill("soon")
    dialog.get_by_label("Expires after").select_option("custom")
    dialog.get_by_label("Custom expiry").fill("never")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert").first).to_contain_text("not an ISO-8601 duration")
    assert httpx.get(f"{ui_server.api}/namespaces/ui.tests/kv/bad").status_code == 404
    dialog.get_by_role("button", name="Cancel").click()
    page.once("dialog", lambda d: d.accept())
    row.get_by_role("button", name="Delete answer").click()
    expect(row).to_have_count(0)
    assert httpx.get(f"{ui_server.api}/namespaces/ui.tests/kv/answer").status_code == 404
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    shot(page, "kv-dark")


def test_namespace_kv_tab(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    answer = httpx.put(f"{ui_server.api}/namespaces/ui.tests.forms/kv/colour", content=b'"teal"')
    assert answer.status_code == 200, answer.text
    page.goto(ui_server.ui("namespaces/ui.tests.forms/kv"))
    expect(page.locator('tr[data-key="colour"]')).to_be_visible()
    shot(page, "namespace-kv")


def test_logs_filters_are_kept_in_the_url(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    answer = httpx.post(f"{ui_server.api}/executions/ui.tests/hello", params={"wait": "true"})
    assert answer.status_code == 200, answer.text
    page.goto(ui_server.ui("logs"))
    page.get_by_label("Flow id").fill("hello")
    page.get_by_label("Minimum level").select_option("INFO")
    expect(page).to_have_url(re.compile(r"flowId=hello.*minLevel=INFO|minLevel=INFO.*flowId=hello"))
    lines = page.get_by_role("list", name="Log lines")
    expect(lines.get_by_text("Hello world").first).to_be_visible()
    page.get_by_label("Minimum level").select_option("ERROR")
    expect(page.get_by_text("No log line found")).to_be_visible()
    shot(page, "logs-empty")
