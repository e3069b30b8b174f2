"""The compression tasks in real flows: files fetched into internal storage from a loopback
HTTP server are compressed, archived and extracted, and each result is also read back with an
independent decoder (the standard library's, zstandard's) to prove the format is the real one."""

import bz2
import gzip
import io
import lzma
import sys
import tarfile
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

import pytest
import zstandard
from tests.plugins.core.run.run_support import Reply, Server
from tests.plugins.flow_support import RunFlow, flow_of, messages, states

C = "io.kestra.plugin.compress."
CSV = b"id,name\n" + b"".join(b"%d,row %d\n" % (i, i) for i in range(5000))
DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "GZIP": gzip.decompress,
    "BZIP2": bz2.decompress,
    "XZ": lambda data: lzma.decompress(data, format=lzma.FORMAT_XZ),
    "LZMA": lambda data: lzma.decompress(data, format=lzma.FORMAT_ALONE),
    "DEFLATE": zlib.decompress,
    "ZSTD": lambda data: zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read(),
}


def _fetch(server: Server, name: str, data: bytes) -> dict[str, Any]:
    server.route(f"/{name}", Reply(200, data))
    return {"id": f"get_{name.split('.')[0]}", "type": "io.kestra.plugin.core.http.Download",
            "uri": f"{server.url}/{name}"}  # fmt: skip


@pytest.mark.parametrize("compression", sorted(DECODERS))
def test_file_round_trip(
    compression: str, server: Server, run_flow: RunFlow, stored: Callable[[str], bytes]
) -> None:
    finished = run_flow(
        flow_of(
            _fetch(server, "data.csv", CSV),
            {"id": "pack", "type": C + "FileCompress", "from": "{{ outputs.get_data.uri }}",
             "compression": compression},
            {"id": "unpack", "type": C + "FileDecompress", "from": "{{ outputs.pack.uri }}",
             "compression": compression},
        )
    )  # fmt: skip
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    packed = stored(finished.outputs["pack"]["uri"])
    assert len(packed) < len(CSV)
    assert DECODERS[compression](packed) == CSV
    assert stored(finished.outputs["unpack"]["uri"]) == CSV
    # The compressed file is named after the source with the codec's extension, and back.
    assert finished.outputs["unpack"]["uri"].endswith(".csv")
    assert not finished.outputs["pack"]["uri"].endswith(".csv")


@pytest.mark.parametrize(
    ("algorithm", "compression"), [("TAR", "GZIP"), ("TAR", None), ("ZIP", None), ("JAR", "XZ")]
)
def test_archive_round_trip(
    algorithm: str,
    compression: str | None,
    server: Server,
    run_flow: RunFlow,
    stored: Callable[[str], bytes],
) -> None:
    extra = {"compression": compression} if compression else {}
    finished = run_flow(
        flow_of(
            _fetch(server, "data.csv", CSV),
            _fetch(server, "notes.txt", b"hello"),
            {"id": "pack", "type": C + "ArchiveCompress", "algorithm": algorithm, **extra,
             "from": {"reports/data.csv": "{{ outputs.get_data.uri }}",
                      "my notes.txt": "{{ outputs.get_notes.uri }}"}},
            {"id": "unpack", "type": C + "ArchiveDecompress", "algorithm": algorithm, **extra,
             "from": "{{ outputs.pack.uri }}"},
        )
    )  # fmt: skip
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    raw = stored(finished.outputs["pack"]["uri"])
    plain = DECODERS[compression](raw) if compression else raw
    if algorithm == "TAR":
        with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
            names = sorted(tar.getnames())
            extracted = tar.extractfile("reports/data.csv")
            assert extracted is not None and extracted.read() == CSV
    else:
        with zipfile.ZipFile(io.BytesIO(plain)) as zipped:
            names = sorted(zipped.namelist())
            assert zipped.read("reports/data.csv") == CSV
    assert names == ["my notes.txt", "reports/data.csv"]
    files = finished.outputs["unpack"]["files"]
    assert sorted(files) == names
    assert stored(files["reports/data.csv"]) == CSV
    assert stored(files["my notes.txt"]) == b"hello"
    assert files["my notes.txt"].endswith("/my_notes.txt")


def test_from_as_json_text(
    server: Server, run_flow: RunFlow, stored: Callable[[str], bytes]
) -> None:
    finished = run_flow(
        flow_of(
            _fetch(server, "a.txt", b"A"),
            {"id": "pack", "type": C + "ArchiveCompress", "algorithm": "ZIP",
             "from": '{"x/a.txt": "{{ outputs.get_a.uri }}"}'},
        )
    )  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(stored(finished.outputs["pack"]["uri"]))) as zipped:
        assert zipped.read("x/a.txt") == b"A"


def test_an_entry_leaving_the_directory_is_refused(server: Server, run_flow: RunFlow) -> None:
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as zipped:
        zipped.writestr("../../etc/evil.txt", b"owned")
    finished = run_flow(
        flow_of(
            _fetch(server, "evil.zip", evil.getvalue()),
            {"id": "unpack", "type": C + "ArchiveDecompress", "algorithm": "ZIP",
             "from": "{{ outputs.get_evil.uri }}"},
        )
    )  # fmt: skip
    assert states(finished)["unpack"] == "FAILED"
    assert "Path traversal attempt detected in archive entry: ../../etc/evil.txt" in messages(
        finished, "unpack"
    )


def test_bad_input_fails_in_one_line(server: Server, run_flow: RunFlow) -> None:
    finished = run_flow(
        flow_of(
            _fetch(server, "plain.txt", b"not compressed at all"),
            {"id": "gunzip", "type": C + "FileDecompress", "from": "{{ outputs.get_plain.uri }}",
             "compression": "GZIP", "allowFailure": True},
            {"id": "untar", "type": C + "ArchiveDecompress", "algorithm": "TAR",
             "from": "{{ outputs.get_plain.uri }}", "allowFailure": True},
            {"id": "ar", "type": C + "ArchiveCompress", "algorithm": "AR",
             "from": {"a": "{{ outputs.get_plain.uri }}"}, "allowFailure": True},
        )
    )  # fmt: skip
    gunzip = messages(finished, "gunzip")
    assert any(
        line.startswith("'kestra://") and "is not valid GZIP data" in line for line in gunzip
    )
    assert any(line.startswith("Not a TAR archive") for line in messages(finished, "untar"))
    assert "algorithm: AR archives cannot be written here" in messages(finished, "ar")
    text = "\n".join(line.message for line in finished.logs)
    assert "Traceback" not in text


def test_zstd_without_its_driver_names_the_install(
    server: Server, run_flow: RunFlow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "zstandard", None)
    finished = run_flow(
        flow_of(
            _fetch(server, "data.csv", CSV),
            {"id": "pack", "type": C + "FileCompress", "from": "{{ outputs.get_data.uri }}",
             "compression": "ZSTD"},
        )
    )  # fmt: skip
    assert "ZSTD needs the zstandard package: pip install 'tiercel[compress]'" in messages(
        finished, "pack"
    )
