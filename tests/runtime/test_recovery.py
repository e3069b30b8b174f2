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
