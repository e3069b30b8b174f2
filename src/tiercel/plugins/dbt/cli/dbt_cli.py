"""``io.kestra.plugin.dbt.cli.DbtCLI``: run dbt commands on a project in the working directory.

Kestra runs the commands in a dbt container image; Tiercel runs them as a local process in a
cached Python environment holding dbt-core and the adapters the task needs (see
``tiercel.plugins.dbt.environment``), and says so in a warning when the flow names an image
or a Docker runner.
"""

import shlex
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.dbt.environment import (
    dbt_environment,
    environment_variables,
    project_directory,
    read_profiles,
)
from tiercel.plugins.dbt.log_consumer import DbtLogConsumer
from tiercel.plugins.dbt.results import ManifestStore, collect_results, load_manifest
from tiercel.plugins.scripts.exec_script import ExecScript
from tiercel.sdk import (
    Example,
    KestraModel,
    Outcome,
    Property,
    RunContext,
    State,
    TaskFailure,
    Text,
    plugin,
)


class LogFormat(StrEnum):
    """The ``--log-format`` given to dbt commands."""

    JSON = "JSON"
    TEXT = "TEXT"
    DEBUG = "DEBUG"
    NONE = "NONE"


class Engine(StrEnum):
    """Which dbt engine Kestra's default image holds (Tiercel runs dbt-core)."""

    CORE = "CORE"
    FUSION = "FUSION"


class KvStoreManifest(KestraModel):
    """A ``manifest.json`` kept in a namespace's KV store."""

    key: Property[Text] = Field(description="The KV key holding the manifest.")
    namespace: Property[Text] = Field(description="The namespace of the KV store.")


_EXAMPLE = """\
id: dbt_build
namespace: company.team

tasks:
  - id: dbt_build
    type: io.kestra.plugin.dbt.cli.DbtCLI
    namespaceFiles:
      enabled: true
      exclude:
        - profiles.yml
    commands:
      - dbt deps
      - dbt build
    profiles: |
      my_dbt_project:
        outputs:
          dev:
            type: duckdb
            path: dbt.duckdb
            threads: 4
        target: dev
"""

_DEFER_EXAMPLE = """\
id: dbt_defer
namespace: company.team

tasks:
  - id: dbt
    type: io.kestra.plugin.core.flow.WorkingDirectory
    tasks:
      - id: clone_repository
        type: io.kestra.plugin.git.Clone
        url: https://github.com/kestra-io/dbt-example
        branch: master

      - id: dbt_build
        type: io.kestra.plugin.dbt.cli.DbtCLI
        containerImage: ghcr.io/kestra-io/dbt-duckdb:latest
        projectDir: dbt
        loadManifest:
          key: manifest.json
          namespace: "{{ flow.namespace }}"
        storeManifest:
          key: manifest.json
          namespace: "{{ flow.namespace }}"
        commands:
          - dbt build --target prod --select state:modified+ --defer --state ./target
        profiles: |
          my_dbt_project:
            outputs:
              prod:
                type: duckdb
                path: dbt2.duckdb
            target: prod
"""


