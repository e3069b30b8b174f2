"""``tiercel flow validate`` on hostile files: one line naming the problem, never a traceback."""

from pathlib import Path

from click.testing import CliRunner

from tiercel.cli.main import cli

FLOW = """\
id: numbers
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: {value}
"""


def test_an_integer_over_4300_digits_is_one_problem_line(tmp_path: Path) -> None:
    file = tmp_path / "big.yaml"
    file.write_text(FLOW.format(value="9" * 4301))
    result = CliRunner().invoke(cli, ["flow", "validate", str(file)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    assert f"{file}:6:14: a number of 4301 digits is too large (at most 4300)" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_a_long_number_that_fits_or_a_quoted_one_is_valid(tmp_path: Path) -> None:
    fits = tmp_path / "fits.yaml"
    fits.write_text(FLOW.format(value="9" * 4300))
    quoted = tmp_path / "quoted.yaml"
    quoted.write_text(FLOW.format(value='"' + "9" * 5000 + '"'))
    result = CliRunner().invoke(cli, ["flow", "validate", str(fits), str(quoted)])
    assert result.exit_code == 0, result.output + result.stderr
