"""``GET /executions/{id}`` shapes the stored task runs into Kestra's JSON without parsing them
into models: over a live server, it answers exactly what the model path answers (secrets
masked, encrypted outputs hidden, escapes kept), and gzips a large answer when asked."""

import base64
import gzip
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from tests.api.conftest import LiveServer, start_live

from tiercel.model.execution import Attempt, Execution, RunState, TaskRun
from tiercel.model.secrets import ENCRYPTED_TYPE, MASK
from tiercel.model.state import State
from tiercel.wiring.server import ServerConfig

TOKEN = "tok-9f8e7d6c5b4a"
T0 = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
BASE = "/api/v1/main/executions"


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    monkeypatch.setenv("SECRET_API_TOKEN", base64.b64encode(TOKEN.encode()).decode())
    yield from start_live(ServerConfig(data_dir=tmp_path / "data", threads=2))


def _state(final: State, seconds: float) -> RunState:
    running = RunState.start(State.CREATED, T0).to(State.RUNNING, T0)
    return running if final is State.RUNNING else running.to(final, T0 + timedelta(seconds=seconds))


def _run(index: int, **fields: object) -> TaskRun:
    values: dict[str, object] = {
        "id": f"run{index}",
        "execution_id": "read1",
        "namespace": "company.team",
        "flow_id": "reader",
        "task_id": "step",
        "attempts": (Attempt.model_construct(state=_state(State.SUCCESS, 1)),),
        "outputs": {"value": index},
        "state": _state(State.SUCCESS, 1 + index / 1000),
        "memo": {"kept": "apart"},
        **fields,
    }
    return TaskRun.model_construct(**values)


def _store(live: LiveServer, runs: list[TaskRun]) -> None:
    execution = Execution.model_construct(
        id="read1",
        namespace="company.team",
        flow_id="reader",
        state=_state(State.RUNNING, 0),
        labels=(),
    )
    live.server.services.executions.save(execution, runs)


def _model_answer(live: LiveServer) -> object:
    """What the model path shows: every run parsed, ``to_kestra_json``, the whole masked."""
    stored = live.server.services.executions.load("read1")
    assert stored is not None
    execution, runs = stored
    return live.server.app.state.ctx.masker.mask_value(execution.to_kestra_json(runs))


def test_the_answer_is_the_model_paths(live: LiveServer) -> None:
    runs = [
        _run(0, attempts=(), outputs=None, state=_state(State.RUNNING, 0)),
        _run(1, outputs={"token": TOKEN, "loud": TOKEN.upper(), "plain": "nothing"}),
        _run(2, outputs={"pw": {"type": ENCRYPTED_TYPE, "value": "cipher"}}),
        _run(3, outputs={TOKEN: "a secret as a key"}),
        _run(4, outputs={"quoted": f'say "{TOKEN}"\nthen é', "n": [1.5, None, True]}),
        _run(5, parent_task_run_id="run0", value="v", iteration=3),
    ]
    _store(live, runs)
    answer = live.client.get(f"{BASE}/read1")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body == _model_answer(live)
    assert TOKEN not in answer.text
    shown = {run["id"]: run for run in body["taskRunList"]}
    assert shown["run0"]["attempts"] is None
    assert shown["run0"]["state"]["endDate"] is None
    assert shown["run1"]["outputs"] == {"token": MASK, "loud": MASK, "plain": "nothing"}
    assert shown["run2"]["outputs"] == {"pw": MASK}
    assert shown["run3"]["outputs"] == {MASK: "a secret as a key"}
    assert shown["run4"]["outputs"]["quoted"] == f'say "{MASK}"\nthen é'
    assert "memo" not in shown["run5"]
    assert shown["run5"]["iteration"] == 3


def test_a_large_answer_is_gzipped_for_a_client_that_asks(live: LiveServer) -> None:
    _store(live, [_run(index) for index in range(300)])
    url = f"{live.url}{BASE}/read1"
    raw = httpx.get(url, headers={"Accept-Encoding": "gzip"}).read()
    with (
        httpx.Client() as client,
        client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as packed,
    ):
        assert packed.headers["content-encoding"] == "gzip"
        assert packed.headers["vary"] == "Accept-Encoding"
        compressed = b"".join(packed.iter_raw())
    plain = httpx.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert gzip.decompress(compressed) == plain.content == raw
    assert len(compressed) * 5 < len(plain.content)
    assert len(plain.json()["taskRunList"]) == 300


def test_an_unknown_execution_is_a_404(live: LiveServer) -> None:
    answer = live.client.get(f"{BASE}/nope")
    assert answer.status_code == 404
    assert "nope" in answer.json()["message"]
