"""The Execute form with inputs that depend on others: `dependsOn` with a `condition`, and a
SELECT whose choices the server computes from its `expression` (POST .../validate)."""

import re

import httpx

from tests.ui.conftest import UiServer, shot


def test_dependent_inputs_follow_the_values_chosen(ui_server: UiServer, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(ui_server.ui("flows/ui.tests.execute/deploy"))
    page.get_by_role("button", name="Execute").click()
    dialog = page.get_by_role("dialog", name="Execute deploy")
    env = dialog.locator('[data-input="env"] select')
    region = dialog.locator('[data-input="region"]')
    approver = dialog.locator('[data-input="approver"]')
    expect(env).to_be_visible()
    expect(region).to_have_count(0)
    expect(approver).to_have_count(0)

    env.select_option("prod")
    expect(region.locator("option")).to_have_text(["Choose…", "eu-west", "us-east"])
    expect(approver).to_be_visible()  # its condition holds for prod
    shot(page, "execute-depends-prod")

    env.select_option("dev")
    expect(region.locator("option")).to_have_text(["Choose…", "local"])
    expect(approver).to_have_count(0)
    region.locator("select").select_option("local")
    shot(page, "execute-depends-dev")
    dialog.get_by_role("button", name="Execute").click()

    expect(page).to_have_url(re.compile(r"/ui/executions/ui\.tests\.execute/deploy/"))
    execution_id = page.url.rstrip("/").split("/")[-1]
    execution = httpx.get(f"{ui_server.api}/executions/{execution_id}").json()
    assert execution["inputs"] == {"env": "dev", "region": "local"}
