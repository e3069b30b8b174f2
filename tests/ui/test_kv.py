"""The KV editor: typed values (number, boolean, date-time, date, duration, JSON), inline
validation, expiry, edit and delete; what the server stores is checked after each step."""

from datetime import UTC, datetime

import httpx

from tests.ui.conftest import UiServer, shot
from tests.ui.test_flows import _page

NAMESPACE = "ui.tests.kv"


def _stored(ui_server: UiServer, key: str) -> object:
    return httpx.get(f"{ui_server.api}/namespaces/{NAMESPACE}/kv/{key}").json()


def test_set_typed_values_edit_and_delete(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    page.goto(ui_server.ui(f"kv?namespace={NAMESPACE}"))
    expect(page.get_by_text("has no KV pair yet")).to_be_visible()

    def new(key: str, kind: str, value: str | None, ttl: str = "") -> object:
        page.get_by_role("button", name="New key").click()
        dialog = page.get_by_role("dialog", name="New KV pair")
        dialog.get_by_label("Key").fill(key)
        dialog.get_by_label("Type").select_option(kind)
        if value is not None:
            dialog.get_by_label("Value").fill(value)
        if ttl:
            dialog.get_by_label("Expires after").select_option(ttl)
        return dialog

    # Wrong values are named under the field; nothing is sent.
    dialog = new("limit", "NUMBER", "forty-two")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_have_text('"forty-two" is not a number.')
    dialog.get_by_label("Key").fill("bad key!")
    dialog.get_by_label("Key").blur()
    expect(dialog.get_by_role("alert").first).to_contain_text("letters, digits")
    shot(page, "kv-invalid")
    dialog.get_by_label("Key").fill("limit")
    dialog.get_by_label("Value").fill("42.5")
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator('tr[data-key="limit"]')).to_be_visible()
    assert _stored(ui_server, "limit") == {"type": "NUMBER", "value": 42.5}

    dialog = new("enabled", "BOOLEAN", None)
    dialog.get_by_label("Value").select_option("false")
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator('tr[data-key="enabled"]')).to_be_visible()
    assert _stored(ui_server, "enabled") == {"type": "BOOLEAN", "value": False}

    dialog = new("deadline", "DATETIME", "2042-04-02T04:20")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("date-time with its offset")
    dialog.get_by_label("Value").fill("2042-04-02T04:20:42+02:00")
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator('tr[data-key="deadline"]')).to_be_visible()
    deadline = _stored(ui_server, "deadline")
    assert isinstance(deadline, dict) and deadline["type"] == "DATETIME"
    assert datetime.fromisoformat(deadline["value"]) == datetime(2042, 4, 2, 2, 20, 42, tzinfo=UTC)

    dialog = new("launch", "DATE", "2042-04-02")
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator('tr[data-key="launch"]')).to_be_visible()
    assert _stored(ui_server, "launch") == {"type": "DATE", "value": "2042-04-02"}

    dialog = new("window", "DURATION", "P1M")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("no months nor years")
    dialog.get_by_label("Value").fill("PT1H30M")
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator('tr[data-key="window"]')).to_be_visible()
    assert _stored(ui_server, "window") == {"type": "DURATION", "value": "PT1H30M"}

    dialog = new("settings", "JSON", '{"retries": 3,}', ttl="P1D")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Invalid JSON")
    dialog.get_by_label("Value").fill('{"retries": 3, "targets": ["a", "b"]}')
    dialog.get_by_role("button", name="Save").click()
    row = page.locator('tr[data-key="settings"]')
    expect(row).not_to_contain_text("never")  # it expires in a day
    assert _stored(ui_server, "settings") == {
        "type": "JSON",
        "value": {"retries": 3, "targets": ["a", "b"]},
    }
    listed = httpx.get(f"{ui_server.api}/namespaces/{NAMESPACE}/kv").json()
    expiring = {entry["key"]: entry["expirationDate"] for entry in listed}
    assert expiring["settings"] is not None and expiring["limit"] is None
    shot(page, "kv-types")

    # Edit: the form opens with the stored type and value; change both.
    page.locator('tr[data-key="limit"]').get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog", name="Edit limit")
    expect(dialog.get_by_label("Type")).to_have_value("NUMBER")
    expect(dialog.get_by_label("Value")).to_have_value("42.5")
    expect(dialog.get_by_label("Key")).to_have_attribute("readonly", "")
    dialog.get_by_label("Type").select_option("STRING")
    dialog.get_by_label("Value").fill("no limit")
    shot(page, "kv-edit")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_have_count(0)
    assert _stored(ui_server, "limit") == {"type": "STRING", "value": "no limit"}
    page.locator('tr[data-key="limit"]').get_by_role("button", name="Show value").click()
    expect(page.get_by_label("Value of limit")).to_have_text("no limit")

    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Delete window").click()
    expect(page.locator('tr[data-key="window"]')).to_have_count(0)
    assert httpx.get(f"{ui_server.api}/namespaces/{NAMESPACE}/kv/window").status_code == 404
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    shot(page, "kv-types-dark")
