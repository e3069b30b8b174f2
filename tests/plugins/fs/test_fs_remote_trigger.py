"""The SFTP, FTP and FTPS polling triggers against real servers: MOVE and NONE (stateful)."""

from dataclasses import replace
from datetime import timedelta

import pytest
from tests.plugins.fs.fs_support import FakeTriggerContext, load_trigger
from tests.plugins.fs.remote_support import Remote, remote_of

from tiercel.sdk import PollingTrigger


@pytest.fixture(params=["sftp", "ftp", "ftps"])
def remote(request: pytest.FixtureRequest) -> Remote:
    return remote_of(request.param, request)


def _trigger(remote: Remote, **props: object) -> PollingTrigger:
    task = remote.task("watch", "Trigger", **{"from": f"{remote.base}/in", **props})
    task.pop("id")
    trigger = load_trigger(task)
    assert isinstance(trigger, PollingTrigger)
    return trigger


def test_move_fires_once_per_file_and_moves_it(remote: Remote) -> None:
    (remote.disk / "in").mkdir(parents=True)
    (remote.disk / "in" / "a.csv").write_text("a")
    (remote.disk / "in" / "skip.txt").write_text("x")
    trigger = _trigger(
        remote, action="MOVE", moveDirectory=f"{remote.base}/done", regExp=".*\\.csv"
    )
    ctx = FakeTriggerContext(roots=[])
    (emission,) = trigger.evaluate(ctx)
    (file,) = emission.variables["files"]
    assert file["name"] == "a.csv" and file["changeType"] == "CREATE"
    assert ctx.stored[file["path"]] == b"a"
    assert (remote.disk / "done" / "a.csv").read_text() == "a"
    assert sorted(p.name for p in (remote.disk / "in").iterdir()) == ["skip.txt"]
    assert trigger.evaluate(ctx) == []


def test_none_remembers_files_and_fires_for_changes(remote: Remote) -> None:
    (remote.disk / "in").mkdir(parents=True)
    (remote.disk / "in" / "a.csv").write_text("a")
    trigger = _trigger(remote)
    ctx = FakeTriggerContext(roots=[])
    (first,) = trigger.evaluate(ctx)
    assert [f["changeType"] for f in first.variables["files"]] == ["CREATE"]
    assert trigger.evaluate(ctx) == []
    (remote.disk / "in" / "a.csv").write_text("a, longer now")
    (second,) = trigger.evaluate(ctx)
    assert [f["changeType"] for f in second.variables["files"]] == ["UPDATE"]
    assert (remote.disk / "in" / "a.csv").exists()
    # A new state key forgets what the old one saw.
    assert trigger.evaluate(replace(ctx, state={})) != []
    assert trigger.evaluate(replace(ctx, clock=ctx.clock + timedelta(days=1))) == []


def test_a_missing_directory_fires_nothing(remote: Remote) -> None:
    assert _trigger(remote).evaluate(FakeTriggerContext(roots=[])) == []
