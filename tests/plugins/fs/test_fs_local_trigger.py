"""``io.kestra.plugin.fs.local.Trigger`` evaluated directly on real files in ``tmp_path``."""

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fs_support import FakeTriggerContext, load_trigger

from tiercel.model.task import LogLevel
from tiercel.sdk import PollingTrigger, TaskFailure

TYPE = "io.kestra.plugin.fs.local.Trigger"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    path = tmp_path / "inbox"
    path.mkdir()
    return path.resolve()


@pytest.fixture
def ctx(tmp_path: Path) -> FakeTriggerContext:
    return FakeTriggerContext(roots=[tmp_path.resolve()])


def trigger(inbox: Path, **props: Any) -> PollingTrigger:
    loaded = load_trigger({"type": TYPE, "from": str(inbox), **props})
    assert isinstance(loaded, PollingTrigger)
    return loaded


def write(path: Path, text: str, mtime: float | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def names(files: list[dict[str, Any]]) -> list[str]:
    return [file["name"] for file in files]


def test_a_new_file_fires_with_kestra_file_fields_and_a_stored_copy(
    inbox: Path, ctx: FakeTriggerContext
) -> None:
    path = write(inbox / "orders.csv", "a,b\n1,2\n", mtime=1_717_243_200.25)
    (emission,) = trigger(inbox).evaluate(ctx)
    assert emission.variables["count"] == 1
    (file,) = emission.variables["files"]
    assert file["uri"].startswith("kestra:///")
    assert ctx.stored[file["uri"]] == b"a,b\n1,2\n"
    assert file["name"] == "orders.csv"
    assert file["localPath"] == path.as_uri()
    assert file["parent"] == str(inbox)
    assert file["size"] == 8
    assert file["modifiedDate"] == "2024-06-01T12:00:00.250Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", file["accessedDate"])
    assert file["createdDate"].endswith("Z")
    assert file["directory"] is False
    assert file["changeType"] == "CREATE"
    assert path.exists(), "action NONE leaves the file where it is"


def test_nothing_to_fire_in_an_empty_directory(inbox: Path, ctx: FakeTriggerContext) -> None:
    assert trigger(inbox).evaluate(ctx) == []


def test_seen_files_do_not_fire_again_until_they_change(
    inbox: Path, ctx: FakeTriggerContext
) -> None:
    watch = trigger(inbox)
    write(inbox / "a.txt", "one", mtime=1_000)
    assert names(watch.evaluate(ctx)[0].variables["files"]) == ["a.txt"]
    assert watch.evaluate(ctx) == []
    write(inbox / "b.txt", "two", mtime=1_000)
    assert names(watch.evaluate(ctx)[0].variables["files"]) == ["b.txt"]
    write(inbox / "a.txt", "one, changed", mtime=2_000)
    (emission,) = watch.evaluate(ctx)
    (file,) = emission.variables["files"]
    assert (file["name"], file["changeType"]) == ("a.txt", "UPDATE")
    assert watch.evaluate(ctx) == []


def test_on_create_ignores_updates_and_on_update_ignores_new_files(
    inbox: Path, ctx: FakeTriggerContext
) -> None:
    write(inbox / "a.txt", "one", mtime=1_000)
    on_update = trigger(inbox, on="UPDATE")
    assert on_update.evaluate(ctx) == []
    write(inbox / "a.txt", "two", mtime=2_000)
    (file,) = on_update.evaluate(ctx)[0].variables["files"]
    assert file["changeType"] == "UPDATE"

    on_create = trigger(inbox, on="CREATE")
    fresh = FakeTriggerContext(roots=ctx.roots)
    assert len(on_create.evaluate(fresh)) == 1
    write(inbox / "a.txt", "three", mtime=3_000)
    assert on_create.evaluate(fresh) == []


