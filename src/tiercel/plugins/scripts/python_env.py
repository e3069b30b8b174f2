"""Isolated Python environments for script tasks, made with uv and cached by their requirements.

A Python script task never runs in Tiercel's own interpreter environment: it runs in a virtual
environment under ``<cache root>/python-envs/<key>``, where the key hashes the normalised
requirements and the interpreter. The first task that needs an environment builds it in a
temporary directory beside it and renames it into place when complete, under a file lock, so a
crash never leaves a half-built environment that is reused and concurrent tasks build it once.
A later task finds the finished directory and starts at once, without calling uv.

No interpreter is ever downloaded: uv runs with ``UV_PYTHON_DOWNLOADS=never`` and
``--python-preference only-system``. Packages come from the package index this machine is
configured for; uv does not read pip's configuration, so pip's index settings are translated.
"""

from __future__ import annotations

import configparser
import contextlib
import fcntl
import functools
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tiercel.sdk import TaskFailure

__all__ = ["PythonEnv", "cache_root", "ensure_env", "requirements_from_commands"]

# Bumped when the layout of a cached environment changes, so old ones are not reused.
_FORMAT = 1
_ERROR_LINES = 20


@dataclass(frozen=True, slots=True)
class PythonEnv:
    """A finished virtual environment.

    Attributes:
        root: The environment's directory (set ``VIRTUAL_ENV`` to it).
        python: Its interpreter.
        bin_dir: Its ``bin/`` directory (put it first on ``PATH``).
    """

    root: Path
    python: Path
    bin_dir: Path

    @classmethod
    def at(cls, root: Path) -> PythonEnv:
        return cls(root=root, python=root / "bin" / "python", bin_dir=root / "bin")


# --- beforeCommands ---------------------------------------------------------------------------

_PIP = re.compile(r"pip(\d+(\.\d+)?)?")
_PYTHON = re.compile(r"python(\d+(\.\d+)?)?")
# Options that change nothing about what gets installed into a fresh environment.
_DROPPED_FLAGS = frozenset(
    {
        "-q",
        "-qq",
        "-qqq",
        "--quiet",
        "-v",
        "--verbose",
        "-U",
        "--upgrade",
        "--no-cache-dir",
        "--user",
        "--disable-pip-version-check",
        "--no-warn-script-location",
        "--no-input",
        "--break-system-packages",
        "--system",
    }
)
_DROPPED_WITH_VALUE = frozenset({"--progress-bar", "--upgrade-strategy", "--root-user-action"})
_SHELL_OPERATORS = frozenset({";", "&", "&&", "|", "||", ";;", "|&"})
_ARCHIVE = (".whl", ".tar.gz", ".tgz", ".zip")


