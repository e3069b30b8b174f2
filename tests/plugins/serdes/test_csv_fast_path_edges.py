"""Edges of the CSV converters' fast paths, each run on both paths (``_run_both``): a quoted
field across pyarrow's block boundary, unicode, empty files, empty lines found late, rows
of empty fields, quoted names and nulls in IonToCsv's blocks; and the output pipe."""

import codecs
import io
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from tests.plugins.jdbc.jdbc_support import messages, run_flow, state_of
from tests.plugins.serdes.test_csv_fast_path import _flow, _run_both, _spy

from tiercel.plugins.serdes.csv import csv_arrow, ion_arrow
from tiercel.plugins.serdes.storing import TextSink, storing
from tiercel.sdk import TaskFailure
from tiercel.sdk import ion_columns as columns
from tiercel.storage.local import LocalInternalStorage

_TO_ION_AND_BACK = """
          - id: to_ion
            type: io.kestra.plugin.serdes.csv.CsvToIon
            from: "{{ outputs.write.uri }}"
          - id: to_csv
            type: io.kestra.plugin.serdes.csv.IonToCsv
            from: "{{ outputs.to_ion.uri }}"
"""


def test_a_quoted_field_across_the_block_boundary_with_unicode_and_a_blank_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Filler rows up to just before pyarrow's 1 MB block, then a quoted value holding line
    # breaks, an empty line and multi-byte characters that straddles it; more rows after.
    header = "id,text,note\n"
    filler = [f"{i},plain ✓ {i},n{i}\n" for i in range(60_000)]
    size = len(header.encode())
    rows = []
    for row in filler:
        if size + len(row.encode()) > csv_arrow._BLOCK - 20:
            break
        rows.append(row)
        size += len(row.encode())
    straddle = '999,"日本語 line one\n\nline ""three"" é",tail\n'
    content = header + "".join(rows) + straddle + "".join(filler[:2000])
    assert size < csv_arrow._BLOCK < size + len(straddle.encode())
    used = _spy(monkeypatch)
    fast, slow = _run_both(tmp_path, _flow(content, _TO_ION_AND_BACK), ["to_ion", "to_csv"],
                           monkeypatch)  # fmt: skip
    assert fast == slow
    assert used[0] == f"csv {len(rows) + 1 + 2000}"  # the fast path converted it all
    assert fast["to_csv"].decode() == content
    line = fast["to_ion"].decode().splitlines()[len(rows)]
    assert line == '{id:"999",text:"日本語 line one\\n\\nline \\"three\\" é",note:"tail"}'


def test_empty_and_header_only_files_on_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, content in (("empty", ""), ("header", "a,b\n"), ("bom", "\ufeffa,b\n1,2\n")):
        fast, slow = _run_both(tmp_path / name, _flow(content, _TO_ION_AND_BACK),
                               ["to_ion", "to_csv"], monkeypatch)  # fmt: skip
        assert fast == slow, name
        expected = b'{a:"1",b:"2"}\n' if name == "bom" else b""
        assert fast["to_ion"] == expected, name


def test_empty_lines_and_rows_of_empty_fields_are_the_python_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A row of empty fields is read as pyarrow reads an empty line: both leave the file to
    # the Python path, which keeps the first and fails on the second.
    empties = "a,b\n1,2\n,\n3,4\n"
    fast, slow = _run_both(tmp_path / "empties", _flow(empties, _TO_ION_AND_BACK),
                           ["to_ion", "to_csv"], monkeypatch)  # fmt: skip
    assert fast == slow
    assert fast["to_ion"] == b'{a:"1",b:"2"}\n{a:"",b:""}\n{a:"3",b:"4"}\n'
    # An empty line then a bad line in the same batch: the empty line is the first error.
    flow = _flow("a,b\n1,2\n\n3,4,5\n", _TO_ION_AND_BACK)
    for fast_path in (True, False):
        with monkeypatch.context() as patch:
            if not fast_path:
                patch.setattr(columns, "available", lambda: False)
            finished = run_flow(tmp_path / f"late{fast_path}", flow)
        assert state_of(finished, "to_ion") == "FAILED"
        assert messages(finished, "to_ion")[-1] == (
            "Bad line encountered (field count mismatch): Expected 2, got 1 fields."
        )


def test_ion_blocks_with_quoted_names_and_nulls_take_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    null = "\\N"
    lines = ['id,"first name",note'] + [
        f'{i},{null if i % 3 == 0 else f"name {i}"},"say ""hi"", a;b {i}:"' for i in range(300)
    ]
    used = _spy(monkeypatch)
    fast, slow = _run_both(tmp_path, _flow("\n".join(lines) + "\n", _TO_ION_AND_BACK),
                           ["to_ion", "to_csv"], monkeypatch)  # fmt: skip
    assert fast == slow
    assert "ion True" in used and "ion False" not in used
    assert (
        fast["to_ion"].splitlines()[0] == b'{id:"0","first name":null,note:"say \\"hi\\", a;b 0:"}'
    )
    assert fast["to_csv"].splitlines()[:3] == [
        b"id,first name,note",
        b'0,,"say ""hi"", a;b 0:"',
        b'1,name 1,"say ""hi"", a;b 1:"',
    ]


