"""serdes Avro, Parquet, Excel and XML converters through real YAML flows: round trips from
Ion and back keep Kestra's types, and hostile files fail the task with one line."""

import json
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.plugins.jdbc.jdbc_support import messages, outputs, run_flow, state_of, stored_rows

from tiercel.plugins.serdes.catalogue import AvroToIon, IonToAvro, ParquetToIon
from tiercel.runtime.services import Finished, Services
from tiercel.sdk import State, ion
from tiercel.sdk.testing import make_task, run_task

# Every Kestra type the converters map: integers, decimals, floats, booleans, strings with
# quotes and line breaks, dates, timestamps with an offset, nulls, nested structs and lists.
ROWS = (
    '{id:1,name:"apple \\"red\\"\\nfresh",price:1.25,weight:0.5e0,ok:true,'
    "day:2024-05-01,at:2024-05-01T10:15:30.250Z,note:null,"
    'box:{w:3,tags:["a","b"]}}\n'
    '{id:2,name:"pear",price:-0.80,weight:12.0e0,ok:false,'
    'day:1999-12-31,at:2024-05-01T12:00:00+02:00,note:"x",'
    "box:{w:null,tags:[]}}\n"
)
SCHEMA = {
    "type": "record",
    "name": "Fruit",
    "fields": [
        {"name": "id", "type": "long"},
        {"name": "name", "type": "string"},
        {
            "name": "price",
            "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2},
        },
        {"name": "weight", "type": "double"},
        {"name": "ok", "type": "boolean"},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "note", "type": ["null", "string"]},
        {
            "name": "box",
            "type": {
                "type": "record",
                "name": "Box",
                "fields": [
                    {"name": "w", "type": ["null", "int"]},
                    {"name": "tags", "type": {"type": "array", "items": "string"}},
                ],
            },
        },
    ],
}


def _same(values: list[Any]) -> list[Any]:
    """Values with timestamps as instants: Ion writes one instant in several ways."""

    def norm(value: Any) -> Any:
        if isinstance(value, ion.Timestamp) and "T" in value:
            text = str.__str__(value).replace("Z", "+00:00")
            return datetime.fromisoformat(text).astimezone(UTC)
        if isinstance(value, ion.Timestamp):
            return str.__str__(value)
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list):
            return [norm(v) for v in value]
        return value

    return [norm(v) for v in values]


def _flow(tasks: str, content: str = ROWS, extension: str = ".ion") -> str:
    return (
        "id: formats\nnamespace: company.team\ntasks:\n"
        "  - id: write\n    type: io.kestra.plugin.core.storage.Write\n"
        f"    extension: {extension}\n    content: {json.dumps(content)}\n" + tasks
    )


def _run(tmp_path: Path, flow: str, read: dict[str, str]) -> tuple[Finished, dict[str, Any]]:
    seen: dict[str, Any] = {}

    def check(services: Services, finished: Finished) -> None:
        for task_id, how in read.items():
            uri = outputs(finished, task_id).get("uri")
            if how == "rows" and uri:
                seen[task_id] = stored_rows(services, uri)
            elif how == "bytes" and uri:
                seen[task_id] = services.storage.read_bytes(uri)
            elif how == "sheets":
                seen[task_id] = {
                    title: stored_rows(services, u)
                    for title, u in outputs(finished, task_id)["uris"].items()
                }

    return run_flow(tmp_path, flow, check), seen


def _one_line_failure(finished: Finished, task_id: str) -> str:
    assert state_of(finished, task_id) == "FAILED"
    errors = [m for m in messages(finished, task_id) if m]
    assert errors, messages(finished)
    last = errors[-1]
    assert "\n" not in last and "Traceback" not in last, last
    return last


def test_avro_round_trip_with_a_schema_keeps_kestra_types(tmp_path: Path) -> None:
    flow = _flow(
        f"""  - id: to_avro
    type: io.kestra.plugin.serdes.avro.IonToAvro
    from: "{{{{ outputs.write.uri }}}}"
    schema: '{json.dumps(SCHEMA)}'
  - id: back
    type: io.kestra.plugin.serdes.avro.AvroToIon
    from: "{{{{ outputs.to_avro.uri }}}}"
"""
    )
    finished, seen = _run(tmp_path, flow, {"back": "rows", "to_avro": "bytes"})
    assert finished.execution.state.current.name == "SUCCESS", messages(finished)
    assert seen["to_avro"][:4] == b"Obj\x01"
    original = [ion.loads(line) for line in ROWS.splitlines()]
    assert _same(seen["back"]) == _same(original)
    assert isinstance(seen["back"][0]["price"], Decimal)
    assert outputs(finished, "back")["size"] == 2


