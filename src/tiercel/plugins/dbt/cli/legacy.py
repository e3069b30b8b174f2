"""What Kestra's deprecated dbt tasks (``Build``, ``Run``, ``Test``, ``Seed``...) share
(its ``AbstractDbt`` and ``AbstractRun``): one ``dbt <command>`` with options made from
properties, run in the working directory that ``Setup`` prepared.

``dbtPath`` (``./bin/dbt`` by default) is the dbt that ``Setup`` linked into the working
directory. When it is not there (a flow written for a dbt container image, with
``dbtPath: /usr/local/bin/dbt``), the cached dbt environment is used instead, with the adapter
that the image name or the profiles call for.
"""

import shlex
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from tiercel.plugins.dbt.environment import (
    dbt_environment,
    environment_variables,
    project_directory,
    read_profiles,
)
from tiercel.plugins.dbt.log_consumer import DbtLogConsumer
from tiercel.plugins.dbt.results import collect_results
from tiercel.plugins.scripts.files import store_output_files
from tiercel.plugins.scripts.process import run_process
from tiercel.sdk import (
    AnyTaskRunner,
    Example,
    InputFiles,
    NamespaceFiles,
    Property,
    RunContext,
    RunnableTask,
    TaskFailure,
    Text,
)
from tiercel.sdk.workdir import copy_namespace_files, write_input_files

DEFAULT_DBT_PATH = "./bin/dbt"