def requirements_from_commands(commands: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split the pip installs out of a task's ``beforeCommands``.

    A line that is a single ``pip install`` (also ``pip3``, ``python -m pip``, ``uv pip``) of
    named requirements becomes requirements of the environment; quiet/upgrade/cache flags are
    dropped and trailing comments removed. Everything else stays a command, unchanged: lines
    combining commands (``&&``, ``;``, pipes), shell variables, requirement files (``-r``),
    editable or local paths, and any option that changes how pip installs (``--index-url``,
    ``--no-deps``...). Those run inside the environment, whose own ``pip`` installs into it.

    Args:
        commands: The task's ``beforeCommands``, rendered.

    Returns:
        ``(requirements, other commands)``, each in the order given.
    """
    requirements: list[str] = []
    others: list[str] = []
    for command in commands:
        found = _pip_install(command)
        if found is None:
            others.append(command)
        else:
            requirements.extend(r for r in found if r not in requirements)
    return requirements, others


def _pip_install(command: str) -> list[str] | None:
    """The requirements a one-line ``pip install`` names, or None when it is anything else."""
    if "\n" in command or "$" in command or "`" in command:
        return None
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        words = list(lexer)
    except ValueError:  # unbalanced quotes: let the shell report it
        return None
    if any(word in _SHELL_OPERATORS for word in words):
        return None
    args = _install_args(words)
    if args is None:
        return None
    requirements: list[str] = []
    skip_value = False
    for arg in args:
        if skip_value:
            skip_value = False
        elif arg in _DROPPED_WITH_VALUE:
            skip_value = True
        elif arg.startswith("-"):
            if arg not in _DROPPED_FLAGS and arg.split("=", 1)[0] not in _DROPPED_WITH_VALUE:
                return None
        elif arg == "@" or _is_local_path(arg):  # an unquoted `name @ url` is three words
            return None
        else:
            requirements.append(arg)
    return requirements or None


def _install_args(words: list[str]) -> list[str] | None:
    if len(words) >= 2 and _PIP.fullmatch(words[0]) and words[1] == "install":
        return words[2:]
    if len(words) >= 3 and words[0] == "uv" and words[1:3] == ["pip", "install"]:
        return words[3:]
    if (
        len(words) >= 4
        and _PYTHON.fullmatch(words[0])
        and words[1:3] == ["-m", "pip"]
        and words[3] == "install"
    ):
        return words[4:]
    return None


def _is_local_path(arg: str) -> bool:
    if "://" in arg or "@" in arg:
        return False
    return arg.startswith((".", "/", "~")) or arg.endswith(_ARCHIVE)


# --- environments -----------------------------------------------------------------------------


def cache_root(environ: Mapping[str, str] | None = None) -> Path:
    """Tiercel's cache directory: ``$TIERCEL_CACHE_DIR``, else ``$XDG_CACHE_HOME/tiercel``."""
    env = os.environ if environ is None else environ
    if env.get("TIERCEL_CACHE_DIR"):
        return Path(env["TIERCEL_CACHE_DIR"])
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "tiercel"
    return Path.home() / ".cache" / "tiercel"


def ensure_env(
    requirements: Sequence[str],
    *,
    python_version: str | None = None,
    log: Callable[[str], None] | None = None,
    at: Path | None = None,
) -> PythonEnv:
    """The cached environment for these requirements, made (once) with uv.

    Args:
        requirements: Requirement specifiers (``pandas``, ``numpy==2.1``); order and
            duplicates do not matter. None gives a plain isolated environment.
        python_version: ``"3.12"`` to ask for an interpreter installed on this machine;
            by default, the interpreter Tiercel runs on.
        log: Receives short progress lines.
        at: Build a new environment there, for one run, instead of the cached one.

    Returns:
        The finished environment.

    Raises:
        TaskFailure: the interpreter is not installed here, or uv could not install.
    """
    say = log or (lambda _line: None)
    normalized = sorted({_normalize(r) for r in requirements if r.strip()})
    interpreter, version = _interpreter(python_version)
    key = hashlib.sha256(
        json.dumps([_FORMAT, normalized, str(interpreter), version]).encode()
    ).hexdigest()[:20]
    what = ", ".join(normalized) if normalized else "no packages"
    if at is not None:
        say(f"creating a Python environment for {what} (Python {version}), for this run only")
        at.parent.mkdir(parents=True, exist_ok=True)
        _build(at, key, normalized, interpreter, version, say)
        return PythonEnv.at(at)
    envs = cache_root() / "python-envs"
    final = envs / key
    if _is_complete(final):
        say(f"reusing the Python environment for {what} ({final})")
        return PythonEnv.at(final)
    envs.mkdir(parents=True, exist_ok=True)
    with _locked(envs / f"{key}.lock", say):
        if _is_complete(final):  # another task built it while this one waited
            say(f"reusing the Python environment for {what} ({final})")
            return PythonEnv.at(final)
        say(f"creating a Python environment for {what} (Python {version})")
        started = time.monotonic()
        _build(final, key, normalized, interpreter, version, say)
        say(f"Python environment ready in {time.monotonic() - started:.1f}s ({final})")
    return PythonEnv.at(final)


def _normalize(requirement: str) -> str:
    """One spelling per requirement: the name as PEP 503 normalises it, no stray spaces."""
    text = " ".join(requirement.split())
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", text)
    if match is None:
        return text
    name = re.sub(r"[-_.]+", "-", match.group()).lower()
    return name + text[match.end() :]


def _is_complete(root: Path) -> bool:
    # The directory appears only by an atomic rename once built; its interpreter disappears
    # if the base interpreter it links to was removed, and then the environment is rebuilt.
    return (root / "bin" / "python").exists()


@contextlib.contextmanager
def _locked(path: Path, say: Callable[[str], None]) -> Iterator[None]:
    # flock locks belong to the open file description, so this also excludes other threads.
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say("waiting for another task building the same Python environment")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(
    final: Path,
    key: str,
    requirements: list[str],
    interpreter: Path,
    version: str,
    say: Callable[[str], None],
) -> None:
    envs = final.parent
    # Only the lock holder builds, so leftovers of this key are from a crashed build.
    for stale in envs.glob(f".build-{key}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    if final.exists():  # broken: its base interpreter is gone
        shutil.rmtree(final, ignore_errors=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".build-{key}-", dir=envs))
    try:
        building = scratch / "env"
        env = _uv_environment(os.environ, _pip_config_files(os.environ))
        # --relocatable: the environment is renamed after it is built, so its scripts must not
        # name their build path. --seed: `pip install -r ...` lines run with this pip.
        _uv(
            [
                *("venv", "--quiet", "--relocatable", "--seed"),
                *("--python", str(interpreter), "--python-preference", "only-system"),
                str(building),
            ],
            env,
            what="create a Python environment",
            requirements=requirements,
        )
        if requirements:
            output = _uv(
                [
                    *("pip", "install", "--python", str(building / "bin" / "python")),
                    *("--python-preference", "only-system", *requirements),
                ],
                env,
                what="install",
                requirements=requirements,
            )
            for line in output.splitlines():
                # "Using Python ... at <build dir>" names a directory about to be renamed.
                if line.strip() and not line.startswith("Using Python"):
                    say(line.rstrip())
        (building / "tiercel-env.json").write_text(
            json.dumps(
                {"requirements": requirements, "python": str(interpreter), "version": version}
            )
        )
        os.rename(building, final)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _uv(args: list[str], env: Mapping[str, str], *, what: str, requirements: list[str]) -> str:
    result = _run_uv(args, env)
    if result.returncode != 0:
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        detail = "\n".join(lines[-_ERROR_LINES:])
        names = ", ".join(requirements) if requirements else "no packages"
        raise TaskFailure(f"uv could not {what} (requirements: {names}):\n{detail}")
    return result.stdout


def _run_uv(args: list[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """Run uv, its stderr merged into its stdout (uv reports progress on stderr)."""
    return subprocess.run(
        [_uv_bin(), *args],
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        check=False,
    )


def _uv_bin() -> str:
    try:
        import uv

        return str(uv.find_uv_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
        if found is None:
            raise TaskFailure("uv is not installed; it makes Python script environments") from None
        return found


# --- interpreters -----------------------------------------------------------------------------


def _interpreter(python_version: str | None) -> tuple[Path, str]:
    """The base interpreter to build on, and its version (``3.11.7``)."""
    current = ".".join(str(part) for part in sys.version_info[:3])
    if python_version is None or _matches(current, python_version.strip()):
        base = Path(getattr(sys, "_base_executable", "") or sys.executable)
        return (base if base.exists() else Path(sys.executable)), current
    return _find_interpreter(python_version.strip())


def _matches(version: str, wanted: str) -> bool:
    return version == wanted or version.startswith(wanted + ".")


@functools.cache
def _find_interpreter(wanted: str) -> tuple[Path, str]:
    # Cached per process, so reusing an environment for another version runs nothing.
    if not re.fullmatch(r"\d+(\.\d+){0,2}", wanted):
        raise TaskFailure(f"python version {wanted!r} is not a version like 3.12")
    candidates: list[str] = []
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "NO_COLOR": "1"}
    found = _run_uv(["python", "find", "--python-preference", "only-system", wanted], env)
    if found.returncode == 0 and found.stdout.strip():
        candidates.append(found.stdout.strip().splitlines()[-1])
    # uv stops at a pyenv shim for a version that is installed but not selected.
    minor = ".".join(wanted.split(".")[:2])
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    candidates += [str(p) for p in sorted(pyenv.glob(f"{wanted}*/bin/python{minor}"))]
    on_path = shutil.which(f"python{minor}")
    if on_path:
        candidates.append(on_path)
    for candidate in candidates:
        version = _version_of(candidate)
        if version is not None and _matches(version, wanted):
            return Path(candidate), version
    raise TaskFailure(
        f"Python {wanted} is not installed here; install it on this machine "
        "(Tiercel never downloads an interpreter) or remove python_version"
    )


def _version_of(interpreter: str) -> str | None:
    try:
        result = subprocess.run(
            [interpreter, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


# --- index settings ---------------------------------------------------------------------------


def _pip_config_files(environ: Mapping[str, str]) -> list[Path]:
    """pip's configuration files, lowest priority first."""
    named = environ.get("PIP_CONFIG_FILE")
    if named == os.devnull:
        return []
    config_home = Path(environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    files = [Path("/etc/xdg/pip/pip.conf"), Path("/etc/pip.conf")]
    files += [Path.home() / ".pip" / "pip.conf", config_home / "pip" / "pip.conf"]
    if named:
        files.append(Path(named))
    return files


_PRIVATE = ("TIERCEL_", "SECRET_")
"""Variables uv and the build scripts it runs never see."""


def _uv_environment(environ: Mapping[str, str], pip_files: Sequence[Path]) -> dict[str, str]:
    """The environment to run uv in: never download Python; pip's index settings as uv's."""
    settings: dict[str, str] = {}
    parser = configparser.RawConfigParser()
    with contextlib.suppress(configparser.Error, OSError, UnicodeDecodeError):
        parser.read([str(f) for f in pip_files], encoding="utf-8")
    for section in ("global", "install"):
        if parser.has_section(section):
            for name, value in parser.items(section):
                settings[name.replace("_", "-")] = value
    for name, value in environ.items():
        if name.startswith("PIP_"):
            settings[name[4:].lower().replace("_", "-")] = value

    # Building an environment runs the requirements' build scripts: none of Tiercel's settings
    # or secrets reach them.
    env = {name: value for name, value in environ.items() if not name.startswith(_PRIVATE)}
    env.update(UV_PYTHON_DOWNLOADS="never", NO_COLOR="1", UV_NO_PROGRESS="1")
    translated = {
        "UV_INDEX_URL": settings.get("index-url", "").strip(),
        "UV_EXTRA_INDEX_URL": " ".join(settings.get("extra-index-url", "").split()),
        "UV_FIND_LINKS": ",".join(settings.get("find-links", "").split()),
        "SSL_CERT_FILE": settings.get("cert", "").strip(),
    }
    uv_set = {name for name in translated if name in environ}
    for name, value in translated.items():
        if value and name not in uv_set:
            env[name] = value
    # pip picks the best version across all its indexes; uv by default takes a package from
    # the first index that has it. Keep pip's behaviour for pip's settings.
    if translated["UV_EXTRA_INDEX_URL"] and "UV_EXTRA_INDEX_URL" not in uv_set:
        env.setdefault("UV_INDEX_STRATEGY", "unsafe-best-match")
    return env
