"""Cached uv environments for Python script tasks: real uv, real installs from the index."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tiercel.plugins.scripts import python_env
from tiercel.plugins.scripts.python_env import (
    PythonEnv,
    cache_root,
    ensure_env,
    requirements_from_commands,
)
from tiercel.sdk import TaskFailure


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TIERCEL_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _run(env: PythonEnv, code: str) -> str:
    result = subprocess.run(
        [str(env.python), "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def _forbid_uv(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a reused environment must not run anything")

    monkeypatch.setattr(python_env, "_run_uv", fail)
    monkeypatch.setattr(subprocess, "run", fail)


# --- beforeCommands ---------------------------------------------------------------------------

REQUIREMENT_LINES = [
    ("pip install pandas", ["pandas"]),
    ("pip3 install -q pandas==2.2 numpy", ["pandas==2.2", "numpy"]),
    ("pip3.11 install --quiet requests", ["requests"]),
    ("python -m pip install --upgrade x", ["x"]),
    ("python3 -m pip install -U --no-cache-dir x y", ["x", "y"]),
    ("uv pip install x", ["x"]),
    ("pip install kestra  # the Kestra helper", ["kestra"]),
    ("pip install 'pandas>=2,<3' \"foo[bar]\"", ["pandas>=2,<3", "foo[bar]"]),
    ("pip install 'foo; python_version < \"3.12\"'", ['foo; python_version < "3.12"']),
    ("pip install --progress-bar off --root-user-action=ignore six", ["six"]),
    ("pip install git+https://github.com/a/b.git", ["git+https://github.com/a/b.git"]),
    ("pip install 'pkg @ https://example.org/pkg.whl'", ["pkg @ https://example.org/pkg.whl"]),
]

COMMAND_LINES = [
    "pip install -r requirements.txt",
    "pip install -e .",
    "pip install pkg @ https://example.org/pkg.whl",
    "pip install ./local/pkg",
    "pip install dist/pkg-1.0-py3-none-any.whl",
    "pip install --index-url https://mirror.example/simple x",
    "pip install --no-deps x",
    "pip install pandas && echo done",
    "pip install pandas; echo done",
    "pip install pandas | tee log",
    "pip install $PACKAGES",
    "FOO=1 pip install x",
    "pip install",
    "pip uninstall -y x",
    "pip install 'unbalanced",
    "pip install x\npip install y",
    "echo pip install x",
    "python script.py",
    "",
]


@pytest.mark.parametrize(("line", "expected"), REQUIREMENT_LINES)
def test_pip_install_lines_become_requirements(line: str, expected: list[str]) -> None:
    assert requirements_from_commands([line]) == (expected, [])


@pytest.mark.parametrize("line", COMMAND_LINES)
def test_other_lines_stay_commands(line: str) -> None:
    assert requirements_from_commands([line]) == ([], [line])


def test_commands_keep_their_order_and_requirements_are_deduplicated() -> None:
    commands = ["echo one", "pip install a b", "pip install -r r.txt", "pip install b c", "ls"]
    assert requirements_from_commands(commands) == (
        ["a", "b", "c"],
        ["echo one", "pip install -r r.txt", "ls"],
    )


# --- settings ---------------------------------------------------------------------------------


def test_cache_root() -> None:
    assert cache_root({"TIERCEL_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x"}) == Path("/c")
    assert cache_root({"XDG_CACHE_HOME": "/x"}) == Path("/x/tiercel")
    assert cache_root({}) == Path.home() / ".cache" / "tiercel"


def test_pip_settings_become_uv_settings(tmp_path: Path) -> None:
    conf = tmp_path / "pip.conf"
    conf.write_text(
        "[global]\nindex-url = https://mirror.example/simple\n"
        "extra-index-url = file:///opt/a/simple\n    file:///opt/b/simple\n"
        "cert = /etc/ca.pem\n[install]\nfind-links = /opt/wheels\n"
    )
    env = python_env._uv_environment({"PATH": "/bin"}, [tmp_path / "missing.conf", conf])
    assert env["UV_INDEX_URL"] == "https://mirror.example/simple"
    assert env["UV_EXTRA_INDEX_URL"] == "file:///opt/a/simple file:///opt/b/simple"
    assert env["UV_FIND_LINKS"] == "/opt/wheels"
    assert env["SSL_CERT_FILE"] == "/etc/ca.pem"
    assert env["UV_INDEX_STRATEGY"] == "unsafe-best-match"
    assert env["UV_PYTHON_DOWNLOADS"] == "never"
    assert env["PATH"] == "/bin"


def test_pip_variables_override_the_file_and_uv_variables_override_both(tmp_path: Path) -> None:
    conf = tmp_path / "pip.conf"
    conf.write_text("[global]\nfind-links = /from/file\nindex-url = https://file/simple\n")
    environ: Mapping[str, str] = {
        "PIP_FIND_LINKS": "/a /b",
        "PIP_INDEX_URL": "https://pip-env/simple",
        "UV_INDEX_URL": "https://uv-env/simple",
        "UV_PYTHON_DOWNLOADS": "automatic",
    }
    env = python_env._uv_environment(environ, [conf])
    assert env["UV_FIND_LINKS"] == "/a,/b"
    assert env["UV_INDEX_URL"] == "https://uv-env/simple"
    assert env["UV_PYTHON_DOWNLOADS"] == "never"
    assert "UV_EXTRA_INDEX_URL" not in env
    assert "UV_INDEX_STRATEGY" not in env


def test_uv_and_build_scripts_see_no_tiercel_setting_or_secret(tmp_path: Path) -> None:
    environ = {"PATH": "/bin", "TIERCEL_AUTH__TOKENS": '["t"]', "SECRET_DB": "c2VjcmV0"}
    env = python_env._uv_environment(environ, [tmp_path / "missing.conf"])
    assert env["PATH"] == "/bin"
    assert "TIERCEL_AUTH__TOKENS" not in env and "SECRET_DB" not in env


# --- environments -----------------------------------------------------------------------------


def test_plain_environment_is_isolated_from_tiercel(_cache: Path) -> None:
    lines: list[str] = []
    env = ensure_env([], log=lines.append)
    assert env.root.parent == _cache / "python-envs"
    assert env.bin_dir == env.root / "bin"
    prefix = _run(env, "import sys; print(sys.prefix)")
    assert Path(prefix) == env.root
    assert Path(prefix) != Path(sys.prefix)
    assert _run(env, "import sys; print(sys.version_info[:2])") == str(sys.version_info[:2])
    # `pip install -r ...` lines stay commands and run with the environment's own pip.
    assert (env.bin_dir / "pip").exists()
    assert any("creating a Python environment for no packages" in line for line in lines)
    assert not list(env.root.parent.glob(".build-*"))


def test_packages_install_once_and_are_reused_in_any_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started = time.monotonic()
    env = ensure_env(["kestra", "six"])
    built_in = time.monotonic() - started
    assert _run(env, "from kestra import Kestra; import six; print('ok')") == "ok"

    _forbid_uv(monkeypatch)
    lines: list[str] = []
    started = time.monotonic()
    again = ensure_env(["Six", "kestra", "six "], log=lines.append)
    reused_in = time.monotonic() - started
    assert again == env
    assert lines == [f"reusing the Python environment for kestra, six ({env.root})"]
    assert reused_in < built_in
    sys.stderr.write(f"\nfirst build {built_in:.2f}s, reuse {reused_in * 1000:.2f}ms\n")


def test_the_current_python_version_is_the_default_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = ensure_env([])
    _forbid_uv(monkeypatch)
    current = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert ensure_env([], python_version=current) == env


def test_concurrent_builders_of_one_environment_build_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = python_env._run_uv
    calls: list[list[str]] = []

    def spy(args: list[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
        calls.append(args)
        return real(args, env)

    monkeypatch.setattr(python_env, "_run_uv", spy)
    barrier = threading.Barrier(2)
    results: list[PythonEnv] = []
    errors: list[BaseException] = []

    def build() -> None:
        barrier.wait()
        try:
            results.append(ensure_env(["six"]))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert [args[0] for args in calls] == ["venv", "pip"]


def test_a_missing_package_fails_clearly_and_leaves_nothing_behind(_cache: Path) -> None:
    with pytest.raises(TaskFailure) as failure:
        ensure_env(["this-package-does-not-exist-xyz==1"])
    message = str(failure.value)
    assert message.startswith("uv could not install")
    assert "this-package-does-not-exist-xyz==1" in message
    assert "Traceback" not in message
    assert [p.suffix for p in (_cache / "python-envs").iterdir()] == [".lock"]


def test_a_broken_environment_is_rebuilt() -> None:
    env = ensure_env([])
    (env.python).unlink()
    assert ensure_env([]) == env
    assert _run(env, "print('ok')") == "ok"


def test_a_python_version_that_is_not_installed_fails_clearly() -> None:
    with pytest.raises(TaskFailure, match=r"Python 3\.99 is not installed here"):
        ensure_env([], python_version="3.99")
    with pytest.raises(TaskFailure, match="not a version"):
        ensure_env([], python_version="three")


def test_another_installed_python_version_is_used() -> None:
    other = "3.12" if sys.version_info[:2] != (3, 12) else "3.11"
    try:
        env = ensure_env([], python_version=other)
    except TaskFailure:
        pytest.skip(f"Python {other} is not installed here")
    assert _run(env, "import sys; print('%d.%d' % sys.version_info[:2])") == other
    assert ensure_env([]) != env
    assert os.path.basename(env.root.parent) == "python-envs"
