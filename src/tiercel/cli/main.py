"""``tiercel``: the command-line entry point."""

import sys

import click

from tiercel import __version__
from tiercel.cli.lazy import LazyCommand, LazyGroup

COMMANDS = {
    "flow": LazyCommand("tiercel.cli.flow:flow", "Validate and run flows."),
    "namespace": LazyCommand("tiercel.cli.namespace:namespace", "Manage namespaces."),
    "plugins": LazyCommand(
        "tiercel.cli.plugins:plugins",
        "List plugin types and export the flow language's JSON Schema.",
    ),
    "recover": LazyCommand(
        "tiercel.cli.recover:recover",
        "Pick up every unfinished execution of the embedded backend and run it to its end.",
    ),
    "server": LazyCommand("tiercel.cli.server:server", "Run Tiercel as a service."),
}
"""The subcommands, each imported only when it runs: ``tiercel flow validate`` loads neither
the server nor the runtime."""


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tiercel")
def cli() -> None:
    """Tiercel runs Kestra's declarative YAML flows, in Python."""


def main() -> None:
    """Run the CLI; the console script ``tiercel`` calls this."""
    sys.exit(cli.main(standalone_mode=True))
