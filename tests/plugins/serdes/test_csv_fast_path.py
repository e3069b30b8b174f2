"""The CSV converters' pyarrow fast paths write the very bytes of their Python paths: each
flow runs twice, once with pyarrow and once with ``columns.available`` made False."""

import json
from pathlib import Path
from typing import Any

import pytest
from tests.plugins.jdbc.jdbc_support import messages, outputs, run_flow, state_of

from tiercel.plugins.serdes.csv import csv_arrow, ion_arrow
from tiercel.runtime.services import Finished, Services
from tiercel.sdk import ion
from tiercel.sdk import ion_columns as columns

# Quotes, backslashes, separators and line breaks inside values, unicode, a tab, a rare
# control character, \N nulls (quoted or not), empty fields, an empty trailing header column.
HARD_CSV = (
    "id,text,other,\n"
    '1,"say ""hi"", then \\\\ back\\slash","multi\nline\r\nend",\n'
    "2,héllo wörld ✓ 日本,\\N,\n"
    '3,"tab\there","\\N",\n'
    '4,,"ctl\x01char",\n'
    '5,"a,b;c","{id:""x""}",\n'
    '6,trailing\\,"\\",\n'
)


def _run_both(tmp_path: Path, flow: str, task_ids: list[str], monkeypatch: pytest.MonkeyPatch
              ) -> list[dict[str, bytes]]:  # fmt: skip
    results: list[dict[str, bytes]] = []
    for fast in (True, False):
        seen: dict[str, bytes] = {}

        def check(services: Services, finished: Finished, seen: dict[str, bytes] = seen) -> None:
            assert finished.execution.state.current.name == "SUCCESS", messages(finished)
            for task_id in task_ids:
                seen[task_id] = services.storage.read_bytes(outputs(finished, task_id)["uri"])

        with monkeypatch.context() as patch:
            if not fast:
                patch.setattr(columns, "available", lambda: False)
            run_flow(tmp_path / ("fast" if fast else "slow"), flow, check)
        results.append(seen)
    return results


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each fast path answered: ``csv <rows or None>``, ``ion <converted>``."""
    used: list[str] = []
    convert_csv, convert_ion = csv_arrow.convert, ion_arrow.Converter.convert

    def spy_csv(*args: Any, **kwargs: Any) -> int | None:
        done = convert_csv(*args, **kwargs)
        used.append(f"csv {done}")
        return done

    def spy_ion(self: ion_arrow.Converter, block: bytes) -> memoryview | None:
        done = convert_ion(self, block)
        used.append(f"ion {done is not None}")
        return done

    monkeypatch.setattr(csv_arrow, "convert", spy_csv)
    monkeypatch.setattr(ion_arrow.Converter, "convert", spy_ion)
    return used


def _flow(content: str, tasks: str) -> str:
    return f"""
        id: fast_path
        namespace: company.team
        tasks:
          - id: write
            type: io.kestra.plugin.core.storage.Write
            content: {json.dumps(content)}
            extension: .csv
{tasks}
        """


def test_csv_to_ion_and_back_fast_path_writes_the_python_paths_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks = """
          - id: to_ion
            type: io.kestra.plugin.serdes.csv.CsvToIon
            from: "{{ outputs.write.uri }}"
          - id: renamed
            type: io.kestra.plugin.serdes.csv.CsvToIon
            from: "{{ outputs.write.uri }}"
            onEmptyHeader: RENAME
            skipRows: 1
          - id: to_csv
            type: io.kestra.plugin.serdes.csv.IonToCsv
            from: "{{ outputs.to_ion.uri }}"
          - id: quoted
            type: io.kestra.plugin.serdes.csv.IonToCsv
            from: "{{ outputs.renamed.uri }}"
            alwaysDelimitText: true
            fieldSeparator: ";"
            lineDelimiter: "\\r\\n"
          - id: latin
            type: io.kestra.plugin.serdes.csv.IonToCsv
            from: "{{ outputs.to_ion.uri }}"
            charset: UTF-16
            header: false
    """
    ids = ["to_ion", "renamed", "to_csv", "quoted", "latin"]
    fast, slow = _run_both(tmp_path, _flow(HARD_CSV, tasks), ids, monkeypatch)
    assert fast == slow
    rows = [ion.loads(line) for line in fast["to_ion"].decode().splitlines()]
    assert rows[0] == {
        "id": "1",
        "text": 'say "hi", then \\\\ back\\slash',
        "other": "multi\nline\r\nend",
    }
    assert rows[1]["other"] is None and rows[2]["other"] is None
    assert rows[3] == {"id": "4", "text": "", "other": "ctl\x01char"}
    assert rows[5] == {"id": "6", "text": "trailing\\", "other": "\\"}
    assert fast["to_csv"].decode().startswith('id,text,other\n1,"say ""hi"", then')
    assert json.loads(fast["renamed"].decode().splitlines()[0].replace("id:", '"id":')
                      .replace(",text:", ',"text":').replace(",other:", ',"other":')
                      .replace(",col_3:", ',"col_3":'))["col_3"] == ""  # fmt: skip


def test_fast_paths_on_a_larger_file_with_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Several pyarrow blocks (over 4 MB), a semicolon separator, quotes as text delimiter '.
    lines = ["a;b;c"] + [
        f"{i};'it''s {i}; \"q\"';{'' if i % 3 else chr(92) + 'N'}" for i in range(120_000)
    ]
    content = "\n".join(lines) + "\n"
    tasks = """
          - id: to_ion
            type: io.kestra.plugin.serdes.csv.CsvToIon
            from: "{{ outputs.write.uri }}"
            fieldSeparator: ";"
            textDelimiter: "'"
          - id: to_csv
            type: io.kestra.plugin.serdes.csv.IonToCsv
            from: "{{ outputs.to_ion.uri }}"
    """
    used = _spy(monkeypatch)
    fast, slow = _run_both(tmp_path, _flow(content, tasks), ["to_ion", "to_csv"], monkeypatch)
    assert fast == slow
    assert used[0] == "csv 120000" and "ion True" in used  # the fast paths did the work
    assert fast["to_ion"].count(b"\n") == 120_000
    assert fast["to_ion"].splitlines()[3] == b'{a:"3",b:"it\'s 3; \\"q\\"",c:null}'


def test_fast_path_bad_lines_fail_as_the_python_path_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flow = _flow(
        "a,b\n1,2\n3,4,5\n",
        """
          - id: strict
            type: io.kestra.plugin.serdes.csv.CsvToIon
            from: "{{ outputs.write.uri }}"
        """,
    )
    for fast in (True, False):
        with monkeypatch.context() as patch:
            if not fast:
                patch.setattr(columns, "available", lambda: False)
            finished = run_flow(tmp_path / str(fast), flow)
        assert state_of(finished, "strict") == "FAILED"
        assert "Bad line encountered (field count mismatch): Expected 2, got 3 fields." in messages(
            finished, "strict"
        )


def test_ion_to_csv_fast_path_leaves_other_shapes_to_the_python_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Blocks the fast path must refuse or read right: values ending with a colon or holding
    # ':null,' and '{id:', a typed value, fields in another order, a quoted name, an escape.
    plain = '{id:"1",name:"a",note:null}\n' * 3
    tricky = [
        '{id:"ends with:",name:"x:null,y",note:"{id:\\"z\\""}',
        '{id:"2",name:null,note:"tab\\there"}',
        '{id:3,name:"typed id",note:null}',
        '{name:"swapped",id:"4",note:null}',
        '{id:"5","name":"quoted name",note:"\\u00e9"}',
        '{id:"6",name:"back\\\\slash",note:"say \\"hi\\""}',
    ]
    content = plain + "\n".join(tricky) + "\n" + plain
    flow = f"""
        id: fast_path_ion
        namespace: company.team
        tasks:
          - id: write
            type: io.kestra.plugin.core.storage.Write
            content: {json.dumps(content)}
            extension: .ion
          - id: to_csv
            type: io.kestra.plugin.serdes.csv.IonToCsv
            from: "{{{{ outputs.write.uri }}}}"
          - id: all_quoted
            type: io.kestra.plugin.serdes.csv.IonToCsv
            from: "{{{{ outputs.write.uri }}}}"
            quoteMode: ALL
        """
    fast, slow = _run_both(tmp_path, flow, ["to_csv", "all_quoted"], monkeypatch)
    assert fast == slow
    lines = fast["to_csv"].decode().splitlines()
    assert lines[0] == "id,name,note"
    assert lines[4] == 'ends with:,"x:null,y","{id:""z"""'
    assert lines[6:10] == [
        "3,typed id,",
        "swapped,4,",
        "5,quoted name,é",
        '6,back\\slash,"say ""hi"""',
    ]
    for block in (plain.encode(), "\n".join(tricky).encode() + b"\n"):
        converter = ion_arrow.Converter(["id", "name", "note"], ",", '"', "\n", False)
        assert (converter.convert(block) is None) == (block != plain.encode())
    # Blank lines (first, inside, last) are left to the Python path, which skips them.
    for blank in (b"\n" + plain.encode(), plain.encode() + b"\n" + plain.encode(), b"\n\n"):
        assert converter.convert(blank) is None


def test_skipped_rows_do_not_count_empty_lines_on_either_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks = """
          - id: blank_skipped
            type: io.kestra.plugin.serdes.csv.CsvToIon
            from: "{{ outputs.write.uri }}"
            skipEmptyRows: true
            skipRows: 1
    """
    flow = _flow("a,b\n\n1,2\n3,4\n", tasks)
    fast, slow = _run_both(tmp_path, flow, ["blank_skipped"], monkeypatch)
    assert fast == slow == {"blank_skipped": b'{a:"3",b:"4"}\n'}