def test_avro_infers_a_schema_and_reads_csv_strings_as_the_schema_types(tmp_path: Path) -> None:
    schema = {
        "type": "record",
        "name": "R",
        "fields": [
            {"name": "n", "type": "int"},
            {"name": "b", "type": "boolean"},
            {"name": "d", "type": ["null", "double"]},
            {"name": "when", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        ],
    }
    flow = _flow(
        f"""  - id: csv
    type: io.kestra.plugin.serdes.csv.CsvToIon
    from: "{{{{ outputs.write.uri }}}}"
  - id: typed
    type: io.kestra.plugin.serdes.avro.IonToAvro
    from: "{{{{ outputs.csv.uri }}}}"
    decimalSeparator: ","
    schema: '{json.dumps(schema)}'
  - id: typed_back
    type: io.kestra.plugin.serdes.avro.AvroToIon
    from: "{{{{ outputs.typed.uri }}}}"
  - id: inferred
    type: io.kestra.plugin.serdes.avro.IonToAvro
    from: "{{{{ outputs.csv.uri }}}}"
  - id: inferred_back
    type: io.kestra.plugin.serdes.avro.AvroReader
    from: "{{{{ outputs.inferred.uri }}}}"
""",
        content='n,b,d,when\n1,yes,"2,5",2024-01-02 03:04:05\n2,off,NA,2024-01-02T03:04:05Z\n',
        extension=".csv",
    )
    finished, seen = _run(tmp_path, flow, {"typed_back": "rows", "inferred_back": "rows"})
    assert finished.execution.state.current.name == "SUCCESS", messages(finished)
    assert _same(seen["typed_back"]) == [
        {"n": 1, "b": True, "d": 2.5, "when": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)},
        {"n": 2, "b": False, "d": None, "when": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)},
    ]
    # Without a schema every CSV cell is a nullable string, as Kestra infers it.
    assert seen["inferred_back"][1] == {
        "n": "2",
        "b": "off",
        "d": "NA",
        "when": "2024-01-02T03:04:05Z",
    }


def test_avro_bad_rows_fail_warn_or_skip(tmp_path: Path) -> None:
    schema = json.dumps({"type": "record", "name": "R", "fields": [{"name": "n", "type": "int"}]})
    tasks = "".join(
        f"""  - id: {mode.lower()}
    type: io.kestra.plugin.serdes.avro.IonToAvro
    from: "{{{{ outputs.write.uri }}}}"
    onBadLines: {mode}
    schema: '{schema}'
  - id: {mode.lower()}_back
    type: io.kestra.plugin.serdes.avro.AvroToIon
    from: "{{{{ outputs.{mode.lower()}.uri }}}}"
"""
        for mode in ("WARN", "SKIP")
    )
    tasks += f"""  - id: error
    type: io.kestra.plugin.serdes.avro.IonToAvro
    from: "{{{{ outputs.write.uri }}}}"
    schema: '{schema}'
"""
    flow = _flow(tasks, content='{n:1}\n{n:"x"}\n{n:null}\n{n:3}\n')
    finished, seen = _run(tmp_path, flow, {"warn_back": "rows", "skip_back": "rows"})
    assert seen["warn_back"] == seen["skip_back"] == [{"n": 1}, {"n": 3}]
    assert any("Bad record skipped" in m and "'n'" in m for m in messages(finished, "warn"))
    assert not any("Bad record" in m for m in messages(finished, "skip"))
    failure = _one_line_failure(finished, "error")
    assert "Row 2 of" in failure and "field 'n'" in failure


def test_parquet_round_trip_with_every_codec_and_an_inferred_schema(tmp_path: Path) -> None:
    tasks = ""
    for codec, version in (
        ("GZIP", "V2"),
        ("SNAPPY", "V1"),
        ("ZSTD", "V2"),
        ("UNCOMPRESSED", "V1"),
    ):
        tasks += f"""  - id: to_{codec.lower()}
    type: io.kestra.plugin.serdes.parquet.IonToParquet
    from: "{{{{ outputs.write.uri }}}}"
    compressionCodec: {codec}
    parquetVersion: {version}
    rowGroupSize: 1
    schema: '{json.dumps(SCHEMA)}'
  - id: back_{codec.lower()}
    type: io.kestra.plugin.serdes.parquet.ParquetToIon
    from: "{{{{ outputs.to_{codec.lower()}.uri }}}}"
"""
    tasks += """  - id: inferred
    type: io.kestra.plugin.serdes.parquet.ParquetWriter
    from: "{{ outputs.write.uri }}"
  - id: inferred_back
    type: io.kestra.plugin.serdes.parquet.ParquetReader
    from: "{{ outputs.inferred.uri }}"
"""
    read = {f"back_{c}": "rows" for c in ("gzip", "snappy", "zstd", "uncompressed")}
    finished, seen = _run(
        tmp_path, _flow(tasks), {**read, "to_zstd": "bytes", "inferred_back": "rows"}
    )
    assert finished.execution.state.current.name == "SUCCESS", messages(finished)
    original = _same([ion.loads(line) for line in ROWS.splitlines()])
    for task_id in read:
        assert _same(seen[task_id]) == original, task_id
    assert seen["to_zstd"][:4] == b"PAR1"
    inferred = seen["inferred_back"]
    # Inferred as Kestra infers: decimals as strings, timestamps as local date-times.
    assert inferred[0]["price"] == "1.25" and inferred[0]["box"] == {"w": 3, "tags": ["a", "b"]}
    assert inferred[1]["note"] == "x" and inferred[0]["note"] is None


