"""``PushFlows`` and ``SyncFlows``: flows deployed in Tiercel go to Git in Kestra's layout
(``_flows/<id>.yml``, child namespaces in sub-folders) and come back from it."""

from collections.abc import Callable
from pathlib import Path

from tests.plugins.flow_support import RunFlow, flow_of, messages, states
from tests.plugins.git.conftest import git

from tiercel.ops.flows import Flows
from tiercel.sdk.ion import loads

G = "io.kestra.plugin.git."


def _flow(namespace: str, flow_id: str, message: str) -> str:
    return (
        f"id: {flow_id}\nnamespace: {namespace}\ntasks:\n  - id: log\n"
        f"    type: io.kestra.plugin.core.log.Log\n    message: {message}\n"
    )


def test_push_then_sync_flows(
    remote: Path,
    tmp_path: Path,
    run_flow: RunFlow,
    flows_store: Callable[[], Flows],
    stored: Callable[[str], bytes],
) -> None:
    flows = flows_store()
    flows.deploy(_flow("company.team", "hello", "hi"))
    flows.deploy(_flow("company.team", "world", "earth"))
    flows.deploy(_flow("company.team.sub", "child", "small"))
    url = f"file://{remote}"
    pushed = run_flow(
        flow_of({"id": "push", "type": G + "PushFlows", "url": url,
                 "includeChildNamespaces": True, "targetNamespace": "prod"})
    )  # fmt: skip
    assert pushed.execution.state.current.value == "SUCCESS", pushed.logs
    check = tmp_path / "check"
    git("clone", "-q", str(remote), str(check), cwd=tmp_path)
    assert sorted(p.relative_to(check).as_posix() for p in (check / "_flows").rglob("*.yml")) == [
        "_flows/hello.yml",
        "_flows/sub/child.yml",
        "_flows/world.yml",
    ]
    assert (check / "_flows" / "hello.yml").read_text() == _flow("prod", "hello", "hi")
    assert "prod.sub" in (check / "_flows" / "sub" / "child.yml").read_text()
    rows = [loads(line) for line in stored(pushed.outputs["push"]["flows"]).decode().splitlines()]
    assert [row["file"] for row in rows] == [
        "_flows/hello.yml",
        "_flows/sub/child.yml",
        "_flows/world.yml",
    ]
    assert git("log", "-1", "--format=%s", cwd=check).strip() == (
        "Add flows from company.team namespace"
    )

    # Git changes: hello edited, world removed, a new flow; a sync deploys them to prod.
    (check / "_flows" / "hello.yml").write_text(_flow("prod", "hello", "hello again"))
    (check / "_flows" / "world.yml").unlink()
    (check / "_flows" / "fresh.yml").write_text(_flow("whatever", "fresh", "new"))
    git("add", "-A", cwd=check)
    git("commit", "-q", "-m", "edit", cwd=check)
    git("push", "-q", "origin", "main", cwd=check)
    flows.deploy(_flow("prod", "hello", "hi"))
    flows.deploy(_flow("prod", "stale", "old"))
    synced = run_flow(
        flow_of({"id": "sync", "type": G + "SyncFlows", "url": url, "targetNamespace": "prod",
                 "delete": True})
    )  # fmt: skip
    assert synced.execution.state.current.value == "SUCCESS", synced.logs
    now = {(d.flow.namespace, d.flow.id): d for d in flows_store().current(namespace="prod")}
    assert sorted(now) == [("prod", "fresh"), ("prod", "hello")]
    assert now[("prod", "hello")].record.revision == 2
    assert "hello again" in now[("prod", "hello")].record.source
    rows = [loads(line) for line in stored(synced.outputs["sync"]["flows"]).decode().splitlines()]
    assert [(row.get("gitPath"), row["syncState"], row["flowId"]) for row in rows] == [
        (None, "DELETED", "stale"),
        ("_flows/fresh.yml", "ADDED", "fresh"),
        ("_flows/hello.yml", "UPDATED", "hello"),
    ]


