"""Ion text built a whole column at a time, with pyarrow's compute kernels (C++), for the
fast paths of the CSV converters and of PostgreSQL's ``STORE``: Ion string escaping, and
rows assembled from constant pieces and columns of text without a Python step per value.

pyarrow and numpy come with ``tiercel[serdes]`` (and ``tiercel[jdbc-postgresql]``); without
them ``available()`` is False and the callers keep their other paths, which write the same
bytes.
"""

import importlib
import importlib.util
import json.encoder
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from types import ModuleType
from typing import Any, TypeVar

_encode_json_string = json.encoder.encode_basestring
# Every byte but the C0 controls: ``bytes.translate(None, _NOT_CONTROL)`` keeps only controls.
_NOT_CONTROL = bytes(range(32, 256))
# The controls JSON (and so this codec) writes with a short escape; the others as \u00XX.
_SHORT_ESCAPES = (("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"), ("\b", "\\b"), ("\f", "\\f"))
_SHORT_CONTROLS = frozenset(b"\n\r\t\b\f")
_POOL_SET = False
_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


def available() -> bool:
    """Whether pyarrow and numpy are installed (without importing them: validating a flow
    must not load them)."""
    return all(importlib.util.find_spec(name) is not None for name in ("pyarrow", "numpy"))


def modules() -> tuple[ModuleType, ModuleType]:
    """``(pyarrow, pyarrow.compute)``, imported on first use (only when ``available()``).

    pyarrow's default allocator is made the system's unless ``ARROW_DEFAULT_MEMORY_POOL``
    names one: mimalloc keeps what these block-by-block conversions free (measured: a
    PostgreSQL ``STORE`` of a million rows peaked 20 to 30 MB higher with it), and their
    memory is to stay flat and small.
    """
    global _POOL_SET
    pyarrow = importlib.import_module("pyarrow")
    if not _POOL_SET:
        _POOL_SET = True
        if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
            pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    return pyarrow, importlib.import_module("pyarrow.compute")


def text_bytes(column: Any) -> bytes:
    """The characters of a string column's values, all together (for cheap checks)."""
    import numpy

    pyarrow, _ = modules()
    buffers = column.buffers()
    if buffers[2] is None or len(column) == 0:
        return b""
    width = 8 if pyarrow.types.is_large_string(column.type) else 4
    offsets = numpy.frombuffer(
        buffers[1], dtype=numpy.int64 if width == 8 else numpy.int32,
        count=len(column) + 1, offset=column.offset * width,
    )  # fmt: skip
    data: bytes = buffers[2][int(offsets[0]) : int(offsets[-1])].to_pybytes()
    return data


def escape_for_ion(column: Any) -> Any:
    """A string column with each value escaped as inside an Ion (and JSON) string, exactly as
    ``ion.dumps`` escapes it: backslash, double quote and the C0 controls; nulls stay null."""
    pyarrow, pc = modules()
    data = text_bytes(column)
    controls = set(data.translate(None, _NOT_CONTROL))
    if not controls <= _SHORT_CONTROLS:
        # Rare controls (\x01...) take JSON's \u00XX form: one value at a time.
        return pyarrow.array(
            [None if value is None else _encode_json_string(value)[1:-1]
             for value in column.to_pylist()],
            type=pyarrow.string(),
        )  # fmt: skip
    if b"\\" in data:  # first: the escapes added below must not be doubled
        column = pc.replace_substring(column, "\\", "\\\\")
    if b'"' in data:
        column = pc.replace_substring(column, '"', '\\"')
    for raw, escaped in _SHORT_ESCAPES:
        if ord(raw) in controls:
            column = pc.replace_substring(column, raw, escaped)
    return column


def join_rows(pieces: list[str], columns: list[Any]) -> Any:
    """Rows of text: ``pieces[0] + columns[0][i] + pieces[1] + ... + pieces[k]`` for each row
    ``i``, all the rows one after the other, as a pyarrow buffer (no separator is added).

    The columns are string arrays of one length without nulls. One element-wise join builds
    every row in a single pass (the pieces broadcast as scalars); the data buffer of its
    result is the text wanted, with no index of the values to build and no second copy.
    """
    pyarrow, pc = modules()
    assert len(pieces) == len(columns) + 1
    if not columns or len(columns[0]) == 0:
        return pyarrow.py_buffer(b"")
    arguments: list[Any] = []
    for piece, column in zip(pieces, columns, strict=False):
        if piece:
            arguments.append(piece)
        arguments.append(column.cast(pyarrow.string()))
    if pieces[-1]:
        arguments.append(pieces[-1])
    return _data(pc.binary_join_element_wise(*arguments, ""))


def _data(column: Any) -> Any:
    import numpy

    pyarrow, _ = modules()
    buffers = column.buffers()
    large = pyarrow.types.is_large_string(column.type)
    offsets = numpy.frombuffer(
        buffers[1], dtype=numpy.int64 if large else numpy.int32,
        count=len(column) + 1, offset=column.offset * (8 if large else 4),
    )  # fmt: skip
    if buffers[2] is None:
        return pyarrow.py_buffer(b"")
    return buffers[2][int(offsets[0]) : int(offsets[-1])]


def in_order(
    convert: Callable[[_Item], _Result], items: Iterable[_Item], workers: int = 2
) -> Iterator[tuple[_Item, _Result]]:
    """Each item with ``convert(item)``, in the items' order, converted by ``workers``
    threads at a time: pyarrow's kernels release the GIL, so blocks converted side by side
    use the machine's cores. At most ``workers + 1`` items are held at once."""
    pending: deque[tuple[_Item, Future[_Result]]] = deque()
    with ThreadPoolExecutor(workers, thread_name_prefix="tiercel-ion") as pool:
        try:
            for item in items:
                pending.append((item, pool.submit(convert, item)))
                if len(pending) > workers:
                    done, future = pending.popleft()
                    yield done, future.result()
            while pending:
                done, future = pending.popleft()
                yield done, future.result()
        finally:
            for _, future in pending:
                future.cancel()
