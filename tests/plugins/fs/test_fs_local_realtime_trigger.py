"""``io.kestra.plugin.fs.local.RealtimeTrigger`` listening on real directories in ``tmp_path``."""

import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fs_support import FakeTriggerContext, load_trigger

from tiercel.plugins.fs.local import realtime_trigger
from tiercel.sdk import Emission, RealtimeTrigger, TaskFailure

TYPE = "io.kestra.plugin.fs.local.RealtimeTrigger"
WAIT = 5.0  # seconds an expected event may take on a slow machine
SETTLE = 0.3  # the watcher needs a moment to register before files change


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    path = tmp_path / "inbox"
    path.mkdir()
    return path.resolve()


@pytest.fixture
def ctx(tmp_path: Path) -> FakeTriggerContext:
    return FakeTriggerContext(roots=[tmp_path.resolve()])


@pytest.fixture(autouse=True)
def short_quiet_period(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(realtime_trigger, "QUIET_PERIOD", 0.2)


class Listening:
    """A trigger listening on its own thread, its emissions on a queue."""

    def __init__(self) -> None:
        self.emissions: queue.Queue[Emission] = queue.Queue()
        self.failure: BaseException | None = None

    def next(self, timeout: float = WAIT) -> dict[str, Any]:
        return dict(self.emissions.get(timeout=timeout).variables)

    def until(self, change: str, name: str) -> dict[str, Any]:
        """The first emission of this change on this file, skipping others."""
        deadline = time.monotonic() + WAIT
        while True:
            variables = self.next(max(0.01, deadline - time.monotonic()))
            if variables["changeType"] == change and variables["file"]["name"] == name:
                return variables

    def none(self, within: float = 0.6) -> list[dict[str, Any]]:
        time.sleep(within)
        found = []
        while not self.emissions.empty():
            found.append(dict(self.emissions.get_nowait().variables))
        return found


@contextmanager
def listening(ctx: FakeTriggerContext, inbox: Path, **props: Any) -> Iterator[Listening]:
    trigger = load_trigger({"type": TYPE, "from": str(inbox), **props})
    assert isinstance(trigger, RealtimeTrigger)
    stop = threading.Event()
    state = Listening()

    def run() -> None:
        try:
            trigger.listen(ctx, state.emissions.put, stop)
        except BaseException as exc:  # handed to the test thread
            state.failure = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    time.sleep(SETTLE)
    try:
        yield state
    finally:
        stop.set()
        thread.join(timeout=2)
        assert not thread.is_alive(), "stop must end the listening thread promptly"
    if state.failure is not None:
        raise state.failure


def test_a_created_file_emits_create_with_the_file(inbox: Path, ctx: FakeTriggerContext) -> None:
    with listening(ctx, inbox, on="CREATE") as events:
        (inbox / "new.csv").write_text("a,b\n")
        event = events.next()
        assert event["changeType"] == "CREATE"
        file = event["file"]
        assert file["name"] == "new.csv"
        assert file["localPath"] == (inbox / "new.csv").as_uri()
        assert file["uri"] == (inbox / "new.csv").as_uri()
        assert file["parent"] == str(inbox)
        assert file["directory"] is False
        assert file["modifiedDate"].endswith("Z")
        assert events.none() == [], "on: CREATE leaves the writes out"


def test_updates_are_coalesced_into_one_update(inbox: Path, ctx: FakeTriggerContext) -> None:
    target = inbox / "log.txt"
    target.write_text("start\n")
    with listening(ctx, inbox, on="UPDATE") as events:
        with target.open("a") as out:
            for index in range(5):
                out.write(f"line {index}\n")
                out.flush()
                time.sleep(0.02)
        event = events.next()
        assert event["changeType"] == "UPDATE"
        assert event["file"]["name"] == "log.txt"
        assert event["file"]["size"] == target.stat().st_size
        assert events.none() == []


def test_create_or_update_reports_both(inbox: Path, ctx: FakeTriggerContext) -> None:
    with listening(ctx, inbox) as events:
        (inbox / "a.txt").write_text("one")
        assert events.until("CREATE", "a.txt")["file"]["name"] == "a.txt"
        # Writing the new file's content is itself an update, as Kestra warns.
        assert events.until("UPDATE", "a.txt")["file"]["size"] == 3
        (inbox / "a.txt").write_text("one, two")
        assert events.until("UPDATE", "a.txt")["file"]["size"] == 8


def test_delete_reports_a_file_without_size_or_dates(inbox: Path, ctx: FakeTriggerContext) -> None:
    (inbox / "old.txt").write_text("bye")
    (inbox / "folder").mkdir()
    with listening(ctx, inbox, on="DELETE") as events:
        (inbox / "folder").rmdir()
        (inbox / "old.txt").unlink()
        event = events.next()
        assert event["changeType"] == "DELETE"
        assert event["file"]["name"] == "old.txt"
        assert event["file"]["size"] is None
        assert event["file"]["modifiedDate"] is None
        assert events.none() == [], "directories never fire"


def test_recursive_watches_subdirectories_made_later(inbox: Path, ctx: FakeTriggerContext) -> None:
    with listening(ctx, inbox, on="CREATE", recursive=True) as events:
        (inbox / "sub").mkdir()
        time.sleep(SETTLE)
        (inbox / "sub" / "deep.txt").write_text("x")
        event = events.until("CREATE", "deep.txt")
        assert event["file"]["parent"] == str(inbox / "sub")


def test_without_recursive_subdirectories_are_not_watched(
    inbox: Path, ctx: FakeTriggerContext
) -> None:
    (inbox / "sub").mkdir()
    with listening(ctx, inbox, on="CREATE") as events:
        (inbox / "sub" / "deep.txt").write_text("x")
        (inbox / "top.txt").write_text("x")
        assert events.next()["file"]["name"] == "top.txt"
        assert events.none() == []


def test_reg_exp_filters_on_the_absolute_path(inbox: Path, ctx: FakeTriggerContext) -> None:
    with listening(ctx, inbox, on="CREATE", regExp=r".*\.csv") as events:
        (inbox / "skip.json").write_text("{}")
        (inbox / "keep.csv").write_text("a")
        assert events.next()["file"]["name"] == "keep.csv"
        assert events.none() == []


def test_a_directory_outside_the_allowed_paths_is_refused(inbox: Path, tmp_path: Path) -> None:
    ctx = FakeTriggerContext(roots=[tmp_path.resolve() / "elsewhere"])
    trigger = load_trigger({"type": TYPE, "from": str(inbox)})
    assert isinstance(trigger, RealtimeTrigger)
    with pytest.raises(TaskFailure, match=r"Access to path '.*inbox' \(from\) is denied"):
        trigger.listen(ctx, lambda emission: None, threading.Event())


def test_a_missing_directory_is_a_clear_failure(tmp_path: Path, ctx: FakeTriggerContext) -> None:
    trigger = load_trigger({"type": TYPE, "from": str(tmp_path / "missing")})
    assert isinstance(trigger, RealtimeTrigger)
    with pytest.raises(TaskFailure, match="Directory does not exist"):
        trigger.listen(ctx, lambda emission: None, threading.Event())


def test_stop_ends_listening_promptly(inbox: Path, ctx: FakeTriggerContext) -> None:
    trigger = load_trigger({"type": TYPE, "from": str(inbox)})
    assert isinstance(trigger, RealtimeTrigger)
    stop = threading.Event()
    thread = threading.Thread(target=trigger.listen, args=(ctx, lambda e: None, stop))
    thread.start()
    time.sleep(SETTLE)
    started = time.monotonic()
    stop.set()
    thread.join(timeout=2)
    assert not thread.is_alive()
    assert time.monotonic() - started < 1.0
