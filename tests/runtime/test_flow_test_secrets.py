"""``tiercel flow test`` and secrets: a SECRET input is encrypted in the data directory (its
key made there, mode 0600), masked in the printed logs, outputs and ``--json``; the task
processes see only the environment ``--allowed-env`` (or ``$TIERCEL_ALLOWED_ENV``) allows."""

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from tiercel.cli.main import cli
from tiercel.model.secrets import variants

PASSWORD = "c0rrect-h0rse"

FLOW = """\
id: secret_cli
namespace: company.team
inputs:
  - id: pw
    type: SECRET
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "pw={{ inputs.pw }} b64={{ inputs.pw | base64encode }}"
  - id: ret
    type: io.kestra.plugin.core.debug.Return
    format: "{{ inputs.pw | upper }}"
  - id: env
    type: io.kestra.plugin.scripts.shell.Commands
    env:
      PW: "{{ inputs.pw }}"
    commands:
      - 'echo "allowed=${ALLOWED_CLI:-none} other=${OTHER_CLI:-none} tiercel=${TIERCEL_CLI:-none}"'
      - '[ "$PW" = "c0rrect-h0rse" ] && echo "clear value received"'
outputs:
  - id: shouted
    type: STRING
    value: "{{ outputs.ret.value }}"
"""


@pytest.fixture
def flow_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ALLOWED_CLI", "yes")
    monkeypatch.setenv("OTHER_CLI", "leaked")
    monkeypatch.setenv("TIERCEL_CLI", "leaked")
    monkeypatch.delenv("TIERCEL_ALLOWED_ENV", raising=False)
    monkeypatch.delenv("TIERCEL_SECRET_KEY", raising=False)
    path = tmp_path / "flow.yaml"
    path.write_text(FLOW)
    return path


def run(flow_file: Path, data: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["flow", "test", str(flow_file), f"pw={PASSWORD}", "--data-dir", str(data), *args]
    )
    return result.exit_code, result.stdout


def hidden(text: str) -> bool:
    return not any(form in text for form in variants(PASSWORD))


def test_json_shows_the_secret_masked_and_the_data_directory_holds_it_encrypted(
    flow_file: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    code, out = run(flow_file, data, "--json")
    assert code == 0, out
    execution = json.loads(out)
    assert execution["inputs"] == {"pw": "******"}
    assert execution["outputs"] == {"shouted": "******"}
    assert hidden(out)
    assert stat.S_IMODE((data / "secret.key").stat().st_mode) == 0o600
    stored = b"".join(path.read_bytes() for path in data.rglob("*") if path.is_file())
    assert not any(form.encode() in stored for form in variants(PASSWORD))
    assert b"aes_encrypted" in stored


def test_printed_logs_are_masked_and_only_allowed_variables_reach_scripts(
    flow_file: Path, tmp_path: Path
) -> None:
    code, out = run(flow_file, tmp_path / "data", "--allowed-env", "ALLOWED_*")
    assert code == 0, out
    assert "pw=****** b64=******" in out
    assert "clear value received" in out
    assert "allowed=yes other=none tiercel=none" in out
    assert hidden(out)


def test_the_allowed_names_can_come_from_the_environment(
    flow_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIERCEL_ALLOWED_ENV", '["ALLOWED_CLI", "TIERCEL_CLI"]')
    code, out = run(flow_file, tmp_path / "data")
    assert code == 0, out
    assert "allowed=yes other=none tiercel=none" in out


CONDITIONS = """\
id: secret_conditions
namespace: company.team
inputs:
  - id: pw
    type: SECRET
tasks:
  - id: check
    type: io.kestra.plugin.core.flow.If
    condition: "{{ inputs.pw == 'c0rrect-h0rse' }}"
    then:
      - id: right
        type: io.kestra.plugin.core.log.Log
        message: the password matched
    else:
      - id: wrong
        type: io.kestra.plugin.core.log.Log
        message: the password did not match
  - id: guarded
    type: io.kestra.plugin.core.log.Log
    runIf: "{{ inputs.pw | length == 13 }}"
    message: runIf saw the clear value
"""


def test_the_executor_evaluates_conditions_on_the_clear_value(tmp_path: Path) -> None:
    # If and runIf are evaluated by the executor, not a worker: they must see the decrypted
    # value, not the stored encrypted map (which would never equal the password).
    flow = tmp_path / "conditions.yaml"
    flow.write_text(CONDITIONS)
    code, out = run(flow, tmp_path / "data")
    assert code == 0, out
    assert "the password matched" in out
    assert "did not match" not in out
    assert "runIf saw the clear value" in out
    assert PASSWORD not in out
