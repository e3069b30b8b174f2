"""``tiercel plugins ...``: the installed task, trigger and condition types."""

import json

import click

from tiercel.model import PluginKind
from tiercel.registry import default_registry
from tiercel.registry.docs import plugin_markdown
from tiercel.registry.schema_cache import cached_flow_schema


@click.group()
def plugins() -> None:
    """List plugin types and export the flow language's JSON Schema."""


@plugins.command("list")
@click.option("--aliases", is_flag=True, help="Also list the legacy names of each type.")
def list_plugins(aliases: bool) -> None:
    """List every installed plugin type with its kind and summary."""
    for info, cls in default_registry().plugins():
        flag = " (deprecated)" if info.deprecated else ""
        click.echo(f"{info.type:<62} {cls.plugin_kind.value:<11} {info.title}{flag}")
        if aliases:
            for alias in info.aliases:
                click.echo(f"  alias {alias}")


@plugins.command()
@click.option("--indent", type=int, default=2, show_default=True)
def schema(indent: int) -> None:
    """Print the JSON Schema of a flow, for editors such as VS Code's YAML extension."""
    from tiercel.wiring import data_dir  # the server's settings are only needed here

    schema = cached_flow_schema(default_registry(), data_dir() / "cache")
    click.echo(json.dumps(schema, indent=indent or None))


@plugins.command()
@click.argument("type_name", metavar="TYPE")
def doc(type_name: str) -> None:
    """Print the documentation of a plugin type (or alias): summary, examples, outputs."""
    registry = default_registry()
    cls = registry.get(type_name)
    if cls is None:
        close = [registry.suggest(kind, type_name) for kind in PluginKind]
        hint = next((f" (did you mean {name}?)" for name in close if name), "")
        raise click.ClickException(f"unknown plugin type '{type_name}'{hint}")
    click.echo(plugin_markdown(registry.info(cls), cls), nl=False)
