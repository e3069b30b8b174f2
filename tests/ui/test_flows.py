"""Flows in the UI: the list, a flow's topology, source, revisions and triggers, and the
Execute form (every input type, a FILE upload, server-side input errors at their field)."""

import json
import re

import httpx

from tests.ui.conftest import UiServer, shot

FORMS = "ui.tests.forms"
EVERY_TYPE = {
    "text": "STRING", "count": "INT", "ratio": "FLOAT", "flag": "BOOLEAN", "colour": "SELECT",
    "tags": "MULTISELECT", "day": "DATE", "moment": "DATETIME", "clock": "TIME",
    "wait": "DURATION", "payload": "JSON", "config": "YAML", "link": "URI", "mail": "EMAIL",
    "token": "SECRET", "numbers": "ARRAY", "detail": "STRING", "upload": "FILE",
}  # fmt: skip


def _page(page: object):  # type: ignore[no-untyped-def]
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    return page


def _ended(server: UiServer, execution_id: str) -> dict[str, object]:
    """Follows the execution over SSE until it ends (the server closes the stream then)."""
    last: dict[str, object] = {}
    url = f"{server.api}/executions/{execution_id}/follow"
    with httpx.stream("GET", url, timeout=120) as answer:
        for line in answer.iter_lines():
            if line.startswith("data:") and line[5:].strip() != "{}":  # `end` carries {}
                last = json.loads(line[5:])
    return last


