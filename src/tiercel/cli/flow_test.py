"""``tiercel flow test``: run one execution of a flow file to its end, here and now."""

import json
import sys
from datetime import timedelta
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from tiercel.cli.flow import load_flow_directory, read_flow_file
from tiercel.cli.namespace import upload_directory
from tiercel.engine.inputs import InputError
from tiercel.model import Flow, LoadResult, State
from tiercel.model.execution import TaskRun
from tiercel.registry import default_registry
from tiercel.runtime import Finished, LocalRunner, LogLine, Services
from tiercel.runtime.journal import RunJournal
from tiercel.storage import InvalidPathError, StorageError, StorageNamespaceFiles
from tiercel.storage.secrets import SecretKeyError
from tiercel.wiring import JOURNAL_FOLDER, data_dir, local_services
from tiercel.wiring.local import allowed_env_variable

_LEVEL_COLOURS = {
    "ERROR": "red",
    "WARN": "yellow",
    "DEBUG": "bright_black",
    "TRACE": "bright_black",
}
_STATE_COLOURS = {"SUCCESS": "green", "WARNING": "yellow", "FAILED": "red", "KILLED": "red"}


@click.command("test")
@click.argument("file", type=click.Path(path_type=Path))
@click.argument("inputs", nargs=-1)
@click.option("--flows", "flows_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Load other flows (subflows, flow triggers) from this directory.")  # fmt: skip
@click.option("--templates", "templates_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Load the templates of flow.Template tasks (deprecated) from this "
                   "directory.")  # fmt: skip
@click.option("--namespace-files", "namespace_files_dir",
              type=click.Path(path_type=Path, exists=True, file_okay=False, readable=True),
              help="Upload this directory's files as namespace files of the flow's namespace "
                   "before running.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the execution as Kestra's JSON.")
@click.option("--data-dir", "data_root", type=click.Path(path_type=Path, file_okay=False),
              help="Where the embedded backend keeps its data (default: $TIERCEL_DATA_DIR, "
                   "$TIERCEL_HOME or ~/.tiercel).")  # fmt: skip
@click.option("--threads", type=int, default=4, show_default=True, help="Worker threads.")
@click.option("--allowed-env", "allowed_env", multiple=True, metavar="NAME",
              help="An environment variable the task processes may see besides PATH, HOME, "
                   "the locale and TZ (a glob like AWS_* too; repeat for more; default: "
                   "$TIERCEL_ALLOWED_ENV).")  # fmt: skip
def test_flow(
    file: Path,
    inputs: tuple[str, ...],
    flows_dir: Path | None,
    templates_dir: Path | None,
    namespace_files_dir: Path | None,
    as_json: bool,
    data_root: Path | None,
    threads: int,
    allowed_env: tuple[str, ...],
) -> None:
    """Run FILE once with INPUTS given as KEY=VALUE, streaming its logs.

    Exit status 0 when the execution ends in SUCCESS or WARNING, 1 otherwise.
    """
    registry = default_registry()
    target = _single_flow(read_flow_file(file, registry))
    given = _parse_inputs(inputs)
    others = load_flow_directory(flows_dir, registry) if flows_dir else {}
    templates = load_flow_directory(templates_dir, registry) if templates_dir else {}
    root = data_dir(data_root)
    try:
        with local_services(root, allowed_env=allowed_env or allowed_env_variable()) as services:
            if namespace_files_dir is not None:
                _upload_namespace_files(services, target.namespace, namespace_files_dir)
            runner = LocalRunner(
                services,
                others,
                templates=templates,
                threads=threads,
                on_log=None if as_json else _print_log,
            )
            # As a server's: what began here is known to ``tiercel recover`` if this is killed.
            journal = runner.worker.journal = RunJournal(root / JOURNAL_FOLDER)
            try:
                finished = runner.execute(target, given)
            finally:
                journal.close()
    except InputError as exc:
        for input_id, message in exc.problems:
            click.echo(click.style(f"{file}: inputs.{input_id}: {message}", fg="red"), err=True)
        sys.exit(1)
    except (StorageError, SQLAlchemyError, SecretKeyError, OSError) as exc:
        # A data directory left by another version, a full disk...: say which, no traceback.
        reason = str(exc).splitlines()[0]
        click.echo(click.style(f"the data directory {root} cannot be used: {reason}", fg="red"),
                   err=True)  # fmt: skip
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(finished.execution.to_kestra_json(finished.task_runs), indent=2))
    else:
        _print_summary(finished)
    ok = finished.execution.state.current in (State.SUCCESS, State.WARNING)
    sys.exit(0 if ok else 1)


def _upload_namespace_files(services: Services, namespace: str, source: Path) -> None:
    try:
        uploaded = upload_directory(StorageNamespaceFiles(services.storage), namespace, source)
    except (InvalidPathError, OSError) as exc:
        # A file whose name the storage refuses, an unreadable file: name it, run nothing.
        click.echo(click.style(f"--namespace-files {source}: {exc}", fg="red"), err=True)
        sys.exit(1)
    click.echo(f"{len(uploaded)} namespace files from {source} uploaded to {namespace}", err=True)


def _single_flow(result: LoadResult) -> Flow:
    problems = result.all_problems()
    if problems:
        for problem in problems:
            click.echo(click.style(str(problem), fg="red"), err=True)
        sys.exit(1)
    flows = result.valid_flows()
    if len(flows) != 1:
        click.echo(f"{result.source}: holds {len(flows)} flows; flow test runs one", err=True)
        sys.exit(1)
    return flows[0]


def _parse_inputs(pairs: tuple[str, ...]) -> dict[str, str]:
    given: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.UsageError(f"input '{pair}' must be written KEY=VALUE")
        given[key] = value
    return given


def _print_log(line: LogLine) -> None:
    when = line.timestamp.strftime("%H:%M:%S.%f")[:-3]
    level = click.style(f"{line.level.value:<5}", fg=_LEVEL_COLOURS.get(line.level.value))
    click.echo(f"{when} {level} {line.task_id or '-':<20} {line.message}")


def _print_summary(finished: Finished) -> None:
    execution = finished.execution
    state = execution.state.current.value
    click.echo("")
    click.echo(
        f"{click.style(state, fg=_STATE_COLOURS.get(state), bold=True)}  "
        f"{execution.namespace}.{execution.flow_id}  execution {execution.id}  "
        f"in {_seconds(execution.state.duration)}"
    )
    for run in finished.task_runs:
        click.echo(f"  {_label(run):<40} {_coloured(run.state.current.value):<18} "
                   f"{_seconds(run.state.duration)}")  # fmt: skip
    outputs = [(run, run.outputs) for run in finished.task_runs if run.outputs]
    if outputs:
        click.echo("outputs:")
        for run, values in outputs:
            click.echo(f"  {_label(run)}: {json.dumps(values, ensure_ascii=False)}")
    if execution.outputs:
        click.echo(f"flow outputs: {json.dumps(execution.outputs, ensure_ascii=False)}")


def _label(run: TaskRun) -> str:
    return f"{run.task_id}[{run.value}]" if run.value is not None else run.task_id


def _coloured(state: str) -> str:
    return click.style(state, fg=_STATE_COLOURS.get(state))


def _seconds(span: timedelta) -> str:
    return f"{span.total_seconds() * 1000:.0f} ms"
