"""The flow editor in a real Chromium: a flow written from scratch with the keyboard and the
completion only (schema properties, plugin types with their required properties, enum values,
``{{ }}`` variables and outputs), a validation error marked at its line then fixed, saved,
executed, and watched to success; hover docs, the docs panel, the unsaved-changes guard,
templates, export, import and delete."""

import io
import re
import zipfile

import httpx

from tests.ui.conftest import UiServer, shot

NAMESPACE = "ui.tests.editor"


def _page(page: object):  # type: ignore[no-untyped-def]
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    return page


def _pick(page, typed: str, label: str, timeout: float = 5_000) -> None:  # type: ignore[no-untyped-def]
    """Types ``typed``, checks the completion offers ``label`` first, and takes it (Enter)."""
    from playwright.sync_api import expect

    page.keyboard.type(typed)
    selected = page.locator(".cm-tooltip-autocomplete li[aria-selected]")
    expect(selected).to_be_visible(timeout=timeout)
    expect(selected.locator(".cm-completionLabel")).to_have_text(label)
    page.keyboard.press("Enter")


def _source(page) -> str:  # type: ignore[no-untyped-def]
    lines = page.locator(".cm-content .cm-line").all_inner_texts()
    return "\n".join(lines)


def test_write_a_flow_with_completion_validate_save_and_execute(
    ui_server: UiServer, page: object
) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    page.goto(ui_server.ui("flows/new"))
    editor = page.get_by_test_id("flow-editor")
    expect(editor).to_be_focused(timeout=60_000)
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    keys = page.keyboard

    keys.type(f"id: kb_flow\nnamespace: {NAMESPACE}\n")
    # A root property of the flow schema: opens a list item. The server builds the schema on
    # its first request, which takes seconds on a busy machine: the first completion waits.
    _pick(page, "inp", "inputs", timeout=90_000)
    keys.type("id: who\n")
    _pick(page, "ty", "type")  # then the input types are offered at once
    _pick(page, "STR", "STRING")
    keys.press("Enter")
    _pick(page, "defa", "defaults")
    keys.type("world\n")
    keys.press("Backspace")
    keys.press("Backspace")
    _pick(page, "tas", "tasks")
    keys.type("id: hello\n")
    _pick(page, "ty", "type")
    shot(page, "editor-completion-types")
    _pick(page, "OutputValues", "io.kestra.plugin.core.output.OutputValues")
    keys.press("Enter")
    _pick(page, "valu", "values")  # a map: the next line is indented for its keys
    keys.type('greeting: "Hi {{')  # `{{` opens `{{ | }}`
    _pick(page, "inp", "inputs")
    _pick(page, ".", "who")  # the inputs of this flow
    keys.press("End")
    keys.press("Enter")
    for _ in range(2):
        keys.press("Backspace")
    keys.type("- id: log\n")
    _pick(page, "ty", "type")
    # Log's required `message` comes with it, as a snippet field to fill.
    _pick(page, "core.log.Log", "io.kestra.plugin.core.log.Log")
    keys.type('"{{')
    _pick(page, "outp", "outputs")
    _pick(page, ".", "hello")  # a task before the cursor
    _pick(page, ".", "values")  # OutputValues' declared output
    keys.type(".greeting")
    shot(page, "editor-completion-outputs")
    keys.press("End")
    keys.press("Enter")
    _pick(page, "lev", "level")
    _pick(page, "WA", "WARN")  # an enum's values
    status = page.get_by_test_id("validation-status")
    expect(status).to_have_text("Valid")
    assert _source(page) == (
        f"id: kb_flow\nnamespace: {NAMESPACE}\ninputs:\n  - id: who\n    type: STRING\n"
        "    defaults: world\ntasks:\n  - id: hello\n"
        "    type: io.kestra.plugin.core.output.OutputValues\n    values:\n"
        '      greeting: "Hi {{ inputs.who }}"\n'
        "  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        '    message: "{{ outputs.hello.values.greeting }}"\n    level: WARN'
    )
    expect(page.get_by_role("group", name="Flow topology")).to_contain_text("hello")

    # A property the Log task does not have: marked on its line, with the CLI's message.
    keys.press("Enter")
    keys.type("retries: 3")
    expect(status).to_have_text("1 error")
    problems = page.get_by_role("list", name="Problems")
    expect(problems).to_contain_text("16:5")
    expect(problems).to_contain_text("tasks[1].retries: Unrecognized field 'retries'")
    expect(page.locator(".cm-gutter-lint .cm-lint-marker-error")).to_have_count(1)
    shot(page, "editor-validation-error")
    keys.press("Shift+Home")
    keys.press("Backspace")
    keys.press("Backspace")
    expect(status).to_have_text("Valid")
    expect(problems).to_have_count(0)

    keys.press("Control+s")
    expect(page).to_have_url(ui_server.ui(f"flows/edit/{NAMESPACE}/kb_flow"))
    expect(page.get_by_text("Flow ui.tests.editor.kb_flow created")).to_be_visible()
    shot(page, "editor-saved")
    page.get_by_test_id("flow-editor").click()
    keys.press("Control+e")
    dialog = page.get_by_role("dialog", name="Execute kb_flow")
    expect(dialog.get_by_label("who")).to_have_value("world")
    dialog.get_by_role("button", name="Execute").click()
    expect(page).to_have_url(re.compile(rf"/ui/executions/{NAMESPACE}/kb_flow/\w+"))
    expect(page.get_by_text("SUCCESS").first).to_be_visible(timeout=60_000)
    execution_id = page.url.rsplit("/", 1)[-1].split("?")[0]
    logs = httpx.get(f"{ui_server.api}/logs/{execution_id}").json()
    assert any(line["message"] == "Hi world" and line["level"] == "WARN" for line in logs), logs
    shot(page, "editor-executed")


