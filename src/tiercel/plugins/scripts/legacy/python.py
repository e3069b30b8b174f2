"""``io.kestra.core.tasks.scripts.Python``: Kestra's deprecated Python task.

The script is ``main.py`` from ``inputFiles``; ``requirements`` are installed in a virtual
environment whose ``bin`` folder appears in the working directory, so the default command
``./bin/python main.py`` works as it does in Kestra. The environment is the cached one that the
Python script tasks use, not a fresh one per run. A ``kestra`` module beside ``main.py`` gives
``Kestra.outputs``, ``Kestra.counter`` and ``Kestra.timer``.
"""

import os

from pydantic import Field

from tiercel.plugins.scripts.exec_script import Workspace
from tiercel.plugins.scripts.legacy.bash import Bash
from tiercel.plugins.scripts.legacy.kestra_module import SOURCE
from tiercel.plugins.scripts.python_env import ensure_env
from tiercel.sdk import RunContext, TaskFailure, Text, plugin

DEFAULT_COMMAND = "./bin/python main.py"


@plugin("io.kestra.core.tasks.scripts.Python", deprecated=True)
class Python(Bash):
    """Run `main.py` from `inputFiles` in a virtual environment (deprecated: use
    io.kestra.plugin.scripts.python.Script or .Commands)."""

    commands: list[Text] = Field(
        default_factory=lambda: [DEFAULT_COMMAND],
        description="The commands; each gets `args` appended.",
    )
    args: list[Text] | None = Field(default=None, description="Arguments for `main.py`.")
    requirements: list[Text] | None = Field(
        default=None, description="Packages to install in the virtual environment."
    )
    virtual_env: bool = Field(
        default=True,
        description="Make a virtual environment with the requirements; without it, the "
        "requirements are ignored and the commands use the machine's Python.",
    )
    python_path: str = Field(
        default="/usr/bin/python3",
        description="Accepted for Kestra's flows: environments use the interpreter Tiercel "
        "finds on the machine.",
    )

    def script_lines(self, ctx: RunContext, ws: Workspace) -> tuple[list[str], dict[str, str]]:
        """The commands with their arguments, in the environment with the requirements."""
        main = ws.root / "main.py"
        if not main.is_file() and self.commands == [DEFAULT_COMMAND]:
            raise TaskFailure(
                "Invalid input files structure, expecting inputFiles property to contain at "
                "least a main.py key with python code value."
            )
        (ws.root / "kestra.py").write_text(SOURCE, encoding="utf-8")
        args = " ".join(ws.render_list(ctx, self.args or []))
        lines = [f"{line} {args}" if args else line for line in ws.render_list(ctx, self.commands)]
        env: dict[str, str] = {}
        if self.virtual_env:
            requirements = [str(r) for r in ws.render_list(ctx, self.requirements or [])]
            python_env = ensure_env(requirements, log=ctx.logger.info)
            (ws.root / "bin").symlink_to(python_env.bin_dir, target_is_directory=True)
            env = {
                "PATH": os.pathsep.join(
                    [str(python_env.bin_dir), ctx.process_env().get("PATH", os.defpath)]
                ),
                "VIRTUAL_ENV": str(python_env.root),
            }
        return (["set -e", *lines] if self.exit_on_failed else lines), env
