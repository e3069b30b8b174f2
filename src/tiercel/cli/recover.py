"""``tiercel recover``: finish the executions a stopped process left running."""

from pathlib import Path

import click

from tiercel.cli.flow import load_flow_directory
from tiercel.host import processes
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.runtime.journal import left_by_the_dead
from tiercel.storage.secrets import SecretKeyError
from tiercel.wiring import JOURNAL_FOLDER, data_dir, local_services


@click.command()
@click.option("--flows", "flows_dir", required=True,
              type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="The flows of the executions to pick up.")  # fmt: skip
@click.option("--data-dir", "data_root", type=click.Path(path_type=Path, file_okay=False),
              help="The embedded backend's data (default: $TIERCEL_DATA_DIR, $TIERCEL_HOME "
                   "or ~/.tiercel).")  # fmt: skip
def recover(flows_dir: Path, data_root: Path | None) -> None:
    """Pick up every unfinished execution of the embedded backend and run it to its end.

    As a server does when it starts again: the task processes a dead server left are
    killed; a task run whose attempt ended before the stop gets its journaled result; one
    that had begun gets a KILLED attempt and a new one; one that never began runs as it is.
    """
    registry = default_registry()
    flows = load_flow_directory(flows_dir, registry)
    root = data_dir(data_root)
    try:
        with local_services(root) as services:
            reaped = processes.reap_orphans()
            if reaped:
                click.echo(f"killed {reaped} task processes left by a stopped server")
            left = left_by_the_dead(root / JOURNAL_FOLDER)
            # Without a journal (a process that kept none), whatever was running may have
            # begun: each such attempt ends KILLED.
            ended = LocalRunner(services, flows).recover(left=left if left.journals else None)
            # Read once: the attempts they list are now settled in the store.
            for journal in left.journals:
                journal.unlink(missing_ok=True)
    except SecretKeyError as exc:
        raise click.ClickException(str(exc)) from None
    for execution in ended.values():
        click.echo(
            f"{execution.state.current.value:<9} {execution.namespace}.{execution.flow_id}"
            f"  execution {execution.id}"
        )
    if not ended:
        click.echo("nothing to recover")
