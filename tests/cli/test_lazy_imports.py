"""The CLI imports only what the command it runs needs: no server code for ``--help``,
``flow validate`` or ``flow test``."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tiercel.cli.lazy import LazyGroup
from tiercel.cli.main import cli

SERVER_MODULES = ("fastapi", "starlette", "uvicorn", "tiercel.api", "tiercel.wiring.server")

FLOW = """\
id: hello
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
"""

# Runs the CLI in this interpreter, then prints the modules it loaded as JSON on stderr.
_PROBE = """
import json, sys
from tiercel.cli.main import cli
try:
    cli.main(sys.argv[1:], prog_name="tiercel")
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def loaded_by(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    marker = done.stderr.rsplit("MODULES ", 1)
    assert len(marker) == 2, done.stderr
    return set(json.loads(marker[1]))


def server_code(modules: set[str]) -> list[str]:
    return sorted(
        name
        for name in modules
        if any(name == m or name.startswith(m + ".") for m in SERVER_MODULES)
    )


@pytest.mark.parametrize("args", [["--help"], ["flow", "--help"], ["server", "--help"]])
def test_help_loads_no_server_code(args: list[str]) -> None:
    modules = loaded_by(*args)
    if args[0] != "server":
        assert server_code(modules) == []
        assert "tiercel.runtime" not in modules
    else:
        # Asking for the server's own help may load it; the top-level help must not.
        assert "tiercel.cli.server" in modules


def test_flow_validate_loads_no_server_code_nor_runtime(tmp_path: Path) -> None:
    flow = tmp_path / "hello.yaml"
    flow.write_text(FLOW)
    modules = loaded_by("flow", "validate", str(flow))
    assert "tiercel.model" in modules
    assert server_code(modules) == []
    assert "tiercel.runtime" not in modules


def test_flow_test_loads_no_server_code(tmp_path: Path) -> None:
    flow = tmp_path / "hello.yaml"
    flow.write_text(FLOW)
    modules = loaded_by("flow", "test", str(flow), "--data-dir", str(tmp_path / "data"))
    assert "tiercel.runtime" in modules  # it did run the flow
    assert server_code(modules) == []


def _groups(group: LazyGroup, prefix: str = "") -> list[tuple[str, LazyGroup]]:
    found = [(prefix, group)]
    for name in group.lazy:
        command = group.lazy[name].load()
        if isinstance(command, LazyGroup):
            found.extend(_groups(command, f"{prefix} {name}".strip()))
    return found


def test_the_listed_help_of_each_lazy_command_is_its_own() -> None:
    assert isinstance(cli, LazyGroup)
    for where, group in _groups(cli):
        for name, lazy in group.lazy.items():
            command = lazy.load()
            assert command.get_short_help_str(limit=200) == lazy.short_help, f"{where} {name}"
