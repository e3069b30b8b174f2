"""A process killed with SIGKILL mid-execution loses nothing: the state is in SQLite, and
``tiercel recover`` finishes the work, the lost attempt visible as such."""

import subprocess
import sys
import time
from pathlib import Path

from tiercel.model import State
from tiercel.storage import Database, SqlExecutionStore

FLOW = """\
id: long
namespace: t
tasks:
  - {id: before, type: io.kestra.plugin.core.debug.Return, format: "done once"}
  - {id: wait, type: io.kestra.plugin.core.flow.Sleep, duration: PT30S}
  - {id: after, type: io.kestra.plugin.core.debug.Return, format: "{{ outputs.before.value }}"}
"""


def running_sleep(data: Path) -> bool:
    if not (data / "tiercel.db").exists():
        return False
    with Database.sqlite(data / "tiercel.db") as db:
        store = SqlExecutionStore(db)
        for execution_id in store.find(namespace="t"):
            loaded = store.load(execution_id)
            if loaded and any(
                r.task_id == "wait" and r.state.current is State.RUNNING for r in loaded[1]
            ):
                return True
    return False


def test_a_killed_process_is_recovered(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "long.yaml").write_text(FLOW)
    data = tmp_path / "data"
    process = subprocess.Popen(
        [sys.executable, "-m", "tiercel", "flow", "test", str(flows / "long.yaml"),
         "--data-dir", str(data)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while not running_sleep(data):
            assert time.monotonic() < deadline, "the sleep never started"
            time.sleep(0.1)
    finally:
        process.kill()  # SIGKILL: no chance to clean up
        process.wait()
    # The task's duration is 30 s; a shorter one for the recovered attempt keeps the test fast.
    (flows / "long.yaml").write_text(FLOW.replace("PT30S", "PT0.1S"))
    done = subprocess.run(
        [sys.executable, "-m", "tiercel", "recover", "--flows", str(flows),
         "--data-dir", str(data)],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SUCCESS")
    with Database.sqlite(data / "tiercel.db") as db:
        store = SqlExecutionStore(db)
        (execution_id,) = store.find(namespace="t")
        loaded = store.load(execution_id)
    assert loaded is not None
    execution, runs = loaded
    assert execution.state.current is State.SUCCESS
    by_task = {run.task_id: run for run in runs}
    assert len(by_task["before"].attempts) == 1  # done before the kill: not run again
    assert [a.state.current for a in by_task["wait"].attempts] == [State.KILLED, State.SUCCESS]
    assert by_task["after"].outputs == {"value": "done once"}


def killed_mid_sleep(tmp_path: Path) -> tuple[Path, Path]:
    """A ``flow test`` killed while its Sleep task runs: the flows and the data folder."""
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "long.yaml").write_text(FLOW)
    data = tmp_path / "data"
    process = subprocess.Popen(
        [sys.executable, "-m", "tiercel", "flow", "test", str(flows / "long.yaml"),
         "--data-dir", str(data)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not running_sleep(data):
            assert time.monotonic() < deadline, "the sleep never started"
            time.sleep(0.1)
    finally:
        process.kill()
        process.wait()
    (flows / "long.yaml").write_text(FLOW.replace("PT30S", "PT0.1S"))
    return flows, data


def recovered_runs(flows: Path, data: Path) -> dict[str, list[State]]:
    """Run ``tiercel recover``; the attempts' states of each task, once it has ended."""
    done = subprocess.run(
        [sys.executable, "-m", "tiercel", "recover", "--flows", str(flows),
         "--data-dir", str(data)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SUCCESS"), done.stdout
    with Database.sqlite(data / "tiercel.db") as db:
        (execution_id,) = SqlExecutionStore(db).find(namespace="t")
        loaded = SqlExecutionStore(db).load(execution_id)
    assert loaded is not None
    return {run.task_id: [a.state.current for a in run.attempts] for run in loaded[1]}


def journal_of(data: Path) -> Path:
    (journal,) = (data / "running").glob("*.started")
    return journal


def test_recover_reads_the_journal_an_attempt_never_began(tmp_path: Path) -> None:
    # The journal says the Sleep's attempt never began on a thread (its line is gone, as when
    # the process died between the dispatch and the start): it runs as it is, no KILLED one.
    flows, data = killed_mid_sleep(tmp_path)
    journal = journal_of(data)
    lines = journal.read_text().splitlines()
    with Database.sqlite(data / "tiercel.db") as db:
        (execution_id,) = SqlExecutionStore(db).find(namespace="t")
        loaded = SqlExecutionStore(db).load(execution_id)
    assert loaded is not None
    (wait,) = [run.id for run in loaded[1] if run.task_id == "wait"]
    assert f"{wait} 1" in lines, "flow test journals the attempts it begins"
    journal.write_text("".join(f"{line}\n" for line in lines if not line.startswith(wait)))
    attempts = recovered_runs(flows, data)
    assert attempts["wait"] == [State.SUCCESS]
    assert attempts["before"] == [State.SUCCESS]
    assert not list((data / "running").glob("*.started")), "a read journal is deleted"


def test_recover_takes_a_journaled_result_instead_of_running_again(tmp_path: Path) -> None:
    # The attempt ended and its result was journaled before the kill, but not stored: the
    # result is taken, the task is not run a second time.
    flows, data = killed_mid_sleep(tmp_path)
    journal = journal_of(data)
    with Database.sqlite(data / "tiercel.db") as db:
        (execution_id,) = SqlExecutionStore(db).find(namespace="t")
        loaded = SqlExecutionStore(db).load(execution_id)
    assert loaded is not None
    (wait,) = [run.id for run in loaded[1] if run.task_id == "wait"]
    with journal.open("a") as file:
        file.write(f'["{wait}", 1, "SUCCESS", null]\n')
    attempts = recovered_runs(flows, data)
    assert attempts["wait"] == [State.SUCCESS]
    assert attempts["after"] == [State.SUCCESS]


def test_recover_without_a_journal_ends_a_running_attempt_killed(tmp_path: Path) -> None:
    # No journal says whether the attempt began: it may have, so it ends KILLED.
    flows, data = killed_mid_sleep(tmp_path)
    journal_of(data).unlink()
    assert recovered_runs(flows, data)["wait"] == [State.KILLED, State.SUCCESS]
