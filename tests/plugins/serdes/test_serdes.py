"""serdes converters through real YAML flows: CSV and JSON to Ion and back."""

import json
from pathlib import Path

import pytest
from tests.plugins.jdbc.jdbc_support import messages, outputs, run_flow, state_of, stored_rows

from tiercel.model import load_flows
from tiercel.registry import default_registry
from tiercel.runtime.services import Finished, Services

CSV = 'id,name,note,\n1,"Smith, J",\\N,\n2,"say ""hi""","multi\nline",\n'


def _written(services: Services, finished: Finished, task_id: str) -> str:
    return services.storage.read_bytes(outputs(finished, task_id)["uri"]).decode()


def test_csv_to_ion_and_back_keeps_quotes_nulls_and_line_breaks(tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    def check(services: Services, finished: Finished) -> None:
        seen["ion"] = stored_rows(services, outputs(finished, "to_ion")["uri"])
        seen["csv"] = _written(services, finished, "to_csv")
        seen["semi"] = _written(services, finished, "semicolons")

    finished = run_flow(
        tmp_path,
        f"""
        id: csv
        namespace: company.team
        tasks:
          - id: write
            type: io.kestra.plugin.core.storage.Write
            content: {json.dumps(CSV)}
            extension: .csv
          - id: to_ion
            type: io.kestra.plugin.serdes.csv.CsvToIon
            from: "{{{{ outputs.write.uri }}}}"
          - id: to_csv
            type: io.kestra.plugin.serdes.csv.IonToCsv
            from: "{{{{ outputs.to_ion.uri }}}}"
          - id: semicolons
            type: io.kestra.plugin.serdes.csv.CsvWriter
            from: "{{{{ outputs.to_ion.uri }}}}"
            fieldSeparator: ";"
            alwaysDelimitText: true
            header: false
        """,
        check,
    )
    assert finished.execution.state.current.name == "SUCCESS", messages(finished)
    assert outputs(finished, "to_ion")["size"] == 2
    assert seen["ion"] == [
        {"id": "1", "name": "Smith, J", "note": None},
        {"id": "2", "name": 'say "hi"', "note": "multi\nline"},
    ]
    assert seen["csv"] == 'id,name,note\n1,"Smith, J",\n2,"say ""hi""","multi\nline"\n'
    assert seen["semi"] == '"1";"Smith, J";""\n"2";"say ""hi""";"multi\nline"\n'


def test_csv_options_headerless_skips_and_bad_lines(tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    def check(services: Services, finished: Finished) -> None:
        seen["lists"] = stored_rows(services, outputs(finished, "lists")["uri"])
        seen["skipped"] = stored_rows(services, outputs(finished, "skipped")["uri"])

    finished = run_flow(
        tmp_path,
        """
        id: csv_options
        namespace: company.team
        tasks:
          - id: write
            type: io.kestra.plugin.core.storage.Write
            content: "a|b\\n1|2\\n\\n3|4|5\\n6|7\\n"
            extension: .csv
          - id: lists
            type: io.kestra.plugin.serdes.csv.CsvReader
            from: "{{ outputs.write.uri }}"
            header: false
            fieldSeparator: "|"
            skipEmptyRows: true
          - id: skipped
            type: io.kestra.plugin.serdes.csv.CsvToIon
            from: "{{ outputs.write.uri }}"
            fieldSeparator: "|"
            skipRows: 1
            onBadLines: SKIP
          - id: strict
            type: io.kestra.plugin.serdes.csv.CsvToIon
            from: "{{ outputs.write.uri }}"
            fieldSeparator: "|"
        """,
        check,
    )
    assert seen["lists"] == [["a", "b"], ["1", "2"], ["3", "4", "5"], ["6", "7"]]
    assert seen["skipped"] == [{"a": "6", "b": "7"}]
    assert state_of(finished, "strict") == "FAILED"
    assert "Bad line encountered (field count mismatch): Expected 2, got 1 fields." in messages(
        finished, "strict"
    )


def test_ion_to_csv_formats_kestra_types(tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    def check(services: Services, finished: Finished) -> None:
        seen["csv"] = _written(services, finished, "to_csv")

    ion_text = '{i:1,d:12.50,f:0.5e0,big:1e20,b:true,t:2024-01-01T10:00:00+02:00,n:null,s:"x"}\n'
    finished = run_flow(
        tmp_path,
        f"""
        id: ion_csv
        namespace: company.team
        tasks:
          - id: write
            type: io.kestra.plugin.core.storage.Write
            content: {json.dumps(ion_text)}
            extension: .ion
          - id: to_csv
            type: io.kestra.plugin.serdes.csv.IonToCsv
            from: "{{{{ outputs.write.uri }}}}"
        """,
        check,
    )
    assert finished.execution.state.current.name == "SUCCESS", messages(finished)
    assert seen["csv"] == "i,d,f,big,b,t,n,s\n1,12.50,0.5,1.0E20,true,2024-01-01T08:00:00.000Z,,x\n"


def test_json_lines_and_arrays_to_ion_and_back(tmp_path: Path) -> None:
    seen: dict[str, object] = {}

    def check(services: Services, finished: Finished) -> None:
        seen["ion"] = stored_rows(services, outputs(finished, "from_array")["uri"])
        seen["lines"] = _written(services, finished, "to_lines")
        seen["array"] = _written(services, finished, "to_array")

    finished = run_flow(
        tmp_path,
        """
        id: json
        namespace: company.team
        tasks:
          - id: array
            type: io.kestra.plugin.core.storage.Write
            content: '[{"id": 1, "tags": ["a"], "price": 1.5, "o": {"k": null}}, {"id": 2}]'
            extension: .json
          - id: from_array
            type: io.kestra.plugin.serdes.json.JsonToIon
            from: "{{ outputs.array.uri }}"
            newLine: false
          - id: to_lines
            type: io.kestra.plugin.serdes.json.IonToJson
            from: "{{ outputs.from_array.uri }}"
          - id: from_lines
            type: io.kestra.plugin.serdes.json.JsonReader
            from: "{{ outputs.to_lines.uri }}"
          - id: to_array
            type: io.kestra.plugin.serdes.json.JsonWriter
            from: "{{ outputs.from_lines.uri }}"
            newLine: false
        """,
        check,
    )
    assert finished.execution.state.current.name == "SUCCESS", messages(finished)
    assert seen["ion"] == [{"id": 1, "tags": ["a"], "price": 1.5, "o": {"k": None}}, {"id": 2}]
    assert seen["lines"] == '{"id":1,"tags":["a"],"price":1.5,"o":{"k":null}}\n{"id":2}\n'
    assert seen["array"] == '[{"id":1,"tags":["a"],"price":1.5,"o":{"k":null}},{"id":2}]\n'
    assert outputs(finished, "to_array")["size"] == 2


def test_bad_json_fails_with_its_line(tmp_path: Path) -> None:
    finished = run_flow(
        tmp_path,
        """
        id: bad_json
        namespace: company.team
        tasks:
          - id: write
            type: io.kestra.plugin.core.storage.Write
            content: |
              {"ok": 1}
              {not json}
          - id: read
            type: io.kestra.plugin.serdes.json.JsonToIon
            from: "{{ outputs.write.uri }}"
        """,
    )
    assert state_of(finished, "read") == "FAILED"
    (failure,) = [m for m in messages(finished, "read") if m.startswith("Line 2 of")]
    assert "is not JSON" in failure


@pytest.mark.parametrize(
    "task",
    [
        "type: io.kestra.plugin.serdes.csv.CsvToIon\n  from: x\n  onBadLines: WARN",
        "type: io.kestra.plugin.serdes.csv.IonToCsv\n  from: x\n  dateTimeFormat: yyyy",
        "type: io.kestra.plugin.serdes.json.IonToJson\n  from: x\n  timeZoneId: UTC",
    ],
)
def test_documented_options_validate(task: str) -> None:
    flow = f"id: f\nnamespace: company.team\ntasks:\n- id: t\n  {task}\n"
    assert load_flows(flow.encode(), "f.yaml", default_registry()).ok
