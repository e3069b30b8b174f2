"""The execution page: Gantt and logs growing live, kill, restart, change a task run's state,
resume with inputs, outputs files previewed and downloaded, and an execution of 10,000 task runs."""

import httpx
import pytest

from tests.ui.conftest import UiServer, shot
from tests.ui.executions_api import NAMESPACE, data_dir, execute, execution_url
from tests.ui.seed import large_execution

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def _badge(page: object) -> object:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    return page.locator("header .head-badge")


def _tab(page: object, name: str) -> object:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    return page.get_by_role("navigation", name="Execution tabs").get_by_role("link", name=name)


def test_gantt_and_logs_grow_live(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    execution = execute(ui_server, "slow", {"steps": "16"})
    page.goto(execution_url(ui_server, execution, "gantt"))
    expect(_badge(page)).to_have_text("RUNNING")
    ticks = page.locator('.row[data-task-id="tick"]')
    expect(ticks.first).to_be_visible()
    running_rows = ticks.count()
    shot(page, "execution-gantt-running")
    # The rows appear as the loop goes on, without reloading the page.
    expect(ticks).to_have_count(16, timeout=60_000)
    assert running_rows < 16
    expect(page.locator('.row[data-task-id="finish"]')).to_be_visible()
    expect(_badge(page)).to_have_text("SUCCESS")
    page.locator('.row[data-task-id="finish"]').click()
    panel = page.locator("aside")
    expect(panel.get_by_text("All steps done")).to_be_visible()
    shot(page, "execution-gantt")

    second = execute(ui_server, "slow", {"steps": "16"})
    page.goto(execution_url(ui_server, second, "logs"))
    log = page.get_by_role("log", name="Log lines")
    expect(log.get_by_text("Starting 16 steps")).to_be_visible()
    expect(_badge(page)).to_have_text("RUNNING")
    expect(log.get_by_text("All steps done")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("34 / 34 lines")).to_be_visible()
    # Filters: a task, then a text.
    page.get_by_label("Task").select_option("tick")
    expect(page.get_by_text("16 / 34 lines")).to_be_visible()
    page.get_by_label("Search the logs").fill("tick 7")
    expect(page.get_by_text("1 / 34 lines")).to_be_visible()
    shot(page, "execution-logs-filtered")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    text = download.value.path().read_text()
    assert "tick 7" in text and "Starting" not in text


def test_kill_a_running_execution(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    execution = execute(ui_server, "slow", {"steps": "200"})
    page.goto(execution_url(ui_server, execution))
    expect(_badge(page)).to_have_text("RUNNING")
    shot(page, "execution-overview-running")
    page.get_by_role("button", name="Kill").click()
    dialog = page.get_by_role("dialog", name="Kill this execution?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Kill").click()
    expect(_badge(page)).to_have_text("KILLED", timeout=30_000)
    expect(page.get_by_role("button", name="Kill")).to_have_count(0)


def test_restart_then_set_a_task_run_state(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    execution = execute(ui_server, "failing", wait=True)
    assert execution["state"]["current"] == "FAILED"
    page.goto(execution_url(ui_server, execution, "logs"))
    expect(
        page.get_by_role("log").get_by_text("Quota exceeded for bucket reports-2026")
    ).to_be_visible()
    page.get_by_role("button", name="Restart").click()
    page.get_by_role("dialog").get_by_role("button", name="Restart").click()
    _tab(page, "Overview").click()
    history = page.locator(".history")
    expect(history.get_by_text("RESTARTED")).to_be_visible(timeout=30_000)
    expect(_badge(page)).to_have_text("FAILED", timeout=30_000)
    shot(page, "execution-overview-restarted")

    # The failed task run is given SUCCESS by hand: the execution goes on and succeeds.
    _tab(page, "Gantt").click()
    page.locator('.row[data-task-id="check"]').click()
    page.get_by_role("button", name="Change state").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("New state").select_option("SUCCESS")
    dialog.get_by_role("button", name="Change state").click()
    expect(_badge(page)).to_have_text("SUCCESS", timeout=30_000)


def test_resume_a_paused_execution_with_inputs(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    execution = execute(ui_server, "approval")
    page.goto(execution_url(ui_server, execution))
    expect(_badge(page)).to_have_text("PAUSED", timeout=30_000)
    page.get_by_role("button", name="Resume").click()
    dialog = page.get_by_role("dialog", name="Resume this execution?")
    field = dialog.get_by_label("reason")
    expect(field).to_have_value("looks good")
    field.fill("ship it")
    shot(page, "execution-resume-form")
    dialog.get_by_role("button", name="Resume").click()
    expect(_badge(page)).to_have_text("SUCCESS", timeout=30_000)
    _tab(page, "Logs").click()
    expect(page.get_by_role("log").get_by_text("Approved: ship it")).to_be_visible()


def test_outputs_file_preview_and_download(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    execution = execute(ui_server, "report", wait=True)
    assert execution["state"]["current"] == "SUCCESS", execution
    page.goto(execution_url(ui_server, execution, "outputs"))
    page.get_by_role("button", name="Preview").click()
    dialog = page.get_by_role("dialog", name="Preview of report.csv")
    expect(dialog.get_by_role("cell", name="Lyon")).to_be_visible()
    expect(dialog.get_by_role("columnheader", name="visits")).to_be_visible()
    shot(page, "execution-outputs-preview")
    with page.expect_download() as download:
        dialog.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename == "report.csv"
    assert download.value.path().read_text() == "city,visits\nLyon,42\nNantes,17\n"
    dialog.get_by_role("button", name="Close").click()
    shot(page, "execution-outputs")
    _tab(page, "Metrics").click()
    expect(page.get_by_text("No metrics")).to_be_visible()


def test_metrics_a_python_script_recorded_show(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    execution = execute(ui_server, "metrics", wait=True)
    assert execution["state"]["current"] == "SUCCESS", execution
    page.goto(execution_url(ui_server, execution, "metrics"))
    table = page.locator("main table")
    counter = table.get_by_role("row").filter(has_text="rows.loaded")
    expect(counter).to_contain_text("count")
    expect(counter).to_contain_text("counter")
    expect(counter).to_contain_text("1,234")
    expect(counter).to_contain_text("table: orders")
    timer = table.get_by_role("row").filter(has_text="load.time")
    expect(timer).to_contain_text("timer")
    expect(timer).to_contain_text("2.50s")
    shot(page, "execution-metrics")
    page.get_by_role("button", name="Dark").click()
    shot(page, "execution-metrics-dark")


def test_an_execution_of_10000_task_runs_opens(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    execution_id = large_execution(
        data_dir(ui_server), namespace=NAMESPACE, flow_id="large", task_runs=10_000,
        log_lines=20_000,
    )  # fmt: skip
    answer = httpx.get(f"{ui_server.api}/executions/{execution_id}", timeout=120)
    assert len(answer.json()["taskRunList"]) == 10_000
    execution = {"namespace": NAMESPACE, "flowId": "large", "id": execution_id}
    page.goto(execution_url(ui_server, execution, "gantt"))
    # Generous: on a loaded machine the server takes seconds to answer 10,000 task runs.
    expect(page.get_by_text("10,000 task runs")).to_be_visible(timeout=120_000)
    rows = page.locator(".row")
    expect(rows.first).to_be_visible()
    assert rows.count() < 100  # virtualised: only the rows on screen exist
    page.locator(".scroller").evaluate("el => el.scrollTop = el.scrollHeight")
    expect(page.locator('.row[data-task-id="step"]').filter(has_text="9999")).to_be_visible()
    shot(page, "execution-gantt-10000")
    _tab(page, "Logs").click()
    # The lines are read a page at a time: the count is known after a few requests.
    expect(page.get_by_text("20,000 lines", exact=True)).to_be_visible()
    assert page.locator(".line").count() < 100
    page.get_by_role("log").evaluate("el => el.scrollTop = el.scrollHeight")
    expect(page.get_by_role("log").get_by_text("line 19999 of step")).to_be_visible()
    page.get_by_label("Minimum level").select_option("WARN")
    expect(page.get_by_text("400 lines", exact=True)).to_be_visible()
    shot(page, "execution-logs-large")
