"""A large flow in the editor: its topology draws only what the view shows (a flow of hundreds
of tasks is a few tens of SVG groups, not hundreds), panning brings the rest in, and typing
keeps the graph as it is."""

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
    page.get_by_test_id("flow-editor").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("# a note")
    expect(page.get_by_test_id("validation-status")).to_have_text("Valid")
    expect(graph.locator('[data-node="step_8"]')).to_have_count(1)
    shot(page, "editor-large-flow-topology-panned")