def test_hover_docs_panel_and_unsaved_guard(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    page.goto(ui_server.ui("flows/edit/ui.tests/hello"))
    # The first page load on a busy machine takes seconds.
    expect(page.get_by_test_id("validation-status")).to_have_text("Valid", timeout=60_000)
    type_value = page.locator(".cm-line", has_text="type: io.kestra.plugin.core").first
    type_value.locator("text=io.kestra").hover()
    tooltip = page.locator(".cm-hover-doc")
    # Waits for the flow schema, which a fresh server takes seconds to build on a busy machine.
    expect(tooltip).to_contain_text("io.kestra.plugin.core", timeout=90_000)
    tooltip.get_by_role("button", name="Open the documentation").click()
    docs = page.get_by_label("Documentation")
    expect(docs.get_by_role("heading", level=4, name="Properties")).to_be_visible()
    shot(page, "editor-docs-panel")

    page.get_by_test_id("flow-editor").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\n# a change")
    expect(page.get_by_label("Unsaved changes")).to_be_visible()
    messages: list[str] = []

    def refuse(dialog) -> None:  # type: ignore[no-untyped-def]
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", refuse)
    page.get_by_role("link", name="Flows", exact=True).first.click()
    expect(page).to_have_url(ui_server.ui("flows/edit/ui.tests/hello"))
    assert messages and "unsaved changes" in messages[0]


def test_template_export_import_and_delete(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    page.goto(ui_server.ui(f"flows/new?namespace={NAMESPACE}"))
    expect(page.get_by_test_id("validation-status")).to_have_text("Valid", timeout=60_000)
    page.get_by_label("Start from a template").select_option("parallel")
    expect(page.locator(".cm-content")).to_contain_text(f"namespace: {NAMESPACE}")
    expect(page.get_by_role("group", name="Flow topology")).to_contain_text("right")
    shot(page, "editor-template")
    page.get_by_role("button", name="Create").click()
    expect(page).to_have_url(ui_server.ui(f"flows/edit/{NAMESPACE}/parallel"))

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export").click()
    archive = zipfile.ZipFile(download_info.value.path())
    assert archive.namelist() == [f"{NAMESPACE}.parallel.yml"]
    exported = archive.read(f"{NAMESPACE}.parallel.yml").decode()

    page.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page).to_have_url(ui_server.ui("flows"))
    assert httpx.get(f"{ui_server.api}/flows/{NAMESPACE}/parallel").status_code == 404

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("parallel.yml", exported)
    page.get_by_label("Import flows").set_input_files(
        files=[{"name": "flows.zip", "mimeType": "application/zip", "buffer": buffer.getvalue()}]
    )
    expect(page.get_by_text("Imported 1 flow from flows.zip")).to_be_visible()
    assert httpx.get(f"{ui_server.api}/flows/{NAMESPACE}/parallel").status_code == 200
    page.get_by_label("Import flows").set_input_files(
        files=[{"name": "broken.zip", "mimeType": "application/zip", "buffer": b"PK broken"}]
    )
    expect(page.get_by_text("not a readable zip archive")).to_be_visible()
    shot(page, "flows-import-refused")
