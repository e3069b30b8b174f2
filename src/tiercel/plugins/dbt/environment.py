"""The Python environment dbt runs in: dbt-core and the adapters a task needs, installed with
uv in a cached environment, as Python script tasks get theirs.

Kestra runs dbt in a container image (``ghcr.io/kestra-io/dbt-duckdb``...). Tiercel has no
container runner, so the packages that image would hold are worked out from the task: the
``pip install`` lines of ``beforeCommands`` first (a user's pin wins), then the adapter named
by the image (``.../dbt-postgres:latest``), then each output ``type`` of the dbt profiles
(``type: duckdb`` needs ``dbt-duckdb``). The environment is built once per set of packages and
reused by every later run.
"""

import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from tiercel.plugins.scripts.python_env import PythonEnv, ensure_env, requirements_from_commands
from tiercel.sdk.workdir import inside

__all__ = [
    "DBT_CORE",
    "adapter_packages",
    "dbt_environment",
    "dbt_requirements",
    "environment_variables",
    "profile_types",
    "project_directory",
    "read_profiles",
]

DBT_CORE = "dbt-core>=1.8,<1.12"
"""dbt-core when the task does not pin it. 1.12 depends on a parser whose build downloads a
wheel from GitHub, which fails on a machine that reaches only a package index."""

# The adapters whose package is not simply ``dbt-<type>``.
_PACKAGES = {"athena": "dbt-athena-community", "sqlserver": "dbt-sqlserver"}
_TYPE = re.compile(r"[a-z][a-z0-9_]*")
_IMAGE = re.compile(r"(?:^|/)(dbt-[a-z0-9-]+)(?::[^/]*)?$")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# Images that are not an adapter: Fusion is another engine, not a Python package.
_NOT_ADAPTERS = frozenset({"dbt-fusion", "dbt-core"})


def profile_types(profiles: str | None) -> list[str]:
    """The adapter ``type`` of every output of every profile in a ``profiles.yml`` text.

    Args:
        profiles: The file's content; an unreadable one gives no type.

    Returns:
        Each type once, in the order found.
    """
    if not profiles:
        return []
    try:
        document: Any = yaml.safe_load(profiles)
    except yaml.YAMLError:
        return []
    found: list[str] = []
    if not isinstance(document, dict):
        return found
    for name, profile in document.items():
        if name == "config" or not isinstance(profile, dict):
            continue
        outputs = profile.get("outputs")
        for output in (outputs or {}).values() if isinstance(outputs, dict) else ():
            kind = output.get("type") if isinstance(output, dict) else None
            if isinstance(kind, str) and _TYPE.fullmatch(kind) and kind not in found:
                found.append(kind)
    return found


def adapter_packages(image: str | None, types: Iterable[str]) -> list[str]:
    """The adapter packages an image name and profile types call for."""
    packages: list[str] = []
    match = _IMAGE.search(image or "")
    if match is not None and match.group(1) not in _NOT_ADAPTERS:
        packages.append(match.group(1))
    for kind in types:
        package = _PACKAGES.get(kind, f"dbt-{kind.replace('_', '-')}")
        if package not in packages:
            packages.append(package)
    return packages


def dbt_requirements(
    pip_requirements: Sequence[str], image: str | None, profiles: Sequence[str]
) -> list[str]:
    """What to install for a dbt task.

    Args:
        pip_requirements: The requirements of the task's ``pip install`` lines.
        image: The task's ``containerImage``, if any.
        profiles: The texts of the ``profiles.yml`` files the task may use.

    Returns:
        The pip requirements as given, the adapters they do not already name, and dbt-core
        unless they name it.
    """
    named = {_package(r) for r in pip_requirements}
    types = [kind for text in profiles for kind in profile_types(text)]
    inferred = [p for p in adapter_packages(image, types) if p not in named]
    core = [] if "dbt-core" in named else [DBT_CORE]
    return [*pip_requirements, *inferred, *core]


def _package(requirement: str) -> str:
    match = _NAME.match(requirement.strip())
    return re.sub(r"[-_.]+", "-", match.group()).lower() if match else requirement


def dbt_environment(
    before_commands: Sequence[str],
    image: str | None,
    profiles: Sequence[str],
    log: Callable[[str], None],
) -> tuple[PythonEnv, list[str]]:
    """Build (or reuse) the environment for a dbt task.

    Args:
        before_commands: The task's rendered ``beforeCommands``: their ``pip install`` lines
            become packages of the environment.
        image: The task's ``containerImage``.
        profiles: The ``profiles.yml`` texts the task may use.
        log: Receives progress lines.

    Returns:
        The environment and the before commands left to run.
    """
    pip_requirements, remaining = requirements_from_commands(before_commands)
    requirements = dbt_requirements(pip_requirements, image, profiles)
    return ensure_env(requirements, log=log), remaining


def environment_variables(env: PythonEnv, base_path: str | None) -> dict[str, str]:
    """The variables that make the environment's ``dbt`` and ``python`` the ones found first,
    and keep dbt from calling home (it would wait on a network it cannot reach)."""
    path = os.pathsep.join([str(env.bin_dir), base_path or os.defpath])
    return {
        "PATH": path,
        "VIRTUAL_ENV": str(env.root),
        "PYTHONUNBUFFERED": "true",
        "PIP_ROOT_USER_ACTION": "ignore",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
    }


def read_profiles(*candidates: Path) -> list[str]:
    """The texts of those ``profiles.yml`` files that exist."""
    return [p.read_text(errors="replace") for p in candidates if p.is_file()]


def project_directory(root: Path, project_dir: str | None) -> Path:
    """The dbt project's directory: ``project_dir`` inside the working directory ``root``.

    Raises:
        TaskFailure: ``project_dir`` leaves the working directory.
    """
    if not project_dir or (root / project_dir).resolve() == root.resolve():
        return root
    return inside(root, project_dir)
