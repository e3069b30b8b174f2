"""``tiercel flow ...``: work with flow files."""

from collections.abc import Iterator
from pathlib import Path

import click

from tiercel.cli.lazy import LazyCommand, LazyGroup
from tiercel.model import Flow, LoadResult, Problem, load_flows
from tiercel.model.source import MAX_BYTES
from tiercel.registry import Registry, default_registry

FLOW_SUFFIXES = (".yaml", ".yml")


@click.group(
    cls=LazyGroup,
    lazy={
        "test": LazyCommand(
            "tiercel.cli.flow_test:test_flow",
            "Run FILE once with INPUTS given as KEY=VALUE, streaming its logs.",
        )
    },
)
def flow() -> None:
    """Validate and run flows."""


@flow.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--quiet", "-q", is_flag=True, help="Print only the problems.")
def validate(paths: tuple[Path, ...], quiet: bool) -> None:
    """Check flow files (or every .yaml/.yml file under directories) without running them.

    Exit status 0 only when every flow is valid.
    """
    registry = default_registry()
    failed = 0
    files = 0
    for file in _flow_files(paths):
        files += 1
        result = read_flow_file(file, registry)
        if not result.ok:
            failed += 1
        _report(result, quiet)
    if files == 0:
        raise click.ClickException("no .yaml or .yml file found in " + ", ".join(map(str, paths)))
    summary = f"{files - failed} of {files} file(s) valid"
    click.echo(summary if not failed else click.style(summary, fg="red"), err=bool(failed))
    raise SystemExit(1 if failed else 0)


def read_flow_file(file: Path, registry: Registry) -> LoadResult:
    """Load a flow file, turning an unreadable file into a problem rather than an exception.

    Never reads more than the size limit of a flow source, however large the file.
    """
    try:
        with file.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            size = file.stat().st_size / 1_048_576
            message = f"file is {size:.1f} MiB, over the {MAX_BYTES // 1_048_576} MiB limit"
            return _failed(file, message)
    except OSError as exc:
        return _failed(file, f"cannot read: {exc.strerror or exc}")
    return load_flows(raw, str(file), registry)


def load_flow_directory(directory: Path, registry: Registry) -> dict[tuple[str, str], Flow]:
    """Every valid flow under ``directory``, by namespace and id (subflows, recovery)."""
    flows: dict[tuple[str, str], Flow] = {}
    for path in _flow_files((directory,)):
        for loaded in read_flow_file(path, registry).valid_flows():
            flows[(loaded.namespace, loaded.id)] = loaded
    return flows


def _failed(file: Path, message: str) -> LoadResult:
    result = LoadResult(str(file))
    result.problems.append(Problem(str(file), 1, 1, "", message))
    return result


def _flow_files(paths: tuple[Path, ...]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.suffix in FLOW_SUFFIXES and p.is_file()
            )
        else:
            yield path


def _report(result: LoadResult, quiet: bool) -> None:
    for problem in result.problems:
        click.echo(click.style(str(problem), fg="red"), err=True)
    for loaded in result.flows:
        if loaded.flow is not None:
            if not quiet:
                where = f"{result.source}:{loaded.line}"
                click.echo(f"{click.style('valid', fg='green')}  {where}  {loaded.flow.uid}")
            for notice in loaded.notices:
                click.echo(click.style(f"{notice} (warning)", fg="yellow"), err=True)
        else:
            for problem in loaded.problems:
                click.echo(click.style(str(problem), fg="red"), err=True)
