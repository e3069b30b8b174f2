"""Run one task (Playground) from the flow page: the chosen task runs alone with the outputs of
a chosen execution for the tasks before it, and the run stays out of the executions list."""

import httpx

from tests.ui.conftest import UiServer, shot
from tests.ui.test_flows import _page

FLOW = "flows/ui.tests.playground/playground"


def test_run_one_task_with_an_earlier_executions_outputs(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import expect

    page = _page(page)
    earlier = httpx.post(
        f"{ui_server.api}/executions/ui.tests.playground/playground",
        params={"wait": "true"},
        data={"who": "ada"},
    ).json()
    assert earlier["state"]["current"] == "SUCCESS"

    page.goto(ui_server.ui(f"{FLOW}/playground"))
    panel = page.get_by_role("region", name="Run one task")
    expect(panel.get_by_label("Task to run")).to_have_value("make")
    panel.get_by_label("Task to run").select_option("use")
    outputs_from = panel.get_by_label("Earlier outputs from")
    expect(outputs_from).to_have_value(earlier["id"])
    shot(page, "playground")
    panel.get_by_role("button", name="Run task").click()

    result = panel.locator(".result")
    expect(result.locator('[data-state="SUCCESS"]')).to_be_visible()
    logs = panel.get_by_role("list", name="Run logs")
    expect(logs).to_contain_text("using made for ada")
    expect(logs).not_to_contain_text("the last task ran")
    expect(result).to_contain_text("Reused outputs of: make")
    shot(page, "playground-ran")
    run_id = result.get_attribute("data-execution")
    assert run_id

    # Kept out of the executions list, reachable by its link.
    listed = httpx.get(
        f"{ui_server.api}/executions/search",
        params={"namespace": "ui.tests.playground", "flowId": "playground"},
    ).json()
    assert [e["id"] for e in listed["results"]] == [earlier["id"]]
    page.get_by_role("link", name="Executions", exact=True).first.click()
    expect(page.locator("main")).to_contain_text("playground")
    expect(page.locator("main")).not_to_contain_text(run_id[:8])

    # Without an earlier execution the inputs take their defaults.
    page.goto(ui_server.ui(f"{FLOW}/playground"))
    panel = page.get_by_role("region", name="Run one task")
    panel.get_by_label("Task to run").select_option("make")
    panel.get_by_label("Earlier outputs from").select_option("")
    panel.get_by_role("button", name="Run task").click()
    expect(panel.locator(".outputs")).to_contain_text("made for world")
    expect(panel.get_by_text("Earlier runs (2)")).to_be_visible()
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    shot(page, "playground-dark")
