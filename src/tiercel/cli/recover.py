"""``tiercel recover``: finish the executions a stopped process left running."""

from pathlib import Path

import click

from tiercel.cli.flow import load_flow_directory
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.storage.secrets import SecretKeyError
from tiercel.wiring import data_dir, local_services


@click.command()
@click.option("--flows", "flows_dir", required=True,
              type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="The flows of the executions to pick up.")  # fmt: skip
@click.option("--data-dir", "data_root", type=click.Path(path_type=Path, file_okay=False),
              help="The embedded backend's data (default: $TIERCEL_DATA_DIR, $TIERCEL_HOME "
                   "or ~/.tiercel).")  # fmt: skip
def recover(flows_dir: Path, data_root: Path | None) -> None:
    """Pick up every unfinished execution of the embedded backend and run it to its end.

    A task run that was running when its process stopped gets a new attempt.
    """
    registry = default_registry()
    flows = load_flow_directory(flows_dir, registry)
    try:
        with local_services(data_dir(data_root)) as services:
            ended = LocalRunner(services, flows).recover()
    except SecretKeyError as exc:
        raise click.ClickException(str(exc)) from None
    for execution in ended.values():
        click.echo(
            f"{execution.state.current.value:<9} {execution.namespace}.{execution.flow_id}"
            f"  execution {execution.id}"
        )
    if not ended:
        click.echo("nothing to recover")
