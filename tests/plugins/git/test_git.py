"""The git tasks in real flows with the git binary against local bare repositories."""

from collections.abc import Callable
from pathlib import Path

from tests.plugins.flow_support import RunFlow, flow_of, messages, states
from tests.plugins.git.conftest import PASSPHRASE, TOKEN, TOKEN_USER, SshServer, git

from tiercel.storage.namespace_files import StorageNamespaceFiles

G = "io.kestra.plugin.git."
SHELL = "io.kestra.plugin.scripts.shell.Commands"
PROCESS = {"type": "io.kestra.plugin.core.runner.Process"}


def _in_working_directory(*tasks: dict[str, object]) -> str:
    return flow_of(
        {"id": "wd", "type": "io.kestra.plugin.core.flow.WorkingDirectory", "tasks": list(tasks)}
    )


def test_clone_into_a_working_directory(remote: Path, run_flow: RunFlow) -> None:
    finished = run_flow(
        _in_working_directory(
            {"id": "clone", "type": G + "Clone", "url": f"file://{remote}"},
            {"id": "show", "type": SHELL, "taskRunner": PROCESS,
             "commands": ["cat README.md CHANGELOG", "git rev-list --count HEAD",
                          "git branch -r | sort | tr -d ' ' | paste -sd,"]},
        )
    )  # fmt: skip
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    lines = messages(finished, "show")
    assert "# demo" in lines and "v1" in lines
    assert "1" in lines, "depth 1 by default"
    assert "origin/HEAD->origin/main,origin/dev,origin/main" in lines, "every branch by default"


def test_clone_a_branch_a_tag_and_a_commit(remote: Path, run_flow: RunFlow) -> None:
    first = git("rev-list", "--max-parents=0", "main", cwd=remote).strip()
    url = f"file://{remote}"
    process = {"type": "io.kestra.plugin.core.runner.Process"}
    finished = run_flow(
        _in_working_directory(
            {"id": "dev", "type": G + "Clone", "url": url, "branch": "dev", "directory": "dev"},
            {"id": "tag", "type": G + "Clone", "url": url, "tag": "v1", "directory": "tag"},
            {"id": "old", "type": G + "Clone", "url": url, "commit": first[:10],
             "directory": "old"},
            {"id": "show", "type": SHELL, "taskRunner": process,
             "commands": ["ls dev | paste -sd,", "ls tag | paste -sd,", "ls old | paste -sd,"]},
        )
    )  # fmt: skip
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    assert messages(finished, "show")[:3] == [
        "CHANGELOG,DEV,README.md,_files",
        "CHANGELOG,README.md,_files",
        "README.md,_files",
    ]
    assert finished.outputs["dev"]["directory"].endswith("/dev")


def test_a_clone_failure_is_one_line_without_the_password(run_flow: RunFlow) -> None:
    from tests.conftest import free_port

    url = f"http://127.0.0.1:{free_port()}/team/repo.git"
    finished = run_flow(
        flow_of(
            {"id": "clone", "type": G + "Clone", "url": url, "username": "bot",
             "password": "ghp_s3cr3tT0ken"},
            errors=[{"id": "handled", "type": "io.kestra.plugin.core.log.Log", "message": "ok"}],
        )
    )  # fmt: skip
    assert states(finished) == {"clone": "FAILED", "handled": "SUCCESS"}
    (line,) = [m for m in messages(finished, "clone") if "failed" in m]
    assert line.startswith("git clone of 'http://127.0.0.1:") and "fatal:" in line
    text = "\n".join(m.message for m in finished.logs)
    assert "ghp_s3cr3tT0ken" not in text


