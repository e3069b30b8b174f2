"""The README's plugin-author guide: the package it shows is complete. It is built from the
README's text and installed with pip (into a folder of its own), found through its entry
point by the CLI, runs in a flow, and passes the unit test the README shows."""

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_PACKAGE_LINES = 30


def guide_blocks() -> tuple[str, str, str]:
    """The ``pyproject.toml``, the module and the unit test of "## Writing a plugin"."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Writing a plugin\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(\w+)\n(.*?)```", section, re.S)
    (toml,) = [body for lang, body in blocks if lang == "toml"]
    module, test = [body for lang, body in blocks if lang == "python"]
    return toml, module, test


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's package, built by pip (hatchling, as its pyproject says) into a folder."""
    toml, module, _ = guide_blocks()
    root = tmp_path_factory.mktemp("readme-plugin")
    package = root / "acme-greet"
    package.mkdir()
    (package / "pyproject.toml").write_text(toml)
    (package / "acme_greet.py").write_text(module)
    site = root / "site"
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target"]
    done = subprocess.run([*command, str(site), str(package)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return site


def _run(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    tiercel = Path(sysconfig.get_path("scripts")) / "tiercel"
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [str(tiercel), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


def test_the_package_fits_in_thirty_lines() -> None:
    toml, module, _ = guide_blocks()
    assert len((toml + module).splitlines()) <= MAX_PACKAGE_LINES


def test_the_installed_package_is_found_and_its_example_runs(
    installed: Path, tmp_path: Path
) -> None:
    listed = _run(installed, "plugins", "list", "--aliases", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "com.acme.Greet" in listed.stdout and "com.acme.Hello" in listed.stdout
    sys.path.insert(0, str(installed))
    try:
        import acme_greet  # the module pip installed from the README's text
    finally:
        sys.path.remove(str(installed))
    flow = tmp_path / "hello.yaml"
    flow.write_text(acme_greet.FLOW)
    data = str(tmp_path / "data")
    ran = _run(installed, "flow", "test", str(flow), "--data-dir", data, cwd=tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "Hello, Ada!" in ran.stdout
    assert "message" in ran.stdout  # the typed output, printed with the outputs


def test_the_readme_unit_test_passes(installed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, test = guide_blocks()
    monkeypatch.syspath_prepend(str(installed))
    namespace: dict[str, object] = {}
    exec(compile(test, "README.md", "exec"), namespace)
    test_greet = namespace["test_greet"]
    assert callable(test_greet)
    test_greet()
