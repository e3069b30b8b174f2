"""The script tasks of R, Julia, Ruby, PowerShell, Go, Deno and Bun.

Ruby, R and Bun run for real (`.ci/run` installs them: Debian's `ruby` and `r-base-core`, npm's
`bun`). Julia, PowerShell, Go and Deno are too heavy for CI: their command lines are checked
against a stand-in interpreter (a shell script that records its arguments), and every language
is checked to fail in one line, with its install command, when its interpreter is missing.
"""

import os
import shutil
from pathlib import Path

import pytest
from scripts_support import messages, run_flow, state_of

from tiercel.model import load_flows
from tiercel.registry import default_registry
from tiercel.sdk import plugin_info

S = "io.kestra.plugin.scripts."
LANGUAGES = {
    "r": ("Rscript", "R", "apt-get install -y --no-install-recommends r-base-core"),
    "julia": ("julia", "Julia", "put `julia` on the PATH"),
    "ruby": ("ruby", "Ruby", "apt-get install -y ruby"),
    "powershell": ("pwsh", "PowerShell", "put `pwsh` on the PATH"),
    "go": ("go", "Go", "apt-get install -y golang-go"),
    "deno": ("deno", "Deno", "npm install -g deno"),
    "bun": ("bun", "Bun", "npm install -g bun"),
}
BUN_DIR = Path(
    os.environ.get("TIERCEL_BUN_DIR", Path.home() / ".cache" / "tiercel" / "bun")
).joinpath("node_modules", ".bin")
"""Where `.ci/run` installs Bun from npm."""


def interpreter(binary: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``binary`` reachable on PATH, or skip (fail in CI, which installs it)."""
    if shutil.which(binary) is not None:
        return
    if binary == "bun" and (BUN_DIR / "bun").exists():
        monkeypatch.setenv("PATH", f"{BUN_DIR}{os.pathsep}{os.environ['PATH']}")
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI installs {binary} for these tests (see .ci/run), but it is missing")
    pytest.skip(f"{binary} is not installed")


def one(language: str, kind: str, body: str) -> str:
    return f"""
        id: f
        namespace: t
        tasks:
          - id: s
            type: {S}{language}.{kind}
{body}"""


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_each_language_validates_without_its_interpreter(
    language: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    text = f"""
id: f
namespace: t
tasks:
  - id: script
    type: {S}{language}.Script
    script: "1"
    beforeCommands: ["true"]
    outputFiles: ["*.csv"]
  - id: commands
    type: {S}{language}.Commands
    commands: ["true"]
    env: {{A: b}}
"""
    result = load_flows(text.encode(), "f.yaml", default_registry())
    assert result.ok, result.all_problems()
    missing = load_flows(
        f"id: f\nnamespace: t\ntasks:\n  - id: s\n    type: {S}{language}.Script\n".encode(),
        "f.yaml",
        default_registry(),
    )
    assert not missing.ok and "script" in str(missing.all_problems())


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("kind", ["Script", "Commands"])
def test_a_missing_interpreter_fails_in_one_line_with_its_install_command(
    language: str, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    binary, name, install = LANGUAGES[language]
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    body = "            script: '1'" if kind == "Script" else "            commands: ['true']"
    finished = run_flow(tmp_path, one(language, kind, body))
    assert state_of(finished, "s") == "FAILED"
    (line,) = [m for m in messages(finished, "s") if "not installed" in m]
    assert line.startswith(f"{name} is not installed on this worker: '{binary}' is not on its PATH")
    assert install in line and "\n" not in line


def test_the_task_env_path_is_the_one_searched(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        one(
            "ruby",
            "Commands",
            f"            commands: ['true']\n            env: {{PATH: {tmp_path}}}",
        ),
    )
    assert state_of(finished, "s") == "FAILED"
    assert any(f"is not on its PATH ({tmp_path})" in m for m in messages(finished, "s"))


def test_ruby_script_and_commands_run_with_outputs_and_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    interpreter("ruby", monkeypatch)
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: rb
            type: {S}ruby.Script
            outputFiles: ["*.csv"]
            script: |
              require "json"
              require "csv"
              puts "ruby says #{{[3, 1, 2].sort.inspect}} in {{{{ flow.id }}}}"
              CSV.open("out.csv", "w") {{ |csv| csv << ["n", 2] }}
              puts "::" + JSON.generate({{"outputs" => {{"total" => (1..10).sum}}}}) + "::"
          - id: cmd
            type: {S}ruby.Commands
            inputFiles:
              main.rb: puts ARGV.join("+")
            beforeCommands: ["ruby -v > /dev/null"]
            commands:
              - ruby main.rb a b
        """,
    )
    assert state_of(finished, "rb") == "SUCCESS", messages(finished, "rb")
    assert messages(finished, "rb") == ["ruby says [1, 2, 3] in f"]
    assert finished.outputs["rb"]["vars"] == {"total": 55}
    assert set(finished.outputs["rb"]["outputFiles"]) == {"out.csv"}
    assert messages(finished, "cmd") == ["a+b"]


def test_ruby_commands_stop_at_the_first_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    interpreter("ruby", monkeypatch)
    body = "            commands:\n              - ruby -e 'exit 3'\n              - echo never"
    finished = run_flow(tmp_path, one("ruby", "Commands", body))
    assert state_of(finished, "s") == "FAILED"
    assert "never" not in messages(finished, "s")
    assert any(m.startswith("Command failed with exit code 3") for m in messages(finished, "s"))


