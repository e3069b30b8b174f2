"""``io.kestra.plugin.core.storage.Split``: cut an internal-storage file into several."""

import re
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import IO

from pydantic import Field

from tiercel.plugins.core.storage.files import extension_of, new_file, read_lines, upload
from tiercel.sdk import Output, Property, RunContext, RunnableTask, TaskFailure, Text, plugin

_SIZE = re.compile(r"\s*(\d+)\s*(KB|MB|GB)?\s*", re.IGNORECASE)
_UNITS = {None: 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


class SplitOutput(Output):
    """What ``Split`` outputs."""

    uris: list[str] = Field(description="The `kestra://` URIs of the parts, in order.")


@plugin(
    "io.kestra.plugin.core.storage.Split",
    aliases=["io.kestra.core.tasks.storages.Split"],
)
class Split(RunnableTask[SplitOutput]):
    """Split a file by size, number of rows, number of partitions or a regex key."""

    from_: Text = Field(alias="from", description="A `kestra://` URI.")
    bytes: Text | None = Field(default=None, description="Maximum size of a part, e.g. `10MB`.")
    partitions: Property[int] | None = Field(default=None, description="Number of parts.")
    rows: Property[int] | None = Field(default=None, description="Rows per part.")
    regex_pattern: Text | None = Field(
        default=None, description="Lines go to the part named by the first capture group."
    )
    separator: Text = "\n"

    def run(self, ctx: RunContext) -> SplitOutput:
        """``uris``: the parts, in order, each line followed by the separator.

        Kestra's order of precedence: ``regexPattern``, then ``bytes``, ``partitions``,
        ``rows``. A part by size starts a new file once it holds at least ``bytes``.
        """
        uri = str(ctx.render(self.from_))
        separator = str(ctx.render(self.separator))
        extension = extension_of(uri)
        lines = read_lines(ctx, uri)
        if self.regex_pattern is not None:
            pattern = re.compile(str(ctx.render(self.regex_pattern)))
            paths = _by_key(ctx, extension, separator, lines, pattern)
        elif self.bytes is not None:
            limit = _size(str(ctx.render(self.bytes)))
            paths = _sequential(ctx, extension, separator, lines, lambda size, _: size >= limit)
        elif self.partitions is not None:
            count = ctx.render_as(self.partitions, int)
            paths = _round_robin(ctx, extension, separator, lines, count)
        elif self.rows is not None:
            rows = ctx.render_as(self.rows, int)
            paths = _sequential(ctx, extension, separator, lines, lambda _, count: count >= rows)
        else:
            raise TaskFailure("Invalid configuration with no size, count, rows, nor regexPattern")
        return SplitOutput(uris=[upload(ctx, path) for path in paths])


def _size(text: str) -> int:
    """Micronaut's readable bytes: ``1024``, ``10KB``, ``5MB``, ``1GB`` (powers of 1024)."""
    match = _SIZE.fullmatch(text)
    if match is None:
        raise TaskFailure(f"Invalid size with value '{text}'")
    unit = match[2].upper() if match[2] else None
    return int(match[1]) * _UNITS[unit]


def _sequential(
    ctx: RunContext,
    extension: str,
    separator: str,
    lines: Iterable[str],
    full: Callable[[int, int], bool],
) -> list[Path]:
    paths: list[Path] = []
    with ExitStack() as stack:
        out: IO[bytes] | None = None
        size = count = 0
        for line in lines:
            if out is None or full(size, count):
                if out is not None:
                    out.close()
                paths.append(new_file(ctx, extension))
                out = stack.enter_context(paths[-1].open("wb"))
                size = count = 0
            data = (line + separator).encode("utf-8")
            out.write(data)
            size += len(data)
            count += 1
    return paths


def _round_robin(
    ctx: RunContext, extension: str, separator: str, lines: Iterable[str], count: int
) -> list[Path]:
    if count < 1:
        raise TaskFailure(f"`partitions` must be at least 1, not {count}")
    paths = [new_file(ctx, extension) for _ in range(count)]
    with ExitStack() as stack:
        outs = [stack.enter_context(path.open("wb")) for path in paths]
        for index, line in enumerate(lines):
            outs[index % count].write((line + separator).encode("utf-8"))
    return [path for path in paths if path.stat().st_size > 0]


def _by_key(
    ctx: RunContext, extension: str, separator: str, lines: Iterable[str], pattern: re.Pattern[str]
) -> list[Path]:
    paths: dict[str, Path] = {}
    with ExitStack() as stack:
        outs: dict[str, IO[bytes]] = {}
        for line in lines:
            match = pattern.search(line)
            if match is None or pattern.groups == 0:
                continue  # Kestra drops the lines that name no part
            key = match[1] or ""
            if key not in outs:
                paths[key] = new_file(ctx, extension)
                outs[key] = stack.enter_context(paths[key].open("wb"))
            outs[key].write((line + separator).encode("utf-8"))
    return [path for path in paths.values() if path.stat().st_size > 0]