def test_ion_text_that_only_looks_like_the_layout_is_refused() -> None:
    converter = ion_arrow.Converter(["a", "b"], ",", '"', "\n", False)
    assert converter.convert(b'{a:"1",b:null}\n') is not None
    for block in (
        b'{a:"x:null,y",b:"2"}\n',  # a value holding the null text
        b'{a:"1"}\n',  # a missing field
        b'{a:"1",b:"2",c:"3"}\n',  # a field more
        b'{a:"1", b:"2"}\n',  # other spacing
        b'{a:"1\x00",b:"2"}\n',  # a raw NUL, the null marker
        b'{a:"1",b:"2"}\n\n',  # an empty line
        b'{a:"1\\n",b:"2"}\n',  # another escape
        b'{a:1,b:"2"}\n',  # another type
    ):
        assert converter.convert(block) is None, block
    assert ion_arrow._layout(["a", "b c", "d"]) == ["{a:", None, ",", "b c", ":", None, ",d:",
                                                    None, "}"]  # fmt: skip
    assert ion_arrow._layout(["a", 'q"uote']) is None


def _local(tmp_path: Path) -> tuple[Any, LocalInternalStorage]:
    storage = LocalInternalStorage(tmp_path / "storage")
    files = SimpleNamespace(
        put=lambda name, data: storage.put(f"kestra:///run/{name}", data),
        delete=storage.delete,
    )
    return SimpleNamespace(files=files), storage


def test_storing_writes_through_a_pipe_and_keeps_nothing_discarded(tmp_path: Path) -> None:
    ctx, storage = _local(tmp_path)
    data = b"x" * (3 << 20) + "é✓".encode()
    with storing(ctx, ".ion") as stored:
        stored.file.write(data)
    assert stored.uri.endswith(".ion") and storage.read_bytes(stored.uri) == data
    with storing(ctx, ".ion") as dropped:
        dropped.file.write(data)
        dropped.discard()
    assert dropped.uri == ""
    with pytest.raises(TaskFailure, match="bad line"), storing(ctx, ".ion") as failed:
        failed.file.write(data)
        raise TaskFailure("bad line")
    assert failed.uri == ""
    assert [path.name for path in (tmp_path / "storage").rglob("*.ion")] == [
        stored.uri.rsplit("/", 1)[-1]
    ]


def test_storing_reports_the_storages_failure(tmp_path: Path) -> None:
    def put(name: str, data: Any) -> str:
        data.read(10)
        raise OSError("disk full")

    ctx = SimpleNamespace(files=SimpleNamespace(put=put, delete=lambda uri: False))
    with pytest.raises(OSError, match="disk full"), storing(ctx, ".csv") as stored:
        for _ in range(64):  # more than the pipe holds: the writes fail too
            stored.file.write(b"y" * (1 << 20))


def test_text_sink_writes_the_byte_order_mark_as_a_text_file_does(tmp_path: Path) -> None:
    for charset in ("utf-16", "utf-8-sig", "utf-32", "latin-1", "utf-8"):
        path = tmp_path / charset
        with path.open("w", encoding=charset, newline="") as text:
            text.write("a,é\r\n")
            text.write("b\n")
        ctx, storage = _local(tmp_path / f"s-{charset}")
        with storing(ctx, ".csv") as stored:
            sink = TextSink(stored.file, codecs.lookup(charset).name)
            sink.write("a,é\r\n")
            sink.write("b\n")
        assert storage.read_bytes(stored.uri) == path.read_bytes(), charset


class _ReadOnly:
    """A stream with ``read`` only, a few bytes at a time (as some storages give)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        taken, self.data = self.data[: min(size, 3)], self.data[min(size, 3) :]
        return taken


def test_ion_blocks_are_whole_lines_whatever_the_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ion_arrow, "_BLOCK", 7)
    data = "\ufeffab\ncdefghijklé\nmn\n\nop".encode()
    for raw in (io.BytesIO(data), io.BufferedReader(io.BytesIO(data), 3), _ReadOnly(data)):
        got = [bytes(block) for block in ion_arrow.blocks(raw)]  # type: ignore[arg-type]
        assert all(block.endswith(b"\n") for block in got), got
        assert b"".join(got) == "ab\ncdefghijklé\nmn\n\nop\n".encode()
        assert got[0] == b"ab\n" and len(got) >= 3


def test_a_file_left_to_the_python_path_is_warned_about_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Repeated names send the file to the Python path once the fast path has read the
    # header (a trailing unnamed column, dropped with a warning): each warning, that one and
    # the bad line's, is logged once, by the path that converts the file.
    flow = _flow(
        "a,a,\n1,2,3\n4,5\n6,7,8\n",
        """
          - id: to_ion
            type: io.kestra.plugin.serdes.csv.CsvToIon
            from: "{{ outputs.write.uri }}"
            onBadLines: WARN
        """,
    )
    used = _spy(monkeypatch)
    finished = run_flow(tmp_path, flow)
    assert state_of(finished, "to_ion") == "SUCCESS"
    assert used == ["csv None"]  # the fast path gave the file up
    warnings = [m for m in messages(finished, "to_ion") if "Dropping" in m or "Bad line" in m]
    assert warnings == [
        "Dropping 1 trailing unnamed header column(s)",
        "Bad line encountered (field count mismatch): Expected 3, got 2 fields.",
    ]
