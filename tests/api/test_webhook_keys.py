"""A webhook key may be an expression that reads a secret (Kestra's
``webhookDynamicKeyFromASecret``); one that cannot be rendered matches no call."""

from datetime import UTC, datetime
from textwrap import dedent
from types import SimpleNamespace
from typing import cast

from tiercel.api.context import ApiContext
from tiercel.api.webhooks import _find_trigger
from tiercel.model import Flow, load_flows
from tiercel.registry import default_registry

SECRET_KEY = """
id: hook
namespace: t
tasks:
  - {id: out, type: io.kestra.plugin.core.debug.Return, format: "x"}
triggers:
  - id: webhook
    type: io.kestra.plugin.core.trigger.Webhook
    key: "{{ secret('WEBHOOK_KEY') }}"
"""


def flow() -> Flow:
    result = load_flows(dedent(SECRET_KEY), "flow.yaml", default_registry())
    assert result.ok, result.all_problems()
    return result.valid_flows()[0]


def context(**functions: object) -> ApiContext:
    triggers = SimpleNamespace(get=lambda *_: None)
    clock = lambda: datetime(2024, 1, 1, tzinfo=UTC)  # noqa: E731
    return cast(ApiContext, SimpleNamespace(functions=functions, triggers=triggers, clock=clock))


def test_a_key_read_from_a_secret_matches_its_value() -> None:
    secrets = {"WEBHOOK_KEY": "secretKey"}
    ctx = context(secret=secrets.__getitem__)
    found = _find_trigger(flow(), "secretKey", ctx)
    assert found is not None and found.id == "webhook"
    assert _find_trigger(flow(), "other", ctx) is None


def test_a_key_that_cannot_be_rendered_matches_nothing() -> None:
    assert _find_trigger(flow(), "secretKey", context()) is None
