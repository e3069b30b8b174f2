"""A large flow in the editor: its topology draws only what the view shows (a flow of hundreds
of tasks is a few tens of SVG groups, not hundreds), panning brings the rest in, typing
keeps the graph as it is, and keys saved at once are saved."""

import httpx

from tests.ui.conftest import UiServer, shot

NAMESPACE = "ui.tests.large"
TASKS = 300


def large_flow(flow_id: str) -> str:
    lines = [f"id: {flow_id}", f"namespace: {NAMESPACE}", "tasks:"]
    for index in range(TASKS):
        lines += [
            f"  - id: step_{index}",
            "    type: io.kestra.plugin.core.log.Log",
            f'    message: "step {index}"',
        ]
    return "\n".join(lines) + "\n"


def test_a_large_flow_topology_draws_what_is_in_view(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    deployed = httpx.post(
        f"{ui_server.api}/flows",
        content=large_flow("wide"),
        headers={"Content-Type": "application/x-yaml"},
        timeout=60,
    )
    assert deployed.status_code == 200, deployed.text
    page.goto(ui_server.ui(f"flows/edit/{NAMESPACE}/wide"))
    expect(page.get_by_test_id("validation-status")).to_have_text("Valid", timeout=60_000)
    graph = page.get_by_role("group", name="Flow topology")
    first = graph.locator('[data-node="step_0"]')
    expect(first).to_be_visible(timeout=60_000)
    drawn = graph.locator("[data-node]").count()
    assert 0 < drawn < TASKS / 3, f"{drawn} nodes drawn of {TASKS}"
    expect(graph.locator(f'[data-node="step_{TASKS - 1}"]')).to_have_count(0)
    shot(page, "editor-large-flow-topology")

    # Dragged leftwards (a wide, left-to-right flow), later tasks come into view.
    box = graph.bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] - 20, y)
    page.mouse.down()
    page.mouse.move(box["x"] + 20, y, steps=8)
    page.mouse.up()
    expect(first).to_have_count(0)
    expect(graph.locator('[data-node="step_8"]')).to_have_count(1)
    assert graph.locator("[data-node]").count() < TASKS / 3

    # Typing a comment changes no structure: the same graph stays, and the text stays valid.
    # The editor hands its text on once typing pauses (CHANGE_DELAY): until then the page
    # shows no change, so the mark of unsaved changes is what says the text has arrived.
    page.get_by_test_id("flow-editor").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("# a note")
    save = page.get_by_role("button", name="Save", exact=True)
    expect(page.get_by_label("Unsaved changes")).to_be_visible()
    expect(save).to_be_enabled()
    expect(page.get_by_test_id("validation-status")).to_have_text("Valid")
    expect(graph.locator('[data-node="step_8"]')).to_have_count(1)
    shot(page, "editor-large-flow-topology-panned")

    # Keys typed then saved at once, inside that pause: the text saved is the latest one.
    page.keyboard.type(" kept")
    page.keyboard.press("Control+s")
    expect(page.get_by_text("Saved revision 2")).to_be_visible(timeout=60_000)
    expect(page.get_by_label("Unsaved changes")).to_have_count(0)
    expect(save).to_be_disabled()
    stored = httpx.get(f"{ui_server.api}/flows/{NAMESPACE}/wide", params={"source": "true"})
    assert stored.json()["source"] == large_flow("wide") + "# a note kept"
