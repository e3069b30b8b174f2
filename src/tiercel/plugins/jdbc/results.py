"""Reading a statement's result the way ``fetchType`` asks: the first row, every row, or
every row streamed into an Ion file ``fetchSize`` rows at a time."""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tiercel.plugins.jdbc.connection import Dialect, Host
from tiercel.plugins.jdbc.values import IonRows, Mapper, output_row
from tiercel.sdk.properties import FetchType

_BUFFER = 1 << 20


def new_ion_file(host: Host) -> Path:
    """A new empty ``.ion`` file in the host's directory."""
    handle, name = tempfile.mkstemp(dir=host.temp_dir(), suffix=".ion")
    os.close(handle)
    return Path(name)


def rows_of(cursor: Any, fetch_size: int) -> Iterator[Any]:
    """Every row of the cursor, fetched ``fetch_size`` at a time."""
    size = max(fetch_size, 1)
    while True:
        batch = cursor.fetchmany(size)
        if not batch:
            return
        yield from batch


def collect(
    host: Host,
    dialect: Dialect,
    cursor: Any,
    fetch_type: FetchType,
    fetch_size: int,
    mapper: Mapper,
) -> dict[str, Any]:
    """The outputs of one result set: ``row``, ``rows`` or ``uri``, and ``size``.

    ``NONE`` reads nothing and gives no output, as in Kestra.
    """
    if fetch_type is FetchType.NONE:
        return {}
    names = dialect.column_names(cursor)
    mapper.adapters = dialect.adapters(cursor)
    if fetch_type is FetchType.FETCH_ONE:
        first = cursor.fetchone()
        if first is None:
            return {"size": 0}
        return {"row": output_row(mapper.row(names, first)), "size": 1}
    if fetch_type is FetchType.FETCH:
        rows = [output_row(mapper.row(names, row)) for row in rows_of(cursor, fetch_size)]
        return {"rows": rows, "size": len(rows)}
    path, size = store(host, cursor, names, mapper, fetch_size)
    try:
        return {"uri": host.store(path), "size": size}
    finally:
        path.unlink(missing_ok=True)


def store(
    host: Host, cursor: Any, names: list[str], mapper: Mapper, fetch_size: int
) -> tuple[Path, int]:
    """Write every row into a new Ion file of the host's directory; the file and the count.

    Only ``fetch_size`` rows (and a 1 MiB write buffer) are held at a time, so the memory
    used does not grow with the result.
    """
    path = new_ion_file(host)
    writer = IonRows(names, mapper)
    lines = writer.lines
    size = 0
    with path.open("w", encoding="utf-8", newline="\n", buffering=_BUFFER) as out:
        write = out.write
        step = max(fetch_size, 1)
        while True:
            batch = cursor.fetchmany(step)
            if not batch:
                break
            write(lines(batch))
            size += len(batch)
    return path, size