def test_excel_round_trip_over_two_sheets(tmp_path: Path) -> None:
    flow = _flow(
        """  - id: second
    type: io.kestra.plugin.core.storage.Write
    extension: .ion
    content: "[\\"a\\",1]\\n[\\"b\\",2]\\n"
  - id: to_excel
    type: io.kestra.plugin.serdes.excel.IonToExcel
    header: true
    from:
      Fruits: "{{ outputs.write.uri }}"
  - id: lists
    type: io.kestra.plugin.serdes.excel.IonToExcel
    header: false
    sheetsTitle: Letters
    from: "{{ outputs.second.uri }}"
  - id: back
    type: io.kestra.plugin.serdes.excel.ExcelToIon
    from: "{{ outputs.to_excel.uri }}"
  - id: lists_back
    type: io.kestra.plugin.serdes.excel.ExcelToIon
    from: "{{ outputs.lists.uri }}"
    header: false
    sheetsTitle: [Letters]
  - id: serial
    type: io.kestra.plugin.serdes.excel.ExcelToIon
    from: "{{ outputs.to_excel.uri }}"
    dateTimeRender: FORMATTED_STRING
"""
    )
    finished, seen = _run(
        tmp_path, flow, {"back": "sheets", "lists_back": "sheets", "serial": "sheets"}
    )
    assert finished.execution.state.current.name == "SUCCESS", messages(finished)
    rows = seen["back"]["Fruits"]
    original = [ion.loads(line) for line in ROWS.splitlines()]
    # Excel holds numbers as doubles and nested values as JSON text (Kestra: their toString).
    expected = _same(original)
    for row in expected:
        row["price"] = float(row["price"])
        row["box"] = json.dumps(row["box"], separators=(",", ":"))
    assert _same(rows) == expected
    assert seen["lists_back"] == {"Letters": [["a", 1], ["b", 2]]}
    assert seen["serial"]["Fruits"][0]["day"] == "2024-05-01"
    assert outputs(finished, "back")["size"] == 2


def test_xml_written_as_kestra_writes_it_and_read_back_with_a_query(tmp_path: Path) -> None:
    content = '{id:1,name:"a<b & c",price:9.99,tags:["x","y"],o:{k:true},n:null}\n{id:2,name:"d"}\n'
    flow = _flow(
        """  - id: to_xml
    type: io.kestra.plugin.serdes.xml.IonToXml
    from: "{{ outputs.write.uri }}"
  - id: back
    type: io.kestra.plugin.serdes.xml.XmlToIon
    from: "{{ outputs.to_xml.uri }}"
    query: /items/item
  - id: whole
    type: io.kestra.plugin.serdes.xml.XmlReader
    from: "{{ outputs.to_xml.uri }}"
    parserConfiguration:
      forceList: [tags]
""",
        content=content,
    )
    finished, seen = _run(tmp_path, flow, {"to_xml": "bytes", "back": "rows", "whole": "rows"})
    assert finished.execution.state.current.name == "SUCCESS", messages(finished)
    assert seen["to_xml"].decode() == (
        "<?xml version='1.0' encoding='UTF-8'?>\n<items>\n"
        "  <item>\n    <id>1</id>\n    <name>a&lt;b &amp; c</name>\n    <price>9.99</price>\n"
        "    <tags>\n      <tags>x</tags>\n      <tags>y</tags>\n    </tags>\n"
        "    <o>\n      <k>true</k>\n    </o>\n    <n/>\n  </item>\n"
        "  <item>\n    <id>2</id>\n    <name>d</name>\n  </item>\n</items>\n"
    )
    # Read as org.json reads XML: typed text, an empty element as "", repeated tags a list.
    assert seen["back"] == [
        {
            "id": 1,
            "name": "a<b & c",
            "price": Decimal("9.99"),
            "tags": {"tags": ["x", "y"]},
            "o": {"k": True},
            "n": "",
        },
        {"id": 2, "name": "d"},
    ]
    (whole,) = seen["whole"]
    assert whole["items"]["item"][1] == {"id": 2, "name": "d"}


BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
    "<lolz>&lol3;</lolz>\n"
)
XXE = '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<r>&x;</r>\n'


@pytest.mark.parametrize(
    ("task", "content", "expected"),
    [
        ("io.kestra.plugin.serdes.avro.AvroToIon", "id,name\n1,a\n", "is not an Avro file"),
        (
            "io.kestra.plugin.serdes.parquet.ParquetToIon",
            "id,name\n1,a\n",
            "not a readable Parquet",
        ),
        ("io.kestra.plugin.serdes.excel.ExcelToIon", "id,name\n1,a\n", "is not an Excel"),
        ("io.kestra.plugin.serdes.xml.XmlToIon", "<a><b></a>", "is not well-formed XML"),
        ("io.kestra.plugin.serdes.xml.XmlToIon", BOMB, "is refused"),
        ("io.kestra.plugin.serdes.xml.XmlToIon", XXE, "is refused"),
        ("io.kestra.plugin.serdes.xml.XmlToIon", "<a>" * 600 + "</a>" * 600, "over 500 deep"),
        ("io.kestra.plugin.serdes.avro.IonToAvro", "{a:1}\n{oops\n", "is not valid Ion"),
    ],
)
def test_hostile_files_fail_with_one_line(
    tmp_path: Path, task: str, content: str, expected: str
) -> None:
    flow = _flow(
        f'  - id: read\n    type: {task}\n    from: "{{{{ outputs.write.uri }}}}"\n', content
    )
    finished, _ = _run(tmp_path, flow, {})
    assert expected in _one_line_failure(finished, "read")


@pytest.mark.parametrize(("fmt", "reader"), [("avro", "AvroToIon"), ("parquet", "ParquetToIon")])
def test_truncated_files_fail_with_one_line(tmp_path: Path, fmt: str, reader: str) -> None:
    """A file cut in half fails the reader: the bytes of a real file, truncated by a task."""
    writer = "IonToAvro" if fmt == "avro" else "IonToParquet"
    many = "".join(f'{{id:{i},name:"row {i}"}}\n' for i in range(3000))
    flow = _flow(
        f"""  - id: convert
    type: io.kestra.plugin.serdes.{fmt}.{writer}
    from: "{{{{ outputs.write.uri }}}}"
""",
        content=many,
    )
    _, seen = _run(tmp_path, flow, {"convert": "bytes"})
    data: bytes = seen["convert"]
    cut = data[: len(data) // 2]
    kind = AvroToIon if reader == "AvroToIon" else ParquetToIon
    result = run_task(make_task(kind, **{"from": "kestra:///f"}), files={"kestra:///f": cut})
    assert result.state is State.FAILED
    assert result.messages()
    assert "\n" not in result.messages()[-1]


def test_a_missing_library_fails_with_the_pip_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fastavro", None)
    result = run_task(
        make_task(IonToAvro, **{"from": "kestra:///f"}), files={"kestra:///f": b"{a:1}\n"}
    )
    assert result.state is State.FAILED
    assert "pip install 'tiercel[serdes]'" in result.messages()[-1]


def test_validating_flows_of_every_format_imports_none_of_their_libraries() -> None:
    types = [
        f"io.kestra.plugin.serdes.{t}"
        for t in (
            "avro.IonToAvro", "avro.AvroToIon", "parquet.IonToParquet", "parquet.ParquetToIon",
            "excel.IonToExcel", "excel.ExcelToIon", "xml.IonToXml", "xml.XmlToIon",
        )
    ]  # fmt: skip
    tasks = "".join(
        f"  - id: t{i}\n    type: {t}\n    from: kestra:///x\n" for i, t in enumerate(types)
    )
    flow = f"id: lazy\nnamespace: company.team\ntasks:\n{tasks}"
    script = (
        "import sys\nfrom tiercel.model import load_flows\n"
        "from tiercel.registry import default_registry\n"
        f"result = load_flows({flow!r}, 'lazy.yaml', default_registry())\n"
        "assert result.ok, result.all_problems()\n"
        "libs = ('fastavro', 'pyarrow', 'openpyxl', 'defusedxml')\n"
        "print(','.join(sorted(n for n in libs if n in sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == ""