def test_state_ttl_forgets_files_after_a_while(inbox: Path, ctx: FakeTriggerContext) -> None:
    watch = trigger(inbox, stateTtl="PT1H")
    write(inbox / "a.txt", "one", mtime=1_000)
    assert len(watch.evaluate(ctx)) == 1
    ctx.clock += timedelta(minutes=30)
    assert watch.evaluate(ctx) == []
    ctx.clock += timedelta(hours=2)
    assert len(watch.evaluate(ctx)) == 1


def test_a_new_state_key_starts_from_nothing(inbox: Path, ctx: FakeTriggerContext) -> None:
    write(inbox / "a.txt", "one")
    assert len(trigger(inbox).evaluate(ctx)) == 1
    assert trigger(inbox).evaluate(ctx) == []
    assert len(trigger(inbox, stateKey="{{ flow.id }}_v2").evaluate(ctx)) == 1


def test_action_move_puts_the_files_in_the_move_directory(
    inbox: Path, tmp_path: Path, ctx: FakeTriggerContext
) -> None:
    archive = tmp_path.resolve() / "archive" / "2024"
    write(inbox / "a.txt", "one")
    write(archive / "a.txt", "an older a")
    (emission,) = trigger(inbox, action="MOVE", moveDirectory=str(archive)).evaluate(ctx)
    (file,) = emission.variables["files"]
    assert not (inbox / "a.txt").exists()
    assert (archive / "a.txt").read_text() == "one", "an existing file is replaced"
    assert file["localPath"] == (archive / "a.txt").as_uri()
    assert file["parent"] == str(archive)
    assert ctx.stored[file["uri"]] == b"one"


def test_action_move_needs_a_move_directory(inbox: Path, ctx: FakeTriggerContext) -> None:
    write(inbox / "a.txt", "one")
    with pytest.raises(TaskFailure, match="moveDirectory must be specified"):
        trigger(inbox, action="MOVE").evaluate(ctx)
    assert (inbox / "a.txt").exists()


def test_action_delete_removes_the_files_once_stored(inbox: Path, ctx: FakeTriggerContext) -> None:
    write(inbox / "a.txt", "one")
    (emission,) = trigger(inbox, action="DELETE").evaluate(ctx)
    (file,) = emission.variables["files"]
    assert not (inbox / "a.txt").exists()
    assert ctx.stored[file["uri"]] == b"one"
    assert trigger(inbox, action="DELETE").evaluate(ctx) == []


def test_recursive_includes_subdirectories(inbox: Path, ctx: FakeTriggerContext) -> None:
    write(inbox / "top.txt", "1")
    write(inbox / "sub" / "deep" / "low.txt", "2")
    flat = trigger(inbox).evaluate(FakeTriggerContext(roots=ctx.roots))
    assert names(flat[0].variables["files"]) == ["top.txt"]
    (emission,) = trigger(inbox, recursive=True).evaluate(ctx)
    assert sorted(names(emission.variables["files"])) == ["low.txt", "top.txt"]


def test_reg_exp_matches_the_whole_name_or_the_whole_path(
    inbox: Path, ctx: FakeTriggerContext
) -> None:
    write(inbox / "a.csv", "1")
    write(inbox / "b.json", "2")
    write(inbox / "a.csv.bak", "3")
    (emission,) = trigger(inbox, regExp=r".*\.csv").evaluate(ctx)
    assert names(emission.variables["files"]) == ["a.csv"]
    (emission,) = trigger(inbox, regExp=re.escape(str(inbox)) + r"/b\..*").evaluate(
        FakeTriggerContext(roots=ctx.roots)
    )
    assert names(emission.variables["files"]) == ["b.json"]


def test_an_invalid_reg_exp_is_a_clear_failure(inbox: Path, ctx: FakeTriggerContext) -> None:
    with pytest.raises(TaskFailure, match=r"Invalid regex pattern in 'regExp': \(unclosed"):
        trigger(inbox, regExp="(unclosed").evaluate(ctx)


