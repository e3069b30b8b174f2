"""The SFTP, FTP and FTPS tasks end to end, in real flows against real servers on loopback:
OpenSSH's sshd (SFTP subsystem) and pyftpdlib (FTP, explicit FTPS)."""

import hashlib
from collections.abc import Callable

import pytest
from tests.plugins.flow_support import RunFlow, flow_of, states
from tests.plugins.fs.remote_support import Remote, remote_of

CONTENT = b"hello fs\n"
PROTOCOLS = ["sftp", "ftp", "ftps", "implicit_ftps"]


@pytest.fixture(params=PROTOCOLS)
def remote(request: pytest.FixtureRequest) -> Remote:
    return remote_of(request.param, request)


def test_every_task_type_in_one_flow(
    remote: Remote, run_flow: RunFlow, stored: Callable[[str], bytes]
) -> None:
    base = remote.base
    write = {
        "id": "write",
        "type": "io.kestra.plugin.core.storage.Write",
        "content": CONTENT.decode(),
        "extension": ".txt",
    }
    finished = run_flow(
        flow_of(
            write,
            remote.task(
                "upload", "Upload", **{"from": "{{ outputs.write.uri }}", "to": f"{base}/in/a.txt"}
            ),
            remote.task(
                "uploads",
                "Uploads",
                to=f"{base}/in",
                **{
                    "from": {"b.csv": "{{ outputs.write.uri }}", "c.csv": "{{ outputs.write.uri }}"}
                },
            ),
            remote.task(
                "list", "List", **{"from": f"{base}/in", "regExp": ".*\\.csv", "sort": "NAME_DESC"}
            ),
            remote.task(
                "download",
                "Download",
                **{
                    "from": f"{base}/in/a.txt",
                    "validateChecksum": True,
                    "checksumExpected": hashlib.sha256(CONTENT).hexdigest().upper(),
                },
            ),
            remote.task("move", "Move", **{"from": f"{base}/in/a.txt", "to": f"{base}/archive/"}),
            remote.task(
                "downloads",
                "Downloads",
                **{"from": f"{base}/in", "action": "MOVE", "moveDirectory": f"{base}/done"},
            ),
            remote.task("delete", "Delete", uri=f"{base}/done", recursive=True),
        )
    )
    assert set(states(finished).values()) == {"SUCCESS"}, finished.logs[-3:]
    out = finished.outputs
    assert out["upload"]["to"] == f"{remote.host_uri}{base}/in/a.txt"
    assert out["uploads"]["files"] == [
        f"{remote.host_uri}{base}/in/b.csv",
        f"{remote.host_uri}{base}/in/c.csv",
    ]
    listed = out["list"]["files"]
    assert [f["name"] for f in listed] == ["c.csv", "b.csv"]
    assert listed[0]["path"] == f"{base}/in/c.csv"
    assert listed[0]["fileType"] == "FILE" and listed[0]["size"] == len(CONTENT)
    assert listed[0]["updatedDate"].endswith("Z")
    assert out["download"]["from"] == f"{remote.host_uri}{base}/in/a.txt"
    assert out["download"]["checksum"] == hashlib.sha256(CONTENT).hexdigest()
    assert stored(out["download"]["to"]) == CONTENT
    assert out["move"]["to"] == f"{remote.host_uri}{base}/archive/a.txt"
    assert (remote.disk / "archive" / "a.txt").read_bytes() == CONTENT
    downloaded = out["downloads"]["outputFiles"]
    assert sorted(downloaded) == ["b.csv", "c.csv"]
    assert all(stored(uri) == CONTENT for uri in downloaded.values())
    assert out["delete"] == {"uri": f"{remote.host_uri}{base}/done", "deleted": True, "uris": []}
    assert not (remote.disk / "done").exists()
    assert sorted(p.name for p in (remote.disk / "in").iterdir()) == []


def test_overwrite_false_and_a_missing_file_fail_in_one_line(
    remote: Remote, run_flow: RunFlow
) -> None:
    (remote.disk).mkdir(parents=True)
    (remote.disk / "there.txt").write_bytes(b"old")
    write = {"id": "write", "type": "io.kestra.plugin.core.storage.Write", "content": "new"}
    finished = run_flow(
        flow_of(
            write,
            remote.task(
                "upload",
                "Upload",
                overwrite=False,
                **{"from": "{{ outputs.write.uri }}", "to": f"{remote.base}/there.txt"},
            ),
        )
    )
    assert states(finished)["upload"] == "FAILED"
    errors = [line.message for line in finished.logs if line.level.value == "ERROR"]
    assert any("already exists" in message and "\n" not in message for message in errors)
    assert (remote.disk / "there.txt").read_bytes() == b"old"

    finished = run_flow(
        flow_of(remote.task("get", "Download", **{"from": f"{remote.base}/nowhere.txt"}))
    )
    assert states(finished)["get"] == "FAILED"
    errors = [line.message for line in finished.logs if line.level.value == "ERROR"]
    assert any(f"{remote.host_uri}{remote.base}/nowhere.txt" in m for m in errors), errors


def test_delete_with_a_pattern_and_error_on_missing(remote: Remote, run_flow: RunFlow) -> None:
    remote.disk.mkdir(parents=True)
    for name in ("keep.txt", "drop.csv", "also.csv"):
        (remote.disk / name).write_text(name)
    finished = run_flow(
        flow_of(
            remote.task("prune", "Delete", uri=remote.base, regExp=".*\\.csv"),
            remote.task("missing", "Delete", uri=f"{remote.base}/gone", errorOnMissing=True),
        )
    )
    assert sorted(finished.outputs["prune"]["uris"]) == [
        f"{remote.host_uri}{remote.base}/also.csv",
        f"{remote.host_uri}{remote.base}/drop.csv",
    ]
    assert [p.name for p in remote.disk.iterdir()] == ["keep.txt"]
    assert states(finished)["missing"] == "FAILED"