def test_flows_list_searches_and_links(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    page.goto(ui_server.ui("flows"))
    expect(page.get_by_role("link", name="all_inputs")).to_be_visible()
    shot(page, "flows-list")
    page.get_by_label("Search flows").fill("shap")
    expect(page).to_have_url(re.compile(r"q=shap"))
    expect(page.get_by_role("link", name="all_inputs")).to_have_count(0)
    page.get_by_role("link", name="shapes").click()
    expect(page).to_have_url(ui_server.ui("flows/ui.tests/shapes"))
    expect(page.locator("main h1")).to_have_text("shapes")


def test_topology_draws_the_clusters(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    page.goto(ui_server.ui("flows/ui.tests/shapes"))
    graph = page.get_by_role("group", name="Flow topology")
    for kind, task in [("Parallel", "fan"), ("Switch", "route"), ("Dag", "graph"),
                       ("ForEach", "loop"), ("WorkingDirectory", "workdir"),
                       ("Triggers", "Triggers")]:  # fmt: skip
        cluster = graph.locator(f'[data-cluster-type="{kind}"]')
        expect(cluster).to_have_count(1)
        expect(cluster).to_have_attribute("data-cluster", task)
    for task in ["start", "left", "right", "case_a", "fallback", "first", "second", "each",
                 "on_error", "nightly", "call", "inside", "cleanup"]:  # fmt: skip
        expect(graph.locator(f'[data-node="{task}"]')).to_have_count(1)
    expect(graph.locator('[data-relation="CHOICE"]')).to_have_count(2)
    expect(graph.locator('[data-relation="ERROR"]')).to_have_count(1)
    expect(graph.locator('[data-node="on_error"]')).to_have_attribute("data-branch", "ERROR")
    expect(graph.locator('[data-node="cleanup"]')).to_have_attribute("data-branch", "FINALLY")
    subflow = graph.get_by_role("link", name="Open subflow ui.tests.hello")
    expect(subflow).to_have_attribute("href", "/ui/flows/ui.tests/hello")
    expect(graph.get_by_text("defaults", exact=True)).to_be_visible()
    shot(page, "flow-topology")
    before = graph.locator("g").first.get_attribute("transform")
    page.get_by_role("button", name="Zoom in").click()
    assert graph.locator("g").first.get_attribute("transform") != before
    page.get_by_role("button", name="Vertical layout").click()
    expect(page.get_by_role("button", name="Horizontal layout")).to_be_visible()
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    shot(page, "flow-topology-vertical-dark")


def test_source_is_highlighted(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    page.goto(ui_server.ui("flows/ui.tests/shapes/source"))
    source = page.get_by_label("Flow source")
    expect(source).to_contain_text("io.kestra.plugin.core.flow.Parallel")
    expect(source.locator(".hljs-attr").first).to_be_visible()
    shot(page, "flow-source")


def test_revisions_diff(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    first = "id: revised\nnamespace: ui.tests\ntasks:\n  - id: say\n    type: io.kestra.plugin.core.log.Log\n    message: first words\n"  # noqa: E501
    headers = {"Content-Type": "application/x-yaml"}
    assert httpx.post(f"{ui_server.api}/flows", content=first, headers=headers).status_code == 200
    second = first.replace("first words", "second words")
    answer = httpx.put(f"{ui_server.api}/flows/ui.tests/revised", content=second, headers=headers)
    assert answer.status_code == 200, answer.text
    page.goto(ui_server.ui("flows/ui.tests/revised/revisions"))
    diff = page.get_by_role("table", name="Revision diff")
    expect(diff.locator(".removed")).to_have_text(re.compile(r"message: first words"))
    expect(diff.locator(".added")).to_have_text(re.compile(r"message: second words"))
    expect(page.get_by_text("1 revision", exact=False)).to_have_count(0)
    shot(page, "flow-revisions")
    page.get_by_label("From revision").select_option("2")
    expect(diff.locator(".added")).to_have_count(0)


def test_execute_form_renders_every_input_type(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    page.goto(ui_server.ui(f"flows/{FORMS}/all_inputs"))
    page.get_by_role("button", name="Execute").click()
    dialog = page.get_by_role("dialog", name="Execute all_inputs")
    for input_id, kind in EVERY_TYPE.items():
        field = dialog.locator(f'[data-input="{input_id}"]')
        expect(field).to_have_attribute("data-type", kind)
    expect(dialog.locator('[data-input="text"] input')).to_have_value("hello")
    expect(dialog.locator('[data-input="count"] input')).to_have_value("3")
    expect(dialog.locator('[data-input="wait"] input')).to_have_value("PT5M")
    expect(dialog.locator('[data-input="colour"] select')).to_have_value("green")
    expect(dialog.locator('[data-input="token"] input')).to_have_attribute("type", "password")
    expect(dialog.locator('[data-input="upload"] input')).to_have_attribute("type", "file")
    expect(dialog.get_by_text("A line of text")).to_be_visible()
    shot(page, "flow-execute-form")
    # dependsOn: `detail` shows only once `colour` has a value.
    dialog.locator('[data-input="colour"] select').select_option("")
    expect(dialog.locator('[data-input="detail"]')).to_have_count(0)
    dialog.locator('[data-input="colour"] select').select_option("blue")
    expect(dialog.locator('[data-input="detail"]')).to_be_visible()


def test_execute_with_a_file_input(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    page.goto(ui_server.ui(f"flows/{FORMS}/all_inputs"))
    page.get_by_role("button", name="Execute").click()
    dialog = page.get_by_role("dialog", name="Execute all_inputs")
    dialog.locator('[data-input="upload"] input').set_input_files(
        {"name": "note.txt", "mimeType": "text/plain", "buffer": b"hello from the form\n"}
    )
    dialog.locator('[data-input="count"] input').fill("7")
    dialog.locator('[data-input="tags"]').get_by_label("beta").check()
    dialog.locator('[data-input="payload"] textarea').fill('{"k": [1, 2]}')
    dialog.locator('[data-input="numbers"] textarea').fill("[4, 5]")
    dialog.get_by_role("button", name="+ Add a label").click()
    dialog.get_by_label("Label 1 key").fill("origin")
    dialog.get_by_label("Label 1 value").fill("form")
    dialog.get_by_role("button", name="Execute").click()
    expect(page).to_have_url(re.compile(rf"/ui/executions/{FORMS}/all_inputs/\w+"))
    execution_id = page.url.rstrip("/").split("/")[-1]
    ended = _ended(ui_server, execution_id)
    assert ended["state"]["current"] == "SUCCESS", ended  # type: ignore[index]
    execution = httpx.get(f"{ui_server.api}/executions/{execution_id}").json()
    assert execution["inputs"]["count"] == 7
    assert execution["inputs"]["tags"] == ["beta"]
    assert execution["inputs"]["payload"] == {"k": [1, 2]}
    assert execution["inputs"]["numbers"] == [4, 5]
    assert {"key": "origin", "value": "form"} in execution["labels"]
    logs = httpx.get(f"{ui_server.api}/logs/{execution_id}").json()
    assert any(line["message"] == "file says: hello from the form" for line in logs)
    # The log line is also found from the Logs page, and leads back to the execution.
    page.goto(ui_server.ui("logs?q=file says"))
    line = page.get_by_role("listitem").filter(has_text="file says: hello from the form")
    expect(line).to_be_visible()
    shot(page, "logs-search")
    line.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/ui/executions/{FORMS}/all_inputs/{execution_id}"))


def test_input_errors_show_at_their_field(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    page.goto(ui_server.ui(f"flows/{FORMS}/all_inputs"))
    page.get_by_role("button", name="Execute").click()
    dialog = page.get_by_role("dialog", name="Execute all_inputs")
    dialog.locator('[data-input="count"] input').fill("50")
    dialog.locator('[data-input="payload"] textarea').fill("{not json")
    dialog.get_by_role("button", name="Execute").click()
    expect(dialog.locator('[data-input="count"] [role="alert"]')).to_contain_text("count")
    expect(dialog.locator('[data-input="payload"] [role="alert"]')).to_contain_text("payload")
    expect(dialog.locator('[data-input="upload"] [role="alert"]')).to_contain_text("upload")
    expect(dialog.locator('[data-input="text"] [role="alert"]')).to_have_count(0)
    shot(page, "flow-execute-errors")
    expect(page).to_have_url(ui_server.ui(f"flows/{FORMS}/all_inputs"))


def test_trigger_disable_enable_and_backfill(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    page.goto(ui_server.ui("flows/ui.tests/shapes/triggers"))
    row = page.locator('tr[data-trigger="nightly"]')
    row.get_by_role("button", name="Disable").click()
    expect(row.get_by_text("Disabled")).to_be_visible()
    found = httpx.get(f"{ui_server.api}/triggers/search", params={"q": "nightly"}).json()
    assert found["results"][0]["triggerContext"]["disabled"] is True
    shot(page, "flow-triggers")
    row.get_by_role("button", name="Enable").click()
    expect(row.get_by_text("Enabled")).to_be_visible()
    found = httpx.get(f"{ui_server.api}/triggers/search", params={"q": "nightly"}).json()
    assert found["results"][0]["triggerContext"]["disabled"] is False
    # A backfill from the admin page, then dropped.
    page.goto(ui_server.ui("triggers"))
    page.get_by_label("Search triggers").fill("no-such-trigger")
    expect(page.get_by_text("No trigger matches.")).to_be_visible()
    page.get_by_label("Search triggers").fill("night")
    row = page.locator('tr[data-trigger="nightly"]')
    row.get_by_role("button", name="Backfill", exact=True).click()
    dialog = page.get_by_role("dialog", name="Backfill nightly")
    dialog.get_by_label("Backfill start").fill("2020-01-01T00:00:00")
    dialog.get_by_label("Backfill end").fill("2022-01-02T00:00:00")
    dialog.get_by_role("button", name="Start backfill").click()
    expect(row.get_by_role("button", name="Delete backfill")).to_be_visible()
    shot(page, "triggers-admin")
    row.get_by_role("button", name="Delete backfill").click()
    expect(row.get_by_role("button", name="Backfill", exact=True)).to_be_visible()


def test_flow_executions_tab_and_missing_flow(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    answer = httpx.post(f"{ui_server.api}/executions/ui.tests/hello", params={"wait": "true"})
    assert answer.status_code == 200, answer.text
    page.goto(ui_server.ui("flows/ui.tests/hello/executions"))
    link = page.get_by_role("link", name=answer.json()["id"][:8])
    expect(link).to_be_visible()
    expect(page.get_by_role("link", name="See all in Executions")).to_have_attribute(
        "href", "/ui/executions?namespace=ui.tests&flowId=hello"
    )
    shot(page, "flow-executions")
    page.goto(ui_server.ui("flows/ui.tests/no_such_flow"))
    expect(page.get_by_text("Flow not found")).to_be_visible()