def test_push_namespace_files_then_sync_them_back(
    remote: Path,
    tmp_path: Path,
    run_flow: RunFlow,
    namespace_files: Callable[[], StorageNamespaceFiles],
) -> None:
    files = namespace_files()
    files.write("company.team", "scripts/etl.py", b"print('etl')\n")
    files.write("company.team", "queries/q.sql", b"select 1\n")
    url = f"file://{remote}"
    pushed = run_flow(
        flow_of(
            {"id": "push", "type": G + "PushNamespaceFiles", "url": url, "branch": "main",
             "authorName": "Kestra Bot", "authorEmail": "bot@example.org",
             "commitMessage": "Export {{ flow.namespace }}"},
        )
    )  # fmt: skip
    assert pushed.execution.state.current.value == "SUCCESS", pushed.logs
    out = pushed.outputs["push"]
    check = tmp_path / "check"
    git("clone", "-q", str(remote), str(check), cwd=tmp_path)
    assert git("log", "-1", "--format=%H %an <%ae> %s", cwd=check).strip() == (
        f"{out['commitId']} Kestra Bot <bot@example.org> Export company.team"
    )
    assert (check / "_files" / "scripts" / "etl.py").read_text() == "print('etl')\n"
    # delete (default true): hello.py was in Git but not in the namespace.
    assert not (check / "_files" / "scripts" / "hello.py").exists()
    assert (check / "README.md").exists(), "only gitDirectory is touched"
    assert out["commitURL"] is None

    # Git changes; a sync brings the namespace in line.
    (check / "_files" / "scripts" / "etl.py").write_text("print('etl v2')\n")
    (check / "_files" / "new.txt").write_text("new\n")
    git("add", "-A", cwd=check)
    git("commit", "-q", "-m", "edit", cwd=check)
    git("push", "-q", "origin", "main", cwd=check)
    files.write("company.team", "local-only.txt", b"x")
    dry = run_flow(
        flow_of({"id": "sync", "type": G + "SyncNamespaceFiles", "url": url, "delete": True,
                 "dryRun": True})
    )  # fmt: skip
    assert dry.execution.state.current.value == "SUCCESS", dry.logs
    assert files.read("company.team", "scripts/etl.py") == b"print('etl')\n", "dry run"
    synced = run_flow(
        flow_of({"id": "sync", "type": G + "SyncNamespaceFiles", "url": url, "delete": True})
    )
    assert synced.execution.state.current.value == "SUCCESS", synced.logs
    assert files.read("company.team", "scripts/etl.py") == b"print('etl v2')\n"
    assert files.read("company.team", "new.txt") == b"new\n"
    assert not files.exists("company.team", "local-only.txt")
    assert files.read("company.team", "queries/q.sql") == b"select 1\n"


def test_push_dry_run_and_a_new_branch(
    remote: Path,
    tmp_path: Path,
    run_flow: RunFlow,
    namespace_files: Callable[[], StorageNamespaceFiles],
) -> None:
    namespace_files().write("company.team", "a.txt", b"a\n")
    url = f"file://{remote}"
    finished = run_flow(
        flow_of(
            {"id": "dry", "type": G + "PushNamespaceFiles", "url": url, "dryRun": True},
            {"id": "branch", "type": G + "PushNamespaceFiles", "url": url, "branch": "export",
             "gitDirectory": "ns", "files": ["a.*"]},
        )
    )  # fmt: skip
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    assert "commitId" not in finished.outputs["dry"]
    heads = git("ls-remote", "--heads", str(remote), cwd=tmp_path)
    assert "refs/heads/export" in heads
    assert git("show", "export:ns/a.txt", cwd=remote) == "a\n"
    assert git("ls-tree", "--name-only", "main", cwd=remote).split() == [
        "CHANGELOG",
        "README.md",
        "_files",
    ], "the dry run pushed nothing"


def test_a_push_conflict_is_one_clear_line(
    remote: Path, run_flow: RunFlow, namespace_files: Callable[[], StorageNamespaceFiles]
) -> None:
    namespace_files().write("company.team", "a.txt", b"a\n")
    # A hook that refuses every update stands in for a branch that moved meanwhile.
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'branch is protected' >&2\nexit 1\n")
    hook.chmod(0o755)
    finished = run_flow(
        flow_of({"id": "push", "type": G + "PushNamespaceFiles", "url": f"file://{remote}"})
    )
    assert states(finished) == {"push": "FAILED"}
    (line,) = [m for m in messages(finished, "push") if "git push" in m]
    assert line.startswith(f"git push to 'file://{remote}' failed: ")
    assert line.endswith("remote rejected: HEAD -> main (pre-receive hook declined)")