@plugin(
    "io.kestra.plugin.dbt.cli.DbtCLI",
    examples=[
        Example(
            "Run `dbt deps` and `dbt build` on a project kept in namespace files, with the "
            "profiles given inline (dbt-core and dbt-duckdb are installed once, then reused).",
            _EXAMPLE,
            needs=("dbt project", "internet"),
        ),
        Example(
            "Clone a project, and build only what changed since the manifest of the last run, "
            "kept in the KV store.",
            _DEFER_EXAMPLE,
            needs=("internet",),
        ),
    ],
)
class DbtCLI(ExecScript):
    """Run dbt commands (`dbt build`, `dbt test`...) with dbt-core and its adapter."""

    commands: Property[list[Text]] = Field(
        description="The commands to run, in order. A command starting with `dbt` gets "
        "`--project-dir` (when `projectDir` is set), `--log-format` (unless `logFormat` is "
        "NONE) and `--log-path logs`, unless it has them."
    )
    profiles: Property[Text] | None = Field(
        default=None,
        description="The content of `profiles.yml`, written in the working directory "
        "(replacing a file already there).",
    )
    project_dir: Property[Text] | None = Field(
        default=None,
        description="The dbt project's directory, relative to the working directory, when it "
        "is not the working directory itself.",
    )
    parse_run_results: Property[bool] = Field(
        default=True,
        description="Read `target/run_results.json`: one log line per node, its metrics, and "
        "the file in `outputFiles`.",
    )
    store_manifest: KvStoreManifest | None = Field(
        default=None,
        description="Keep `target/manifest.json` in this KV store entry after the run.",
    )
    load_manifest: KvStoreManifest | None = Field(
        default=None,
        description="Write the manifest kept in this KV store entry to `target/manifest.json` "
        "before the run (for `--defer --state`); a warning when there is none.",
    )
    log_format: Property[LogFormat] = Field(
        default=LogFormat.JSON, description="The `--log-format` added to dbt commands."
    )
    engine: Property[Engine] = Field(
        default=Engine.CORE,
        description="The engine of Kestra's default image; Tiercel always runs dbt-core.",
    )

    def run(self, ctx: RunContext) -> Mapping[str, Any] | Outcome:
        """Prepare the project, run the commands, then read what dbt left in `target/`."""
        ws = self.workspace(ctx)
        project_name = str(ctx.render(self.project_dir)) if self.project_dir else None
        project = project_directory(ws.root, project_name)
        ctx.logger.info(f"dbt project working directory: {project}")
        if self.load_manifest is not None:
            load_manifest(ctx, project, *_kv_entry(ctx, self.load_manifest))
        store = None
        if self.store_manifest is not None:
            store = ManifestStore(*_kv_entry(ctx, self.store_manifest))
        profiles = str(ctx.render(self.profiles)) if self.profiles is not None else ""
        if profiles:
            target = ws.root / "profiles.yml"
            if target.exists():
                ctx.logger.info(
                    "A 'profiles.yml' file already exists in the task working directory; "
                    "it will be overridden."
                )
            target.write_text(profiles, encoding="utf-8")
        if ctx.render_as(self.engine, Engine) is Engine.FUSION:
            ctx.logger.warn("The dbt Fusion engine is not available here: dbt-core runs instead")
        image = str(ctx.render(self.container_image)) if self.container_image else None
        env, before = dbt_environment(
            ws.render_list(ctx, self.before_commands),
            image,
            read_profiles(ws.root / "profiles.yml", project / "profiles.yml"),
            ctx.logger.info,
        )
        log_format = ctx.render_as(self.log_format, LogFormat)
        commands = [
            _dbt_options(command, project_name, log_format)
            for command in ws.render_list(ctx, self.commands)
        ]
        consumer = DbtLogConsumer(ctx)
        parse = ctx.render_as(self.parse_run_results, bool)
        try:
            result = self.execute(
                ctx,
                ws,
                before,
                commands,
                env=environment_variables(env, ctx.process_env().get("PATH")),
                consumer=consumer,
            )
        except TaskFailure as failure:
            outputs = dict(failure.outputs) if isinstance(failure.outputs, Mapping) else {}
            files = dict(outputs.get("outputFiles") or {})
            collect_results(ctx, project, files, parse_run_results=parse, store_manifest=store)
            raise TaskFailure(str(failure), {**outputs, "outputFiles": files}) from None
        outputs, state = (
            (dict(result.outputs), result.state)
            if isinstance(result, Outcome)
            else (dict(result), State.SUCCESS)
        )
        files = dict(outputs.get("outputFiles") or {})
        collect_results(
            ctx,
            project,
            files,
            parse_run_results=parse,
            store_manifest=store,
            warn_missing_manifest=True,
        )
        outputs["outputFiles"] = files
        if consumer.warning_detected:
            state = State.WARNING
        return Outcome(outputs, state) if state is not State.SUCCESS else outputs


def _kv_entry(ctx: RunContext, entry: KvStoreManifest) -> tuple[str, str]:
    return str(ctx.render(entry.namespace)), str(ctx.render(entry.key))


def _dbt_options(command: str, project_dir: str | None, log_format: LogFormat) -> str:
    """Kestra's additions to a command that starts with ``dbt``."""
    if not command.startswith("dbt"):
        return command
    if project_dir and "--project-dir" not in command:
        command += f" --project-dir {shlex.quote(project_dir)}"
    if log_format is not LogFormat.NONE and "--log-format" not in command:
        command += f" --log-format {log_format.value.lower()}"
    if "--log-path" not in command:
        command += " --log-path logs"
    return command
