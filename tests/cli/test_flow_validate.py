"""``tiercel flow validate``: valid flows pass, every problem is printed, exit status tells."""

import subprocess
import sys
from pathlib import Path
from textwrap import dedent

from click.testing import CliRunner

from tiercel.cli.main import cli

GOOD = """\
id: hello
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
"""

BAD = """\
id: etl
namespace: company
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: hi
  - id: outer
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - id: inner
        type: io.kestra.plugin.core.log.Lgo
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_valid_files_and_directories(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text(GOOD.replace("hello", "other"))
    (tmp_path / "notes.txt").write_text("not a flow")
    code, out, err = run("flow", "validate", str(tmp_path))
    assert code == 0, err
    assert "company.team.hello" in out and "company.team.other" in out
    assert "2 of 2 file(s) valid" in out


def test_errors_name_file_line_column_path_and_suggest(tmp_path: Path) -> None:
    bad = tmp_path / "etl.yaml"
    bad.write_text(BAD)
    (tmp_path / "ok.yaml").write_text(GOOD)
    code, _, err = run("flow", "validate", str(tmp_path))
    assert code == 1
    assert (
        f"{bad}:11:9: tasks[1].tasks[0].type: Invalid type: unknown task type "
        "'io.kestra.plugin.core.log.Lgo' — did you mean 'io.kestra.plugin.core.log.Log'?"
    ) in err
    assert "1 of 2 file(s) valid" in err


def test_hostile_files_get_a_message_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "binary.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "empty.yaml").write_text("")
    (tmp_path / "bomb.yaml").write_text(
        "\n".join(
            ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
            + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
        )
    )
    (tmp_path / "deep.yaml").write_text("a: " + "[" * 100_000 + "]" * 100_000)
    (tmp_path / "big.yaml").write_bytes(b"# padding\n" * 5_300_000)
    code, _, err = run("flow", "validate", str(tmp_path))
    assert code == 1
    assert "Traceback" not in err
    assert "binary.yaml:1:1: this is a binary file" in err
    assert "empty.yaml:1:1: empty file" in err
    assert "alias bomb" in err
    assert "deep.yaml:1:" in err and "nesting deeper than" in err
    assert "big.yaml:1:1: file is 50.5 MiB, over the 10 MiB limit" in err


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("flow", "validate", str(tmp_path / "nope.yaml"))
    assert code == 1
    assert "nope.yaml:1:1: cannot read" in err


def test_the_console_script_runs(tmp_path: Path) -> None:
    flow = tmp_path / "flow.yaml"
    flow.write_text(dedent(GOOD))
    done = subprocess.run(
        [sys.executable, "-m", "tiercel", "flow", "validate", str(flow)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "company.team.hello" in done.stdout
