"""Assertions Kestra's tests make that the catalog gives only in words (``notes``)."""

from pathlib import Path

import pytest

from tests.compat.test_execution_corpus import corpus_flows
from tiercel.runtime.local import LocalRunner
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
