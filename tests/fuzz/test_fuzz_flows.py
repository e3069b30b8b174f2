"""1,000 mutated flows at ``tiercel flow validate`` and at ``POST /flows/validate``: every one
gets an answer (valid, or problems with a line each), never a traceback or a 5xx."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.fuzz.conftest import COUNTS, FuzzServer
from tests.fuzz.mutator import mutated_flows
from tiercel.cli.main import cli

FLOWS = 1000


@pytest.fixture(scope="module")
def flows() -> list[str]:
    return mutated_flows(FLOWS)


def test_flow_validate_answers_every_mutated_flow(tmp_path: Path, flows: list[str]) -> None:
    folder = tmp_path / "flows"
    folder.mkdir()
    for index, source in enumerate(flows):
        (folder / f"case{index:04d}.yaml").write_bytes(source.encode("utf-8", "surrogatepass"))
    result = CliRunner().invoke(cli, ["flow", "validate", "--quiet", str(folder)])
    output = result.output + result.stderr
    assert isinstance(result.exception, SystemExit), (result.exception, output[-3000:])
    assert "Traceback" not in output
    summary = output.strip().splitlines()[-1]
    assert summary.endswith(f"of {FLOWS} file(s) valid"), summary
    valid = int(summary.split()[0])
    COUNTS["flows: flow validate (CLI)"] += FLOWS
    COUNTS["flows: flow validate, valid"] += valid
    COUNTS["flows: flow validate, tracebacks"] += 0  # any would have failed the run above
    # Every invalid file is named by at least one problem line (a valid one may have notices).
    named = {line.split(":", 1)[0] for line in output.splitlines() if line.startswith(str(folder))}
    assert len(named) >= FLOWS - valid


def test_post_flows_validate_answers_every_mutated_flow(
    fuzz_server: FuzzServer, flows: list[str]
) -> None:
    client = fuzz_server.client
    server_errors: list[tuple[int, int, str]] = []
    not_json = 0
    for index, source in enumerate(flows):
        response = client.post(
            "/api/v1/main/flows/validate",
            content=source.encode("utf-8", "surrogatepass"),
            headers={"content-type": "application/x-yaml"},
        )
        if response.status_code >= 500:
            server_errors.append((index, response.status_code, response.text[:300]))
        try:
            body = response.json()
        except ValueError:
            not_json += 1
            continue
        if response.status_code == 200:
            assert isinstance(body, list), (index, body)  # empty when no document is in it
            for entry in body:
                assert "constraints" in entry or entry.get("flow"), (index, entry)
        else:
            assert isinstance(body.get("message"), str), (index, body)
    COUNTS["flows: POST /flows/validate"] += len(flows)
    COUNTS["flows: POST /flows/validate, 5xx"] += len(server_errors)
    COUNTS["flows: POST /flows/validate, non-JSON"] += not_json
    tracebacks = len(fuzz_server.tracebacks.records)
    COUNTS["flows: POST /flows/validate, server tracebacks"] += tracebacks
    assert server_errors == []
    assert not_json == 0
    assert tracebacks == 0, [r.getMessage() for r in fuzz_server.tracebacks.records][:5]
    assert client.get("/ping").text == "pong"