def test_max_files_limits_one_execution_and_the_rest_wait_for_the_next_poll(
    inbox: Path, ctx: FakeTriggerContext
) -> None:
    for index in range(5):
        write(inbox / f"f{index}.txt", str(index))
    watch = trigger(inbox, maxFiles=2)
    (first,) = watch.evaluate(ctx)
    assert names(first.variables["files"]) == ["f0.txt", "f1.txt"]
    assert first.variables["count"] == 2
    assert (LogLevel.WARN, "Too many files to process (5), limiting to 2") in ctx.logs
    assert names(watch.evaluate(ctx)[0].variables["files"]) == ["f2.txt", "f3.txt"]
    assert names(watch.evaluate(ctx)[0].variables["files"]) == ["f4.txt"]
    assert watch.evaluate(ctx) == []


def test_symbolic_links_and_directories_never_fire(
    inbox: Path, tmp_path: Path, ctx: FakeTriggerContext
) -> None:
    outside = write(tmp_path / "secret.txt", "secret")
    (inbox / "link.txt").symlink_to(outside)
    (inbox / "folder").mkdir()
    assert trigger(inbox).evaluate(ctx) == []


def test_a_directory_outside_the_allowed_paths_is_refused(inbox: Path, tmp_path: Path) -> None:
    ctx = FakeTriggerContext(roots=[tmp_path.resolve() / "elsewhere"])
    write(inbox / "a.txt", "one")
    with pytest.raises(TaskFailure, match=r"Access to path '.*inbox' \(from\) is denied"):
        trigger(inbox).evaluate(ctx)


def test_a_link_into_a_forbidden_directory_is_refused(inbox: Path, tmp_path: Path) -> None:
    allowed = tmp_path.resolve() / "allowed"
    allowed.mkdir()
    (allowed / "door").symlink_to(inbox)
    ctx = FakeTriggerContext(roots=[allowed])
    with pytest.raises(TaskFailure, match="is denied"):
        trigger(allowed / "door").evaluate(ctx)


def test_a_move_directory_outside_the_allowed_paths_is_refused_before_anything_moves(
    inbox: Path, tmp_path: Path
) -> None:
    ctx = FakeTriggerContext(roots=[inbox])
    write(inbox / "a.txt", "one")
    with pytest.raises(TaskFailure, match=r"\(moveDirectory\) is denied"):
        trigger(inbox, action="MOVE", moveDirectory=str(tmp_path / "archive")).evaluate(ctx)
    assert (inbox / "a.txt").exists()
    assert ctx.stored == {}


def test_the_deprecated_allowed_paths_property_narrows_the_server_list(
    inbox: Path, tmp_path: Path, ctx: FakeTriggerContext
) -> None:
    write(inbox / "a.txt", "one")
    with pytest.raises(TaskFailure, match="is denied"):
        trigger(inbox, allowedPaths=[str(tmp_path / "other")]).evaluate(ctx)
    assert len(trigger(inbox, allowedPaths=[str(inbox)]).evaluate(ctx)) == 1


def test_a_missing_directory_is_a_clear_failure(tmp_path: Path, ctx: FakeTriggerContext) -> None:
    with pytest.raises(TaskFailure, match=r"Directory does not exist: .*missing"):
        trigger(tmp_path.resolve() / "missing").evaluate(ctx)


def test_properties_may_be_expressions(inbox: Path, ctx: FakeTriggerContext) -> None:
    write(inbox / "a.txt", "one")
    write(inbox / "b.txt", "two")
    watch = trigger(inbox, maxFiles="{{ 1 }}", recursive="{{ false }}", action="{{ 'NONE' }}")
    assert watch.evaluate(ctx)[0].variables["count"] == 1


def test_defaults_match_kestra() -> None:
    watch = load_trigger({"type": TYPE, "from": "/data"})
    assert watch.interval == timedelta(seconds=60)
    dumped = watch.model_dump(by_alias=True)
    assert dumped["maxFiles"] == 25
    assert dumped["action"] == "NONE"
    assert dumped["on"] == "CREATE_OR_UPDATE"
    assert dumped["recursive"] is False
