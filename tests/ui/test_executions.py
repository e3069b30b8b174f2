"""The executions list: filters kept in the URL, server-side paging and sort through 1,000+
executions, and bulk actions on the selected rows."""

import re

import pytest

from tests.ui.conftest import UiServer, shot
from tests.ui.executions_api import data_dir, execute
from tests.ui.seed import many_executions

BULK = "ui.tests.bulk"
COUNT = 1_050


@pytest.fixture(scope="module")
def seeded(ui_server: UiServer) -> list[str]:
    return many_executions(data_dir(ui_server), COUNT, namespace=BULK, flow_id="many")


def test_filter_and_page_through_1000_executions(
    ui_server: UiServer, seeded: list[str], page: object
) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(ui_server.ui("executions"))
    page.get_by_label("Namespace").fill(BULK)
    expect(page).to_have_url(f"{ui_server.ui('executions')}?namespace={BULK}")
    pager = page.get_by_role("navigation", name="Pages")
    # The server counts up to 1,000 executions past the page: a lower bound, with a "+".
    expect(pager).to_contain_text("1–25 of 1,025+")
    table = page.get_by_role("table", name="Executions")
    expect(table.locator("tbody tr")).to_have_count(25)
    shot(page, "executions-list")

    pager.get_by_role("button", name="Next page").click()
    expect(pager).to_contain_text("26–50 of 1,050+")
    expect(page).to_have_url(f"{ui_server.ui('executions')}?namespace={BULK}&page=2")
    pager.get_by_role("button", name="Last page").click()
    expect(pager).to_contain_text("1,026–1,050 of 1,050")
    expect(pager).to_contain_text("Page 42 / 42")

    # States: the seeded executions take SUCCESS, FAILED, WARNING, KILLED in turn.
    failed = sum(1 for index in range(COUNT) if index % 4 == 1)
    page.get_by_role("button", name="States").click()
    page.get_by_role("group", name="States").get_by_label("FAILED").check()
    expect(pager).to_contain_text(f"of {failed:,}")
    expect(table.locator("tbody tr").first.locator(".state-badge")).to_have_text("FAILED")
    assert "state=FAILED" in page.url and "page=" not in page.url

    # The URL alone gives the same list: reload it.
    page.reload()
    expect(pager).to_contain_text(f"1–25 of {failed:,}")
    expect(page.get_by_role("button", name="States")).to_contain_text("FAILED")

    # Sort: oldest first, then by duration.
    start = table.get_by_role("columnheader", name="Start date")
    expect(start).to_have_attribute("aria-sort", "descending")
    start.click()
    expect(start).to_have_attribute("aria-sort", "ascending")
    expect(table.locator("tbody tr").first.get_by_role("link").first).to_have_text(seeded[1][:8])

    page.get_by_label("Search").fill("no-such-execution")
    expect(page.get_by_text("No execution matches these filters")).to_be_visible()
    shot(page, "executions-empty-filter")
    page.get_by_role("button", name="Clear filters").click()
    expect(page).to_have_url(re.compile(r"/ui/executions\?sort=state\.startDate(:|%3A)asc$"))


def test_bulk_labels_then_delete(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    ids = [
        execute(ui_server, "hello", wait=True, labels=["batch:b1"], namespace="ui.tests")["id"]
        for _ in range(3)
    ]
    page.goto(ui_server.ui("executions?labels=batch:b1"))
    table = page.get_by_role("table", name="Executions")
    expect(table.locator("tbody tr")).to_have_count(3)
    table.get_by_label("Select all on this page").check()
    toolbar = page.get_by_role("toolbar", name="Bulk actions")
    expect(toolbar).to_contain_text("3 selected")
    toolbar.get_by_role("button", name="Set labels").click()
    dialog = page.get_by_role("dialog", name="Set labels on 3 executions?")
    dialog.get_by_label("Labels to set").fill("reviewed:yes")
    shot(page, "executions-bulk-labels")
    dialog.get_by_role("button", name="Set labels").click()
    expect(table.get_by_text("reviewed: yes")).to_have_count(3)

    table.get_by_label(f"Select {ids[0]}").check()
    table.get_by_label(f"Select {ids[1]}").check()
    toolbar.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete 2 executions?")
    dialog.get_by_role("button", name="Delete").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.get_by_role("link", name=ids[2][:8])).to_be_visible()


def test_running_badges_follow_by_themselves(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    execution = execute(ui_server, "slow", {"steps": "8"})
    page.goto(ui_server.ui(f"executions?flowId=slow&q={execution['id']}"))
    row = page.get_by_role("table", name="Executions").locator("tbody tr")
    expect(row.locator(".state-badge")).to_have_text("RUNNING")
    expect(row.locator(".state-badge")).to_have_text("SUCCESS", timeout=60_000)


def test_select_all_matching_acts_on_every_page(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    namespace = "ui.tests.everypage"
    many_executions(data_dir(ui_server), 60, namespace=namespace, flow_id="spread")
    page.goto(ui_server.ui(f"executions?namespace={namespace}"))
    table = page.get_by_role("table", name="Executions")
    expect(table.locator("tbody tr")).to_have_count(25)
    table.get_by_label("Select all on this page").check()
    toolbar = page.get_by_role("toolbar", name="Bulk actions")
    expect(toolbar).to_contain_text("25 selected")
    toolbar.get_by_role("button", name="Select all 60 matching").click()
    expect(toolbar).to_contain_text("All 60 matching")
    shot(page, "executions-select-all-matching")

    toolbar.get_by_role("button", name="Set labels").click()
    dialog = page.get_by_role("dialog", name="Set labels on all 60 matching executions?")
    dialog.get_by_label("Labels to set").fill("sweep")
    dialog.get_by_role("button", name="Set labels").click()
    expect(dialog.get_by_role("alert")).to_contain_text("key:value")
    dialog.get_by_label("Labels to set").fill("sweep:done")
    dialog.get_by_role("button", name="Set labels").click()
    expect(page.get_by_text("Set labels on 60 executions: done")).to_be_visible()
    # Every page got it, not only the one on screen.
    page.goto(ui_server.ui(f"executions?namespace={namespace}&labels=sweep:done&page=3"))
    pager = page.get_by_role("navigation", name="Pages")
    expect(pager).to_contain_text("51–60 of 60")

    # Back to the first page: the choice of every page is dropped when the filters change.
    page.goto(ui_server.ui(f"executions?namespace={namespace}"))
    table.get_by_label("Select all on this page").check()
    toolbar.get_by_role("button", name="Select all 60 matching").click()
    toolbar.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete all 60 matching executions?")
    dialog.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("No execution matches these filters")).to_be_visible()
