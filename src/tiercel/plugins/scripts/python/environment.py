"""What the Python tasks share: the isolated environment their commands run in, and the
advice given when a shell command was written as a Python script."""

import os
import re
from collections.abc import Sequence

from tiercel.plugins.scripts.exec_script import FailureHint
from tiercel.plugins.scripts.log_consumer import LogConsumer
from tiercel.plugins.scripts.python_env import ensure_env, requirements_from_commands
from tiercel.sdk import RunContext

_SHELL_LINE = re.compile(
    r"^(python3?|pip3?|uv|bash|sh|cd|ls|echo|export|source|node|npm|curl|wget|chmod|mkdir|cp|mv|rm)"
    r"(\s|$)"
)


def python_environment(
    ctx: RunContext,
    dependencies: Sequence[str],
    before: Sequence[str],
    python_version: str | None,
) -> tuple[list[str], dict[str, str]]:
    """Build (or reuse) the environment: ``dependencies`` and the ``pip install`` lines of
    ``before``. Returns the other before commands and the variables that make ``python`` and
    ``pip`` the environment's own."""
    requirements, remaining = requirements_from_commands(before)
    env = ensure_env(
        [*dependencies, *requirements], python_version=python_version, log=ctx.logger.info
    )
    path = os.pathsep.join([str(env.bin_dir), os.environ.get("PATH", "")])
    return remaining, {"PATH": path, "VIRTUAL_ENV": str(env.root)}


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