def test_sync_refuses_an_invalid_flow_unless_told(
    remote: Path, tmp_path: Path, run_flow: RunFlow
) -> None:
    work = tmp_path / "edit"
    git("clone", "-q", str(remote), str(work), cwd=tmp_path)
    (work / "_flows").mkdir()
    (work / "_flows" / "good.yml").write_text(_flow("x", "good", "ok"))
    (work / "_flows" / "bad.yml").write_text(
        "id: bad\nnamespace: x\ntasks:\n  - id: t\n    type: nope.Nope\n"
    )
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "flows", cwd=work)
    git("push", "-q", "origin", "main", cwd=work)
    url = f"file://{remote}"
    finished = run_flow(
        flow_of(
            {"id": "strict", "type": G + "SyncFlows", "url": url, "targetNamespace": "prod",
             "allowFailure": True},
            {"id": "lenient", "type": G + "SyncFlows", "url": url, "targetNamespace": "prod",
             "ignoreInvalidFlows": True},
        )
    )  # fmt: skip
    assert states(finished) == {"strict": "FAILED", "lenient": "SUCCESS"}
    (line,) = [m for m in messages(finished, "strict") if "_flows/bad.yml" in m]
    assert line.startswith("'_flows/bad.yml': Invalid flow: ")
    assert any("Skipping invalid flow '_flows/bad.yml'" in m for m in messages(finished, "lenient"))


def test_push_replaces_the_branch_with_inputs_flows_and_namespace_files(
    remote: Path,
    tmp_path: Path,
    run_flow: RunFlow,
    flows_store: Callable[[], Flows],
) -> None:
    flows_store().deploy(_flow("company.team", "hello", "hi"))
    flows_store().deploy(_flow("company.team.sub", "child", "small"))
    finished = run_flow(
        flow_of({"id": "push", "type": G + "Push", "url": f"file://{remote}", "branch": "main",
                 "commitMessage": "Replace {{ flow.id }}",
                 "inputFiles": {"docs/index.md": "# {{ flow.namespace }}\n"},
                 "author": {"name": "Bot", "email": "bot@example.org"}})
    )  # fmt: skip
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    listed = git("ls-tree", "-r", "--name-only", "main", cwd=remote).split()
    assert listed == [
        "_flows/company.team.hello.yml",
        "_flows/company.team.sub.child.yml",
        "docs/index.md",
    ], "the old content is gone, as Kestra's Push replaces it"
    assert git("show", "main:docs/index.md", cwd=remote) == "# company.team\n"
    assert git("log", "-1", "--format=%H %an %s", "main", cwd=remote).strip() == (
        f"{finished.outputs['push']['commitId']} Bot Replace notify"
    )


def test_push_without_a_url_pushes_the_clone_of_an_earlier_task(
    remote: Path, run_flow: RunFlow
) -> None:
    # Kestra's documented pattern: Clone, change files, then Push with no url in one
    # WorkingDirectory; the clone's content is kept (nothing is replaced).
    before = set(git("ls-tree", "-r", "--name-only", "main", cwd=remote).split())
    finished = run_flow(
        flow_of({"id": "wd", "type": "io.kestra.plugin.core.flow.WorkingDirectory", "tasks": [
            {"id": "clone", "type": G + "Clone", "url": f"file://{remote}", "branch": "main"},
            {"id": "write", "type": "io.kestra.plugin.scripts.shell.Commands",
             "taskRunner": {"type": "io.kestra.plugin.core.runner.Process"},
             "commands": ["mkdir -p data && echo 'id,total' > data/orders.csv"]},
            {"id": "push", "type": G + "Push", "branch": "feature", "commitMessage": "Orders",
             "flows": {"enabled": False}},
        ]})
    )  # fmt: skip
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    listed = set(git("ls-tree", "-r", "--name-only", "feature", cwd=remote).split())
    assert listed == before | {"data/orders.csv"}
    assert git("show", "feature:data/orders.csv", cwd=remote) == "id,total\n"


def test_push_without_a_url_or_a_clone_says_what_is_missing(run_flow: RunFlow) -> None:
    finished = run_flow(
        flow_of({"id": "push", "type": G + "Push", "branch": "main", "commitMessage": "x"})
    )
    assert finished.execution.state.current.value == "FAILED"
    assert any("url: required, unless" in line for line in messages(finished, "push"))
