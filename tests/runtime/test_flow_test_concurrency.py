"""``tiercel flow test`` honours a flow's ``concurrency``, as a server does: subflow executions
over the limit are queued (and run one after the other), cancelled or failed."""

import itertools
from pathlib import Path

import pytest
from click.testing import CliRunner

from tiercel.cli.main import cli
from tiercel.model.execution import Execution
from tiercel.model.state import State
from tiercel.storage import Database, LogQuery, SqlExecutionStore, SqlLogStore

CHILD = """\
id: child
namespace: t
concurrency:
  limit: 1
  behavior: {behavior}
inputs:
  - {{id: n, type: INT}}
tasks:
  - {{id: nap, type: io.kestra.plugin.core.flow.Sleep, duration: PT0.2S}}
"""

PARENT = """\
id: parent
namespace: t
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: [1, 2, 3]
    concurrencyLimit: 0
    tasks:
      - id: call
        type: io.kestra.plugin.core.flow.Subflow
        namespace: t
        flowId: child
        inputs: {{n: "{{{{ taskrun.value }}}}"}}
        wait: {wait}
"""


def run_parent(tmp_path: Path, behavior: str, *, wait: bool = True) -> tuple[int, str, Path]:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "child.yaml").write_text(CHILD.format(behavior=behavior))
    parent = tmp_path / "parent.yaml"
    parent.write_text(PARENT.format(wait="true" if wait else "false"))
    data = tmp_path / "data"
    result = CliRunner().invoke(
        cli, ["flow", "test", str(parent), "--flows", str(flows), "--data-dir", str(data)]
    )
    return result.exit_code, result.stdout, data


def children(data: Path) -> list[Execution]:
    database = Database(f"sqlite:///{data / 'tiercel.db'}")
    try:
        store = SqlExecutionStore(database)
        found = [store.get(eid) for eid in store.find(namespace="t", flow_id="child")]
    finally:
        database.close()
    return [execution for execution in found if execution is not None]


def test_queued_children_run_one_after_the_other(tmp_path: Path) -> None:
    code, out, data = run_parent(tmp_path, "QUEUE")
    assert code == 0, out
    ended = children(data)
    assert [e.state.current for e in ended] == [State.SUCCESS] * 3
    queued = [e for e in ended if State.QUEUED in [h.state for h in e.state.histories]]
    assert len(queued) == 2  # the first ran at once
    spans = sorted(
        (next(h.date for h in e.state.histories if h.state is State.RUNNING), e.state.end_date)
        for e in ended
    )
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end is not None and end <= start, "two executions of the child ran at once"


@pytest.mark.parametrize(
    ("behavior", "state"), [("CANCEL", State.CANCELLED), ("FAIL", State.FAILED)]
)
def test_children_over_the_limit_end_at_once(tmp_path: Path, behavior: str, state: State) -> None:
    code, out, data = run_parent(tmp_path, behavior)
    # The caller waiting for a refused child hears of its end at once, and ends too.
    assert code == 1, out
    assert "parent" in out and "FAILED" in out
    ended = children(data)
    assert sorted(e.state.current for e in ended) == sorted([State.SUCCESS, state, state])
    refused = [e for e in ended if e.state.current is state]
    for execution in refused:
        assert [h.state for h in execution.state.histories] == [State.CREATED, state]
    database = Database(f"sqlite:///{data / 'tiercel.db'}")
    try:
        lines = SqlLogStore(database).find(LogQuery(execution_id=refused[0].id))
    finally:
        database.close()
    messages = [line.message for line in lines]
    if state is State.FAILED:
        assert messages == ["Execution is FAILED due to concurrency limit exceeded"]
        assert "Execution is FAILED due to concurrency limit exceeded" in out
    else:
        assert messages == []  # Kestra cancels without a line
