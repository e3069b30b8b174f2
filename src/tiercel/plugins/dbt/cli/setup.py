"""``io.kestra.plugin.dbt.cli.Setup`` (deprecated): install dbt for the tasks that follow in
the same working directory.

Kestra makes a virtual environment in the working directory with ``requirements``. Tiercel
builds (once) the cached environment with them and links its ``bin/`` into the working
directory, so ``./bin/dbt``, the ``dbtPath`` of ``Build``, ``Run`` and ``Test``, is that dbt.
The profiles go to ``.profile/profiles.yml``, where those tasks point dbt.
"""

from collections.abc import Mapping
from typing import Any

import yaml
from pydantic import Field

from tiercel.plugins.dbt.environment import dbt_requirements
from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.plugins.scripts.python_env import ensure_env, requirements_from_commands
from tiercel.sdk import Example, Outcome, Property, RunContext, TaskFailure, Text, plugin

_EXAMPLE = """\
id: dbt_setup
namespace: company.team

tasks:
  - id: working_directory
    type: io.kestra.plugin.core.flow.WorkingDirectory
    tasks:
      - id: clone_repository
        type: io.kestra.plugin.git.Clone
        url: https://github.com/kestra-io/dbt-demo
        branch: main

      - id: dbt_setup
        type: io.kestra.plugin.dbt.cli.Setup
        requirements:
          - dbt-duckdb
        profiles:
          jaffle_shop:
            outputs:
              dev:
                type: duckdb
                path: ':memory:'
                extensions:
                  - parquet
            target: dev

      - id: dbt_build
        type: io.kestra.plugin.dbt.cli.Build
"""


@plugin(
    "io.kestra.plugin.dbt.cli.Setup",
    deprecated=True,
    examples=[
        Example(
            "Install dbt-duckdb and write the profiles, then build the cloned project.",
            _EXAMPLE,
            needs=("internet",),
        )
    ],
)
class Setup(ExecScript):
    """Set dbt up in the working directory (deprecated: use io.kestra.plugin.dbt.cli.DbtCLI)."""

    profiles: Property[dict[str, Any] | Text] = Field(
        description="The content of `profiles.yml`: a map, or the YAML text."
    )
    requirements: Property[list[Text]] = Field(
        description="The packages to install, as in requirements.txt; at least a dbt adapter."
    )
    python_path: Text = Field(
        default="python",
        description="Accepted for Kestra's flows: the environment uses the interpreter Tiercel "
        "runs on.",
    )
    exit_on_failed: Property[bool] = Field(
        default=True, description="Deprecated: stop at the first failing command (`failFast`)."
    )

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Build the environment, link it as `./bin`, write the profiles, run the before
        commands."""
        ws = self.workspace(ctx)
        profiles = ctx.render(self.profiles)
        if isinstance(profiles, dict):
            content = yaml.safe_dump(profiles, sort_keys=False)
        elif isinstance(profiles, str):
            content = profiles
        else:
            raise TaskFailure("The `profiles` attribute must be a String or a Map")
        profile_dir = ws.root / ".profile"
        profile_dir.mkdir(exist_ok=True)
        (profile_dir / "profiles.yml").write_text(content, encoding="utf-8")
        pip_lines, before = requirements_from_commands(ws.render_list(ctx, self.before_commands))
        requested = [str(r) for r in ws.render_list(ctx, self.requirements)]
        env = ensure_env(
            dbt_requirements([*requested, *pip_lines], None, [content]), log=ctx.logger.info
        )
        link = ws.root / "bin"
        if link.is_symlink():
            link.unlink()
        elif link.exists():
            raise TaskFailure(
                f"The working directory already has a 'bin' that is not Setup's: {link}"
            )
        link.symlink_to(env.bin_dir, target_is_directory=True)
        ctx.logger.info(f"dbt is ready at ./bin/dbt ({env.root})")
        return self.execute(ctx, ws, before, [])
