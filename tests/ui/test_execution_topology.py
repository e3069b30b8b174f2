"""The execution's topology: task states live on the flow's graph, and a Subflow node expanded
in place into the subflow's own graph (then collapsed again)."""

from tests.ui.conftest import UiServer, shot
from tests.ui.executions_api import execute, execution_url


def test_a_subflow_node_expands_into_its_graph(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    execution = execute(ui_server, "shapes", wait=True, namespace="ui.tests")
    assert execution["state"]["current"] == "SUCCESS", execution
    page.goto(execution_url(ui_server, execution, "topology"))
    graph = page.get_by_role("group", name="Flow topology")
    call = graph.locator('[data-node="call"]')
    expect(call).to_have_attribute("data-state", "SUCCESS")
    expect(graph.locator('[data-node="greet"]')).to_have_count(0)

    # From the keyboard: the node may lie outside the panned view of a wide flow.
    graph.get_by_role("button", name="Expand subflow ui.tests.hello").focus()
    page.keyboard.press("Enter")
    subflow = graph.locator('[data-cluster-type="Subflow"]')
    expect(subflow).to_have_count(1)
    expect(subflow).to_have_attribute("data-cluster", "call")
    # The subflow's own tasks, without this execution's states (they ran in the subflow's).
    for task in ("greet", "done"):
        node = graph.locator(f'[data-node="{task}"]')
        expect(node).to_have_count(1)
        expect(node).not_to_have_attribute("data-state", "SUCCESS")
    expect(graph.locator('[data-node="call"]')).to_have_count(0)
    shot(page, "execution-topology-subflow-expanded")
    page.get_by_role("button", name="Dark").click()
    shot(page, "execution-topology-subflow-expanded-dark")

    graph.get_by_role("button", name="Collapse subflow call").focus()
    page.keyboard.press("Enter")
    expect(subflow).to_have_count(0)
    expect(graph.locator('[data-node="greet"]')).to_have_count(0)
    expect(graph.locator('[data-node="call"]')).to_have_attribute("data-state", "SUCCESS")
