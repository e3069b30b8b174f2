"""Assertions Kestra's tests make that the catalog gives only in words (``notes``)."""

from pathlib import Path

import pytest

from tests.compat.test_execution_corpus import corpus_flows
from tiercel.runtime import LocalRunner
from tiercel.wiring import local_services


@pytest.mark.parametrize(
    ("flow_id", "size"),
    [("get-log", 3), ("get-log-taskid", 1), ("get-log-executionid", 3)],
)
def test_log_fetch_counts_the_execution_lines(flow_id: str, size: int, tmp_path: Path) -> None:
    flows = corpus_flows()
    with local_services(tmp_path) as services:
        finished = LocalRunner(services, flows).execute(flows[("io.kestra.tests", flow_id)])
    assert finished.execution.state.current.value == "SUCCESS"
    assert finished.outputs["get-log-task"]["size"] == size


def test_errors_branch_sees_the_error_logs(tmp_path: Path) -> None:
    flows = corpus_flows()
    with local_services(tmp_path) as services:
        finished = LocalRunner(services, flows).execute(flows[("io.kestra.tests", "errors")])
    messages = [line.message for line in finished.logs if line.task_id == "t2"]
    assert "- task: failed, message: Task failure" in messages


def hundred_and_two_lines(tmp_path: Path) -> str:
    """The file ForEachItemCaseTest uploads: 0..101, each left-padded to 20 characters."""
    path = tmp_path / "items.txt"
    path.write_text("".join(f"{n:>20}\n" for n in range(102)))
    return str(path)


def test_for_each_item_starts_one_execution_per_batch(tmp_path: Path) -> None:
    flows = corpus_flows()
    with local_services(tmp_path / "data") as services:
        finished = LocalRunner(services, flows).execute(
            flows[("io.kestra.tests", "for-each-item")],
            {"file": hundred_and_two_lines(tmp_path), "batch": 4},
        )
        assert finished.execution.state.current.value == "SUCCESS"
        assert len(finished.task_runs) == 4
        items = finished.task_runs[2]
        assert items.outputs is not None
        assert items.outputs["numberOfBatches"] == 26
        assert items.outputs["iterations"] == {"CREATED": 0, "RUNNING": 0, "SUCCESS": 26}
        children = [e for e in finished.executions.values() if e.parent_id]
        assert len(children) == 26
        assert all(c.state.current.value == "SUCCESS" for c in children)
        first = min(children, key=lambda c: c.state.start_date)
        batch = services.storage.read_bytes(first.inputs["items"]).decode()
        assert batch.count("\n") == 4
        assert "/for-each-item/executions/" in first.inputs["items"]
        assert "/tasks/each-split/" in first.inputs["items"]


def test_for_each_item_merges_the_children_outputs(tmp_path: Path) -> None:
    flows = corpus_flows()
    with local_services(tmp_path / "data") as services:
        finished = LocalRunner(services, flows).execute(
            flows[("io.kestra.tests", "for-each-item-outputs")],
            {"file": hundred_and_two_lines(tmp_path)},
        )
        assert finished.execution.state.current.value == "SUCCESS"
        merged = finished.outputs["each_merge"]["subflowOutputs"]
        assert services.storage.read_bytes(merged).decode().count("\n") == 26


def test_working_directory_children_see_their_parents(tmp_path: Path) -> None:
    flows = corpus_flows()
    with local_services(tmp_path) as services:
        finished = LocalRunner(services, flows).execute(
            flows[("io.kestra.tests", "working-directory-taskrun-nested")]
        )
    assert finished.execution.state.current.value == "SUCCESS"
    assert len(finished.task_runs) == 6
    parent = finished.outputs["log-workerparent"]["1"]["value"]
    assert '{"taskrun":{"value":"1"}}' in parent


@pytest.mark.parametrize(
    "flow_id",
    ["retry-new-execution-task-attempts", "retry-new-execution-flow-duration"],
)
def test_create_new_execution_retries_as_kestra_does(flow_id: str, tmp_path: Path) -> None:
    """JdbcRunnerRetryTest: three executions end, RETRIED, RETRIED and FAILED."""
    flows = corpus_flows()
    with local_services(tmp_path) as services:
        finished = LocalRunner(services, flows).execute(flows[("io.kestra.tests", flow_id)])
    executions = sorted(finished.executions.values(), key=lambda e: e.metadata.attempt_number)
    assert [e.state.current.value for e in executions] == ["RETRIED", "RETRIED", "FAILED"]
    assert [e.metadata.attempt_number for e in executions] == [1, 2, 3]
    first = executions[0].id
    assert all((e.original_id or e.id) == first for e in executions)