def test_r_script_and_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    interpreter("Rscript", monkeypatch)
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: r
            type: {S}r.Script
            script: |
              cat("mean", mean(c(2, 4, 9)), "\\n")
              write.csv(data.frame(x = 1:3), file.path("{{{{ outputDir }}}}", "x.csv"),
                        row.names = FALSE)
              cat('::{{"outputs": {{"n": ', nrow(mtcars), '}}}}::\\n', sep = "")
          - id: cmd
            type: {S}r.Commands
            inputFiles:
              main.R: cat(rev(commandArgs(trailingOnly = TRUE)), "\\n")
            commands:
              - Rscript main.R a b
        """,
    )
    assert state_of(finished, "r") == "SUCCESS", messages(finished, "r")
    assert messages(finished, "r") == ["mean 5 "]
    assert finished.outputs["r"]["vars"] == {"n": 32}
    stored = finished.outputs["r"]["outputFiles"]["x.csv"]
    assert stored.startswith("kestra://")
    assert messages(finished, "cmd") == ["b a "]


def test_an_r_error_fails_the_task(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    interpreter("Rscript", monkeypatch)
    finished = run_flow(tmp_path, one("r", "Script", "            script: stop('no data')"))
    assert state_of(finished, "s") == "FAILED"
    logged = messages(finished, "s")
    assert any("no data" in m for m in logged)
    assert any(m.startswith("Command failed with exit code 1") for m in logged)


def test_bun_script_and_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    interpreter("bun", monkeypatch)
    finished = run_flow(
        tmp_path,
        f"""
        id: f
        namespace: t
        tasks:
          - id: ts
            type: {S}bun.Script
            script: |
              const xs: number[] = [3, 1, 2];
              console.log("bun sorted " + xs.sort().join(","));
              console.log("::" + JSON.stringify({{outputs: {{bun: typeof Bun.version}}}}) + "::");
          - id: cmd
            type: {S}bun.Commands
            inputFiles:
              index.ts: console.log(process.argv.slice(2).join("|"));
            commands:
              - bun run index.ts x y
        """,
    )
    assert state_of(finished, "ts") == "SUCCESS", messages(finished, "ts")
    assert messages(finished, "ts") == ["bun sorted 1,2,3"]
    assert finished.outputs["ts"]["vars"] == {"bun": "string"}
    assert messages(finished, "cmd") == ["x|y"]


def stand_in(directory: Path, binary: str) -> Path:
    """An executable named ``binary`` that logs its arguments, one per line, then each line of
    the file it is given (when it is given one), as a real interpreter would read it."""
    directory.mkdir(exist_ok=True)
    record = directory / f"{binary}.args"
    script = directory / binary
    script.write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do echo "arg: $a"; done\n'
        'for a in "$@"; do [ -f "$a" ] && sed "s/^/file: /" "$a"; done\n'
        "exit 0\n"
    )
    script.chmod(0o755)
    return record


@pytest.mark.parametrize(
    ("language", "binary", "run", "suffix"),
    [
        ("julia", "julia", [], ".jl"),
        ("go", "go", ["run"], ".go"),
        ("deno", "deno", ["run"], ".ts"),
    ],
)
def test_script_gives_its_file_to_the_interpreter(
    language: str,
    binary: str,
    run: list[str],
    suffix: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bin_dir = tmp_path / "bin"
    stand_in(bin_dir, binary)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    body = "            script: |\n              first line {{ flow.id }}\n              second"
    finished = run_flow(tmp_path / "run", one(language, "Script", body))
    assert state_of(finished, "s") == "SUCCESS", messages(finished, "s")
    logged = messages(finished, "s")
    args = [m.removeprefix("arg: ") for m in logged if m.startswith("arg: ")]
    assert args[: len(run)] == run and len(args) == len(run) + 1
    assert args[-1].endswith(suffix) and os.path.isabs(args[-1])
    assert [m for m in logged if m.startswith("file: ")] == ["file: first line f", "file: second"]


def test_powershell_runs_its_lines_with_pwsh_and_stops_on_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    stand_in(bin_dir, "pwsh")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    body = (
        "            beforeCommands: ['Import-Module X']\n"
        "            script: \"'Hello' | Write-Output\""
    )
    finished = run_flow(tmp_path / "run", one("powershell", "Script", body))
    assert state_of(finished, "s") == "SUCCESS", messages(finished, "s")
    # pwsh -NoProfile -NonInteractive -Command "<the lines>", the script called with `&`.
    logged = messages(finished, "s")
    assert logged[:5] == [
        "arg: -NoProfile",
        "arg: -NonInteractive",
        "arg: -Command",
        "arg: $ErrorActionPreference = 'Stop'",
        "Import-Module X",
    ]
    assert logged[5].startswith("& '") and logged[5].endswith(".ps1'")
    assert len(logged) == 6


@pytest.mark.parametrize(
    ("language", "binary"), [("ruby", "ruby"), ("r", "Rscript"), ("bun", "bun")]
)
@pytest.mark.parametrize("kind", ["Script", "Commands"])
def test_the_documented_examples_run(
    language: str, binary: str, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    interpreter(binary, monkeypatch)
    plugin = default_registry().get(f"{S}{language}.{kind}")
    info = plugin_info(plugin) if plugin is not None else None
    assert info is not None
    (example,) = info.examples
    finished = run_flow(tmp_path, example.code)
    problems = [line.message for line in finished.logs if line.level.value == "ERROR"]
    assert finished.execution.state.current.value == "SUCCESS", problems
