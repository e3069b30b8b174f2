"""``tiercel``: the command-line entry point."""

import sys

import click

from tiercel import __version__
from tiercel.cli.flow import flow
from tiercel.cli.flow_test import test_flow
from tiercel.cli.namespace import namespace
from tiercel.cli.plugins import plugins
from tiercel.cli.recover import recover
from tiercel.cli.server import server


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tiercel")
def cli() -> None:
    """Tiercel runs Kestra's declarative YAML flows, in Python."""


cli.add_command(flow)
flow.add_command(test_flow)
cli.add_command(namespace)
cli.add_command(plugins)
cli.add_command(recover)
cli.add_command(server)


def main() -> None:
    """Run the CLI; the console script ``tiercel`` calls this."""
    sys.exit(cli.main(standalone_mode=True))
