"""``kv.PurgeKV`` runs: Kestra's properties pick the keys, ``size`` counts those deleted."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from textwrap import dedent

import pytest

from tiercel.model import Flow, State, load_flows
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner, Services
from tiercel.wiring import local_services

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
"""Keys set then with a one-hour TTL have expired; those set without one live on."""


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    with local_services(tmp_path / "data") as opened:
        for namespace in ("company", "company.team", "company.team.sub", "other"):
            for key in ("AI_one", "AI_two", "keep"):
                opened.kv.set(namespace, key, 1, now=LONG_AGO, ttl=timedelta(hours=1))
            opened.kv.set(namespace, "AI_live", 1, now=LONG_AGO)
        yield opened


def purge(services: Services, properties: str) -> tuple[State, object, list[str]]:
    text = dedent(
        """\
        id: purge
        namespace: system
        tasks:
          - id: purge
            type: io.kestra.plugin.core.kv.PurgeKV
        """
    ) + "".join(f"    {line}\n" for line in dedent(properties).splitlines())
    loaded = load_flows(text, "purge.yaml", default_registry())
    assert loaded.ok, loaded.all_problems()
    flow: Flow = loaded.valid_flows()[0]
    done = LocalRunner(services, {(flow.namespace, flow.id): flow}).execute(flow)
    run = done.task_runs[0]
    return done.execution.state.current, (run.outputs or {}).get("size"), stored(services)


def stored(services: Services) -> list[str]:
    """Every key still stored, expired or not, as ``namespace/key``."""
    found = []
    for namespace in ("company", "company.team", "company.team.sub", "other"):
        entries = services.kv.entries(namespace, now=LONG_AGO)
        found.extend(f"{namespace}/{entry.key}" for entry in entries)
    return found


def test_by_default_every_expired_key_of_every_namespace_goes(services: Services) -> None:
    state, size, left = purge(services, "")
    assert (state, size) == (State.SUCCESS, 12)
    assert left == [
        f"{ns}/AI_live" for ns in ("company", "company.team", "company.team.sub", "other")
    ]


def test_kestras_example_with_child_namespaces(services: Services) -> None:
    state, size, left = purge(
        services,
        """\
        expiredOnly: true
        namespaces: [company]
        includeChildNamespaces: true
        """,
    )
    assert (state, size) == (State.SUCCESS, 9)
    assert sorted(k for k in left if k.startswith("other/")) == [
        "other/AI_live", "other/AI_one", "other/AI_two", "other/keep"
    ]  # fmt: skip


def test_key_pattern_and_no_children(services: Services) -> None:
    state, size, left = purge(
        services,
        """\
        namespaces: [company]
        includeChildNamespaces: false
        keyPattern: "AI_*"
        behavior: {type: key, expiredOnly: false}
        """,
    )
    assert (state, size) == (State.SUCCESS, 3)
    assert [k for k in left if k.startswith("company/")] == ["company/keep"]


def test_namespace_pattern(services: Services) -> None:
    state, size, left = purge(
        services, 'namespacePattern: "company.team*"\nbehavior: {type: key, expiredOnly: false}'
    )
    assert (state, size) == (State.SUCCESS, 8)
    assert not [k for k in left if k.startswith("company.team")]
    assert len(left) == 8


def test_a_version_purge_keeps_the_last_version(services: Services) -> None:
    state, size, left = purge(services, "behavior: {type: version, keepAmount: 1}")
    assert (state, size, len(left)) == (State.SUCCESS, 0, 16)


def test_both_namespace_filters_are_refused() -> None:
    text = dedent(
        """\
        id: purge
        namespace: system
        tasks:
          - id: purge
            type: io.kestra.plugin.core.kv.PurgeKV
            namespaces: [company]
            namespacePattern: "comp*"
        """
    )
    problems = load_flows(text, "purge.yaml", default_registry()).all_problems()
    assert [p.message for p in problems] == [
        "Properties `namespaces` and `namespacePattern` can't be used at the same time — use "
        "one or the other."
    ]