def test_sync_a_missing_directory(remote: Path, run_flow: RunFlow) -> None:
    finished = run_flow(
        flow_of({"id": "sync", "type": G + "SyncNamespaceFiles", "url": f"file://{remote}",
                 "gitDirectory": "nope"})
    )  # fmt: skip
    assert states(finished) == {"sync": "FAILED"}
    assert (
        "The directory 'nope' was not found in the git repository. Verify if the path exists "
        "in the specified branch 'main'." in messages(finished, "sync")
    )


def test_clone_and_push_over_ssh_with_keys(
    remote: Path,
    tmp_path: Path,
    ssh_server: SshServer,
    run_flow: RunFlow,
    namespace_files: Callable[[], StorageNamespaceFiles],
) -> None:
    namespace_files().write("company.team", "over-ssh.txt", b"ssh\n")
    url = f"ssh://root@127.0.0.1:{ssh_server.port}{remote}"
    process = {"type": "io.kestra.plugin.core.runner.Process"}
    finished = run_flow(
        flow_of(
            {"id": "wd", "type": "io.kestra.plugin.core.flow.WorkingDirectory", "tasks": [
                {"id": "clone", "type": G + "Clone", "url": url, "privateKey": ssh_server.key},
                {"id": "show", "type": SHELL, "taskRunner": process, "commands": ["cat README.md"]},
            ]},
            {"id": "push", "type": G + "PushNamespaceFiles", "url": url,
             "privateKey": ssh_server.locked_key, "passphrase": PASSPHRASE},
        )
    )  # fmt: skip
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    assert "# demo" in messages(finished, "show")
    assert git("show", "main:_files/over-ssh.txt", cwd=remote) == "ssh\n"
    text = "\n".join(m.message for m in finished.logs)
    assert "PRIVATE KEY" not in text and PASSPHRASE not in text


def test_a_refused_key_is_one_line(remote: Path, ssh_server: SshServer, run_flow: RunFlow) -> None:
    url = f"ssh://root@127.0.0.1:{ssh_server.port}{remote}"
    finished = run_flow(
        flow_of({"id": "clone", "type": G + "Clone", "url": url,
                 "privateKey": ssh_server.locked_key, "passphrase": "wrong"})
    )  # fmt: skip
    assert states(finished) == {"clone": "FAILED"}
    (line,) = [m for m in messages(finished, "clone") if "failed" in m]
    assert line.startswith(f"git clone of '{url}' failed: ")
    assert "wrong" not in line


def test_clone_and_push_over_http_with_a_token(
    http_remote: str,
    remote: Path,
    run_flow: RunFlow,
    namespace_files: Callable[[], StorageNamespaceFiles],
) -> None:
    namespace_files().write("company.team", "via-http.txt", b"http\n")
    auth = {"username": TOKEN_USER, "password": TOKEN}
    finished = run_flow(
        flow_of(
            {"id": "wd", "type": "io.kestra.plugin.core.flow.WorkingDirectory", "tasks": [
                {"id": "clone", "type": G + "Clone", "url": http_remote, **auth},
                {"id": "show", "type": SHELL, "taskRunner": PROCESS, "commands": ["cat README.md"]},
            ]},
            {"id": "push", "type": G + "PushNamespaceFiles", "url": http_remote, **auth},
        )
    )  # fmt: skip
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    assert "# demo" in messages(finished, "show")
    assert git("show", "main:_files/via-http.txt", cwd=remote) == "http\n"
    assert TOKEN not in "\n".join(m.message for m in finished.logs)


def test_a_rejected_token_is_one_line(http_remote: str, run_flow: RunFlow) -> None:
    finished = run_flow(
        flow_of({"id": "clone", "type": G + "Clone", "url": http_remote, "username": TOKEN_USER,
                 "password": "wrong-token"})
    )  # fmt: skip
    assert states(finished) == {"clone": "FAILED"}
    (line,) = [m for m in messages(finished, "clone") if "failed" in m]
    assert line.startswith(f"git clone of '{http_remote}' failed: fatal: Authentication failed")
    assert "wrong-token" not in line