class LegacyDbt(RunnableTask):
    """The properties of every deprecated dbt command task."""

    command: ClassVar[tuple[str, ...]] = ()
    """The dbt command (``("source", "freshness")``)."""
    results: ClassVar[bool] = True
    """Whether the command leaves results in ``target/`` to read."""

    fail_fast: Property[bool] = Field(default=False, description="`--fail-fast`.")
    warn_error: Property[bool] = Field(
        default=False, description="`--warn-error`: fail where dbt would warn."
    )
    debug: Property[bool] = Field(default=False, description="`--debug` logging.")
    project_dir: Property[Text] | None = Field(
        default=None, description="The directory of `dbt_project.yml`, in the working directory."
    )
    dbt_path: Property[Text] = Field(
        default=DEFAULT_DBT_PATH,
        description="The dbt program; when absent, dbt from Tiercel's cached environment.",
    )
    profiles: Property[Text] | None = Field(
        default=None, description="The content of `profiles.yml`, written in `.profile/`."
    )
    task_runner: AnyTaskRunner | None = Field(
        default=None, description="Where dbt runs; a local process in Tiercel."
    )
    container_image: Property[Text] | None = Field(
        default=None,
        description="The image of a container runner (`ghcr.io/kestra-io/dbt` in Kestra): not "
        "used here, but its `dbt-<adapter>` name picks the adapter to install.",
    )
    runner: Property[Text] | None = Field(default=None, description="Deprecated: `taskRunner`.")
    docker: dict[str, Any] | None = Field(default=None, description="Deprecated; not used.")
    docker_options: dict[str, Any] | None = Field(default=None, description="Deprecated.")
    env: Property[dict[str, Text]] | None = Field(
        default=None, description="Additional environment variables for dbt."
    )
    parse_run_results: Property[bool] = Field(
        default=True, description="Log each node of `target/run_results.json` and store it."
    )
    namespace_files: NamespaceFiles | None = Field(
        default=None, description="Namespace files to copy into the working directory."
    )
    input_files: InputFiles | None = Field(default=None, description="Files to create first.")
    output_files: Property[list[str]] | None = Field(
        default=None, description="Glob patterns of files to store as `outputFiles`."
    )

    def options(self, ctx: RunContext) -> list[str]:
        """The arguments after the command (``AbstractRun`` adds its own)."""
        del ctx
        return []

    def run(self, ctx: RunContext) -> Mapping[str, Any]:
        """Run ``dbt <command>`` in the working directory; read its results."""
        root = ctx.working_dir()
        copy_namespace_files(ctx, self.namespace_files, root)
        write_input_files(ctx, self.input_files, root, {"workingDir": str(root)})
        if self.profiles is not None:
            profile_dir = root / ".profile"
            profile_dir.mkdir(exist_ok=True)
            if (profile_dir / "profiles.yml").exists():
                ctx.logger.warn(
                    "A 'profiles.yml' file already exist in the task working directory, it "
                    "will be overridden."
                )
            (profile_dir / "profiles.yml").write_text(str(ctx.render(self.profiles)))
        project = project_directory(root, _text(ctx, self.project_dir))
        if self.task_runner is not None or self.container_image is not None or self.docker:
            ctx.logger.warn(
                "Tiercel has no container task runner: dbt runs as a local process on the "
                "worker, from a cached Python environment"
            )
        dbt, env = self._dbt(ctx, root, project)
        args = [dbt, "--log-format", "json"]
        for flag, on in (("--debug", self.debug), ("--fail-fast", self.fail_fast)):
            if ctx.render_as(on, bool):
                args.append(flag)
        if ctx.render_as(self.warn_error, bool):
            args.append("--warn-error")
        args += self.command
        if (root / ".profile" / "profiles.yml").is_file():
            args += ["--profiles-dir", str(root / ".profile")]
        args += [*self.options(ctx), "--project-dir", str(project)]
        env.update({str(k): str(v) for k, v in dict(ctx.render(self.env or {})).items()})
        ctx.logger.info(f"Running: {shlex.join(args)}")
        consumer = DbtLogConsumer(ctx)
        exit_code = run_process(args, cwd=root, env=env, consumer=consumer, killed=ctx.killed)
        patterns = [str(p) for p in ctx.render(self.output_files or [])]
        files = store_output_files(ctx, root, patterns, None)
        if self.results:
            parse = ctx.render_as(self.parse_run_results, bool)
            collect_results(ctx, project, files, parse_run_results=parse)
        outputs = {
            "exitCode": -1 if exit_code is None else exit_code,
            "vars": consumer.outputs,
            "stdOutLineCount": consumer.std_out_count,
            "stdErrLineCount": consumer.std_err_count,
            "outputFiles": files,
        }
        if exit_code:
            raise TaskFailure(f"Command failed with exit code {exit_code}", outputs)
        return outputs

    def _dbt(self, ctx: RunContext, root: Path, project: Path) -> tuple[str, dict[str, str]]:
        """The dbt program to run and the environment to run it in."""
        base = ctx.process_env()
        wanted = str(ctx.render(self.dbt_path))
        local = root / wanted if not Path(wanted).is_absolute() else Path(wanted)
        found = str(local) if local.is_file() else None
        if found is None and "/" not in wanted:
            found = shutil.which(wanted, path=base.get("PATH"))
        if found is not None:
            # Setup's environment: its bin/ is the directory dbt is in.
            bin_dir = str(Path(found).parent)
            env = {**base, "PATH": f"{bin_dir}:{base.get('PATH', '')}", "PYTHONUNBUFFERED": "true"}
            return found, {**env, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        image = _text(ctx, self.container_image)
        profiles = read_profiles(
            root / ".profile" / "profiles.yml", root / "profiles.yml", project / "profiles.yml"
        )
        python_env, _ = dbt_environment([], image, profiles, ctx.logger.info)
        ctx.logger.info(
            f"dbt is not at '{wanted}' (no Setup task ran in this working directory): "
            f"using the dbt of {python_env.root}"
        )
        env = {**base, **environment_variables(python_env, base.get("PATH"))}
        return str(python_env.bin_dir / "dbt"), env


class LegacyRun(LegacyDbt):
    """The options of the commands that select nodes (Kestra's ``AbstractRun``)."""

    thread: Property[int] | None = Field(default=None, description="`--threads`.")
    full_refresh: Property[bool] = Field(
        default=False, description="`--full-refresh`: rebuild incremental models whole."
    )
    target: Property[Text] | None = Field(default=None, description="`--target`.")
    selector: Property[Text] | None = Field(
        default=None, description="`--selector`, a name from `selectors.yml`."
    )
    select: Property[list[Text]] | None = Field(default=None, description="`--select`.")
    exclude: Property[list[Text]] | None = Field(default=None, description="`--exclude`.")

    def options(self, ctx: RunContext) -> list[str]:
        """``--threads``, ``--full-refresh``, ``--target``, ``--selector``, ``--select`` and
        ``--exclude`` from the properties."""
        args: list[str] = []
        if self.thread is not None:
            args += ["--threads", str(ctx.render_as(self.thread, int))]
        if ctx.render_as(self.full_refresh, bool):
            args.append("--full-refresh")
        for flag, value in (("--target", self.target), ("--selector", self.selector)):
            text = _text(ctx, value)
            if text:
                args += [flag, text]
        for flag, values in (("--select", self.select), ("--exclude", self.exclude)):
            # Kestra joins the items into one shell line: an item may hold several words.
            words = [w for item in ctx.render(values or []) for w in shlex.split(str(item))]
            if words:
                args += [flag, *words]
        return args


def _text(ctx: RunContext, value: Any) -> str | None:
    return None if value is None else str(ctx.render(value))


def legacy_example(task: str, command: str) -> Example:
    """The documented example of a deprecated command task: ``Setup`` then the task, in a
    working directory holding a cloned project."""
    code = f"""\
id: dbt_{task.lower()}
namespace: company.team

tasks:
  - id: wdir
    type: io.kestra.plugin.core.flow.WorkingDirectory
    tasks:
      - id: clone_repository
        type: io.kestra.plugin.git.Clone
        url: https://github.com/kestra-io/dbt-example
        branch: master

      - id: dbt_setup
        type: io.kestra.plugin.dbt.cli.Setup
        requirements:
          - dbt-duckdb
        profiles:
          my_dbt_project:
            outputs:
              dev:
                type: duckdb
                path: ":memory:"
            target: dev

      - id: dbt_{task.lower()}
        type: io.kestra.plugin.dbt.cli.{task}
        projectDir: dbt
"""
    title = f"Set dbt up in the working directory, then run `dbt {command}` on the project."
    return Example(title, code, needs=("internet",))
