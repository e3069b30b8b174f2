"""What the Python tasks share: the isolated environment their commands run in, and the
advice given when a shell command was written as a Python script."""

import contextlib
import enum
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pydantic import Field

from tiercel.plugins.scripts.exec_script import ExecScript, FailureHint, Workspace
from tiercel.plugins.scripts.log_consumer import LogConsumer
from tiercel.plugins.scripts.python_env import ensure_env, requirements_from_commands
from tiercel.sdk import Property, RunContext, Text

_SHELL_LINE = re.compile(
    r"^(python3?|pip3?|uv|bash|sh|cd|ls|echo|export|source|node|npm|curl|wget|chmod|mkdir|cp|mv|rm)"
    r"(\s|$)"
)


class PackageManager(enum.StrEnum):
    """Kestra's installers of ``dependencies``."""

    UV = "UV"
    PIP = "PIP"


class PythonTask(ExecScript):
    """The properties of the Python tasks: the packages and interpreter of their environment."""

    dependencies: Property[list[Text]] | None = Field(
        default=None, description="Packages to install in the environment first."
    )
    python_version: Text | None = Field(
        default=None, description="The Python version of the environment (e.g. `3.12`)."
    )
    dependency_cache_enabled: Property[bool] = Field(
        default=True,
        description="Reuse the environment built for the same packages and interpreter; "
        "false builds a new one for this run and removes it afterwards.",
    )
    package_manager: Property[PackageManager] = Field(
        default=PackageManager.UV,
        description="UV or PIP. Tiercel installs with uv's pip-compatible installer either "
        "way: the same requirement syntax and indexes (pip's configuration is honoured).",
    )
    uv_auto_install_enabled: Property[bool] = Field(
        default=True,
        description="Accepted for Kestra's flows: uv ships with Tiercel, nothing is downloaded.",
    )
    uv_installer_version: Text | None = Field(
        default=None,
        description="Accepted for Kestra's flows: the uv that ships with Tiercel is used.",
    )
    uv_installer_sha256: Text | None = Field(
        default=None,
        description="Accepted for Kestra's flows: the uv that ships with Tiercel is used.",
    )

    @contextlib.contextmanager
    def environment(
        self, ctx: RunContext, ws: Workspace
    ) -> Iterator[tuple[list[str], dict[str, str]]]:
        """Build (or reuse) the environment: ``dependencies`` and the ``pip install`` lines of
        ``beforeCommands``. Gives the other before commands and the variables that make
        ``python`` and ``pip`` the environment's own; an environment built for this run only
        is removed on leaving."""
        dependencies = [str(d) for d in ctx.render(self.dependencies or [])]
        requirements, remaining = requirements_from_commands(
            ws.render_list(ctx, self.before_commands)
        )
        version = str(ctx.render(self.python_version)) if self.python_version else None
        ctx.render_as(self.package_manager, PackageManager)  # a wrong value fails here
        own: Path | None = None
        if not ctx.render_as(self.dependency_cache_enabled, bool):
            # Beside the working directory, not in it: `outputFiles` globs must not see it.
            own = Path(tempfile.mkdtemp(prefix="tiercel-pyenv-", dir=ws.root.parent))
        try:
            env = ensure_env(
                [*dependencies, *requirements],
                python_version=version,
                log=ctx.logger.info,
                at=own / "env" if own is not None else None,
            )
            path = os.pathsep.join([str(env.bin_dir), ctx.process_env().get("PATH", os.defpath)])
            yield remaining, {"PATH": path, "VIRTUAL_ENV": str(env.root)}
        finally:
            if own is not None:
                shutil.rmtree(own, ignore_errors=True)


def shell_in_script_hint(script: str) -> FailureHint:
    """Advice for a Python script whose first line is a shell command, if Python refused it."""
    first = next((line.strip() for line in script.splitlines() if line.strip()), "")

    def hint(consumer: LogConsumer) -> str | None:
        if not _SHELL_LINE.match(first):
            return None
        if not any("SyntaxError" in line for line in consumer.std_err_tail):
            return None
        return (
            f"The script starts with a shell command ('{first}'), which Python cannot run. "
            "A python.Script runs its `script` with Python: to run shell commands, use "
            "`type: io.kestra.plugin.scripts.python.Commands` with "
            f'`commands: ["{first}"]`, or write Python code in `script` (e.g. import the '
            "module and call its main())."
        )

    return hint
