"""The namespace files editor: a tree, CodeMirror, create / rename / delete / upload / download,
and a saved edit read by the next run of a Python script (``namespaceFiles: enabled: true``)."""

import httpx

from tests.ui.conftest import UiServer, shot
from tests.ui.test_flows import _page

NAMESPACE = "ui.tests.editor"


def _run_logs(ui_server: UiServer) -> list[str]:
    answer = httpx.post(
        f"{ui_server.api}/executions/{NAMESPACE}/editor_script",
        params={"wait": "true"},
        timeout=120,
    )
    assert answer.status_code == 200, answer.text
    execution = answer.json()
    assert execution["state"]["current"] == "SUCCESS", execution
    lines = httpx.get(f"{ui_server.api}/logs/{execution['id']}").json()
    return [line["message"] for line in lines]


def test_edit_a_script_the_next_run_reads(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    stored = httpx.post(
        f"{ui_server.api}/namespaces/{NAMESPACE}/files",
        params={"path": "/scripts/greet.py"},
        files={"fileContent": ("greet.py", b'print("version one")\n', "text/x-python")},
    )
    assert stored.status_code == 200, stored.text
    assert "version one" in _run_logs(ui_server)

    page.goto(ui_server.ui(f"namespaces/{NAMESPACE}/files"))
    tree = page.get_by_role("tree")
    tree.get_by_role("button", name="scripts", exact=True).click()
    tree.get_by_role("button", name="greet.py", exact=True).click()
    editor = page.get_by_label("Content of scripts/greet.py")
    expect(editor).to_contain_text('print("version one")')
    expect(page.locator("[data-file-language]")).to_have_attribute("data-file-language", "Python")
    # Highlighted: the string is its own token.
    expect(page.locator(".cm-line span", has_text='"version one"').first).to_be_visible()
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.type('print("version two, edited in the browser")')
    expect(page.get_by_label("Unsaved changes")).to_be_visible()
    shot(page, "namespace-editor-dirty")
    # Unsaved: leaving the tab asks first; refusing keeps the edit.
    asked: list[str] = []

    def refuse(dialog: object) -> None:
        asked.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    page.once("dialog", refuse)
    page.get_by_role("navigation", name="Namespace tabs").get_by_role(
        "link", name="KV Store"
    ).click()
    expect(page.get_by_label("Unsaved changes")).to_be_visible()
    assert asked == ["Discard the unsaved changes to scripts/greet.py?"]
    assert page.url.endswith("/files")
    editor.focus()
    page.keyboard.press("Control+s")
    expect(page.get_by_label("Unsaved changes")).to_have_count(0)
    saved = httpx.get(
        f"{ui_server.api}/namespaces/{NAMESPACE}/files", params={"path": "/scripts/greet.py"}
    )
    assert saved.text.startswith('print("version two, edited in the browser")')

    logs = _run_logs(ui_server)
    assert "version two, edited in the browser" in logs and "version one" not in logs
    shot(page, "namespace-editor")


def test_create_rename_upload_download_and_delete(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    page.goto(ui_server.ui("namespaces/ui.tests.editor.files/files"))
    expect(page.get_by_text("No file yet")).to_be_visible()
    shot(page, "namespace-editor-empty")

    # A folder, then a file in it; a name leaving the namespace is refused before sending.
    page.get_by_role("button", name="New folder").click()
    dialog = page.get_by_role("dialog", name="New folder")
    dialog.get_by_label("Name").fill("../etc")
    expect(dialog.get_by_role("alert")).to_contain_text("leaves the namespace")
    dialog.get_by_label("Name").fill("queries")
    dialog.get_by_role("button", name="Create").click()
    tree = page.get_by_role("tree")
    folder = tree.locator('[data-path="queries"]')
    expect(folder).to_be_visible()
    folder.hover()
    folder.get_by_role("button", name="New file in queries").click()
    dialog = page.get_by_role("dialog", name="New file in queries/")
    dialog.get_by_label("Name").fill("daily.sql")
    dialog.get_by_role("button", name="Create").click()
    expect(page.locator("[data-file-language]")).to_have_attribute("data-file-language", "SQL")
    page.get_by_label("Content of queries/daily.sql").click()
    page.keyboard.type("SELECT count(*) FROM orders WHERE day = CURRENT_DATE")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Unsaved changes")).to_have_count(0)
    expect(page.locator(".cm-line span", has_text="SELECT").first).to_be_visible()
    shot(page, "namespace-editor-sql")

    # Rename the folder: the file moves with it and stays open.
    folder.hover()
    folder.get_by_role("button", name="Rename queries").click()
    dialog = page.get_by_role("dialog", name="Rename queries")
    dialog.get_by_label("Name").fill("sql")
    dialog.get_by_role("button", name="Rename").click()
    expect(tree.locator('[data-path="sql/daily.sql"]')).to_be_visible()
    expect(page.locator(".pane-bar .path")).to_have_text("sql/daily.sql")
    moved = httpx.get(
        f"{ui_server.api}/namespaces/ui.tests.editor.files/files", params={"path": "/sql/daily.sql"}
    )
    assert moved.text.startswith("SELECT count(*)")

    # Upload into the open file's folder, open it (YAML), download it.
    page.get_by_label("Upload files").set_input_files(
        {"name": "config.yaml", "mimeType": "text/yaml", "buffer": b"retries: 3\n"}
    )
    uploaded = tree.locator('[data-path="sql/config.yaml"]')
    expect(uploaded).to_be_visible()
    uploaded.get_by_role("button", name="config.yaml", exact=True).click()
    expect(page.locator("[data-file-language]")).to_have_attribute("data-file-language", "YAML")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download", exact=True).click()
    with open(info.value.path(), "rb") as saved:
        assert saved.read() == b"retries: 3\n"
    # Shell and JSON are highlighted too (two files uploaded at once).
    page.get_by_label("Upload files").set_input_files(
        [
            {"name": "run.sh", "mimeType": "text/x-sh", "buffer": b"echo hi\n"},
            {"name": "data.json", "mimeType": "application/json", "buffer": b'{"a": 1}\n'},
        ]
    )
    for name, language in (("run.sh", "Shell"), ("data.json", "JSON")):
        tree.locator(f'[data-path="sql/{name}"]').get_by_role(
            "button", name=name, exact=True
        ).click()
        expect(page.locator("[data-file-language]")).to_have_attribute(
            "data-file-language", language
        )

    # Delete a file, then the folder with what is left in it.
    uploaded.hover()
    page.once("dialog", lambda d: d.accept())
    uploaded.get_by_role("button", name="Delete sql/config.yaml").click()
    expect(uploaded).to_have_count(0)
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    tree.locator('[data-path="sql/daily.sql"]').get_by_role(
        "button", name="daily.sql", exact=True
    ).click()
    expect(page.get_by_label("Content of sql/daily.sql")).to_contain_text("SELECT")
    shot(page, "namespace-editor-dark")
    folder = tree.locator('[data-path="sql"]')
    folder.hover()
    page.once("dialog", lambda d: d.accept())
    folder.get_by_role("button", name="Delete sql").click()
    expect(page.get_by_text("No file yet")).to_be_visible()
    listed = httpx.get(f"{ui_server.api}/namespaces/ui.tests.editor.files/files/directory")
    assert listed.json() == []
