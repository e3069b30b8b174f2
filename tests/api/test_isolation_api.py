"""One task's flood of log lines, endless lines and large outputs, against a live server:
bounded, cut with a marker, and no harm to the other executions; and a kill through the API
says who killed."""

import base64
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from tests.api.conftest import USERS, LiveServer, start_live

from tiercel.runtime.services import RunLimits
from tiercel.wiring.server import ServerConfig

LIMITS = RunLimits(log_line_chars=1000, log_bytes_per_task_run=200_000, output_bytes=10_000)

FLOOD = """\
id: flood
namespace: iso
tasks:
  - id: print
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - i=0; while [ $i -lt 40000 ]; do echo "line $i of the flood"; i=$((i+1)); done
"""

QUICK = """\
id: quick
namespace: iso
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: hello
"""

LONG_LINE = """\
id: long_line
namespace: iso
tasks:
  - id: print
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - head -c 3000000 /dev/zero | tr '\\0' x; echo; echo after
"""

BIG_OUTPUT = """\
id: big_output
namespace: iso
tasks:
  - id: out
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - big=$(head -c 50000 /dev/zero | tr '\\0' y)
      - printf '::{"outputs":{"small":"s","big":"%s"}}::\\n' "$big"
  - id: use
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.out.vars.small }} {{ outputs.out.vars.big }}"
"""

SLEEPER = """\
id: sleeper
namespace: iso
tasks:
  - id: nap
    type: io.kestra.plugin.scripts.shell.Commands
    commands:
      - sleep 60
"""


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[LiveServer]:
    config = ServerConfig(data_dir=tmp_path / "data", threads=8, limits=LIMITS)
    yield from start_live(config)


def _create(live: LiveServer, flow: str) -> str:
    response = live.client.post(f"/api/v1/main/executions/iso/{flow}")
    assert response.status_code == 200, response.text
    execution_id: str = response.json()["id"]
    return execution_id


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _logs(live: LiveServer, execution_id: str) -> list[dict[str, str]]:
    response = live.client.get(f"/api/v1/main/logs/{execution_id}")
    assert response.status_code == 200
    lines: list[dict[str, str]] = response.json()
    return lines


def test_a_log_flood_is_capped_and_does_not_hold_up_other_executions(
    limited: LiveServer,
) -> None:
    for source in (FLOOD, QUICK):
        limited.deploy(source)
    flood = _create(limited, "flood")
    # Created and run while the flood goes on: every create answers 200.
    quick = [_create(limited, "quick") for _ in range(20)]
    for execution_id in quick:
        assert limited.wait_ended(execution_id)["state"]["current"] == "SUCCESS"  # type: ignore[index]
    ended = limited.wait_ended(flood, timeout=120)
    lines = _logs(limited, flood)
    stored = sum(len(line["message"].encode()) for line in lines[:-1])
    assert stored <= LIMITS.log_bytes_per_task_run
    warning = lines[-1]
    assert warning["level"] == "WARN"
    assert "log lines" in warning["message"] and "were dropped" in warning["message"]
    dropped = int(warning["message"].split(" ")[0])
    assert len(lines) - 1 + dropped == 40000
    # The final state is stored after the task's last line.
    # Compared as instants: a whole second is written without a fraction ("…:00Z").
    last = max(_instant(line["timestamp"]) for line in lines)
    assert last <= _instant(ended["state"]["histories"][-1]["date"])  # type: ignore[index]


def test_an_endless_line_is_truncated_with_a_marker(limited: LiveServer) -> None:
    limited.deploy(LONG_LINE)
    execution_id = _create(limited, "long_line")
    assert limited.wait_ended(execution_id)["state"]["current"] == "SUCCESS"  # type: ignore[index]
    messages = [line["message"] for line in _logs(limited, execution_id)]
    long = messages[0]
    assert long.startswith("x" * LIMITS.log_line_chars)
    assert long.endswith("more characters]") and "[truncated:" in long
    assert len(long) < LIMITS.log_line_chars + 100
    assert messages[1] == "after"


def test_a_large_output_goes_to_internal_storage(limited: LiveServer) -> None:
    limited.deploy(BIG_OUTPUT)
    execution_id = _create(limited, "big_output")
    body = limited.wait_ended(execution_id)
    assert body["state"]["current"] == "SUCCESS"  # type: ignore[index]
    run = next(r for r in body["taskRunList"] if r["taskId"] == "out")  # type: ignore[attr-defined]
    big = run["outputs"]["vars"]["big"]
    assert run["outputs"]["vars"]["small"] == "s"
    assert big.startswith("kestra:///iso/big-output/executions/")
    messages = [line["message"] for line in _logs(limited, execution_id)]
    assert any("Output 'vars.big'" in m and "stored as kestra://" in m for m in messages)
    assert f"s {big}" in messages
    assert json.loads(limited.server.services.storage.read_bytes(big)) == "y" * 50000


def test_a_kill_through_the_api_logs_who_killed(tmp_path: Path) -> None:
    config = ServerConfig(data_dir=tmp_path / "data", threads=2, users=dict(USERS))
    for live in start_live(config):
        auth = base64.b64encode(b"admin:" + USERS["admin"].encode()).decode()
        live.client.headers["Authorization"] = f"Basic {auth}"
        live.deploy(SLEEPER)
        execution_id = _create(live, "sleeper")
        while not live.client.get(f"/api/v1/main/executions/{execution_id}").json()["taskRunList"]:
            pass
        response = live.client.post(f"/api/v1/main/executions/{execution_id}/kill")
        assert response.status_code == 202
        assert live.wait_ended(execution_id)["state"]["current"] == "KILLED"  # type: ignore[index]
        lines = _logs(live, execution_id)
        said = [(line["level"], line.get("taskId"), line["message"]) for line in lines]
        who = "user 'admin' through the API from 127.0.0.1"
        assert ("WARN", None, f"Execution killed by {who}") in said
        assert ("WARN", "nap", f"Task run killed by {who}") in said
