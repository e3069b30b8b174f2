"""serdes YAML, JSON Lines and Markdown converters through real flows: YAML documents to JSON,
JSON Lines and Ion and back in Kestra's shapes (one document plain, several as a `---` stream;
dates kept as text), hostile YAML failing the task with one line, JSON arrays streamed to JSON
Lines, and Markdown to HTML and to text."""

import json
from pathlib import Path
from typing import Any

import yaml
from tests.plugins.jdbc.jdbc_support import messages, outputs, run_flow, state_of, stored_rows

from tiercel.runtime.services import Finished, Services

S = "io.kestra.plugin.serdes."

TWO_DOCUMENTS = """\
name: Apple
price: 1.2
day: 2024-05-01
tags: [red, "é"]
---
name: Banana
price: 0.9
ok: true
"""


def flow(content: str, *tasks: str, extension: str = ".yaml") -> str:
    body = "\n".join(tasks)
    return f"""
id: yaml
namespace: t
tasks:
  - id: write
    type: io.kestra.plugin.core.storage.Write
    extension: "{extension}"
    content: {json.dumps(content)}
{body}
"""


def read(services: Services, uri: str) -> str:
    with services.storage.open(uri) as data:
        return data.read().decode()


def converted(tmp_path: Path, text: str) -> tuple[Finished, dict[str, str]]:
    """Run the flow; every task's output file, read while the services are open."""
    files: dict[str, str] = {}

    def keep(services: Services, finished: Finished) -> None:
        for run in finished.task_runs:
            uri = (run.outputs or {}).get("uri")
            if run.task_id != "write" and isinstance(uri, str):
                files[run.task_id] = read(services, uri)

    return run_flow(tmp_path, text, keep), files


def test_yaml_documents_to_json_jsonl_and_ion_and_back(tmp_path: Path) -> None:
    finished, files = converted(
        tmp_path,
        flow(
            TWO_DOCUMENTS,
            f"""  - id: json
    type: {S}yaml.YamlToJson
    from: "{{{{ outputs.write.uri }}}}"
  - id: jsonl
    type: {S}yaml.YamlToJson
    from: "{{{{ outputs.write.uri }}}}"
    jsonl: true
  - id: ion
    type: {S}yaml.YamlToIon
    from: "{{{{ outputs.write.uri }}}}"
  - id: back
    type: {S}yaml.IonToYaml
    from: "{{{{ outputs.ion.uri }}}}"
  - id: from_jsonl
    type: {S}yaml.JsonToYaml
    from: "{{{{ outputs.jsonl.uri }}}}"
    jsonl: true""",
        ),
    )
    assert finished.execution.state.current.value == "SUCCESS", messages(finished)
    documents = list(yaml.safe_load_all(TWO_DOCUMENTS))
    documents[0]["day"] = "2024-05-01"  # Jackson reads dates as text: so does Tiercel
    assert json.loads(files["json"]) == documents, "several documents: one JSON array"
    assert [json.loads(line) for line in files["jsonl"].splitlines()] == documents
    assert all(outputs(finished, task)["size"] == 2 for task in ("json", "jsonl", "ion", "back"))
    for task in ("back", "from_jsonl"):
        assert files[task].startswith("---\n"), "several records: a `---` stream"
        assert list(yaml.safe_load_all(files[task])) == [
            {**doc, "day": "2024-05-01"} if "day" in doc else doc for doc in documents
        ]
    assert "é" in files["back"], "unicode is written as it is"


def test_one_document_is_written_plainly_and_an_empty_file_is_an_empty_object(
    tmp_path: Path,
) -> None:
    finished, files = converted(
        tmp_path,
        flow(
            '{"name": "Apple", "price": 1.2}',
            f"""  - id: yaml
    type: {S}yaml.JsonToYaml
    from: "{{{{ outputs.write.uri }}}}"
  - id: json
    type: {S}yaml.YamlToJson
    from: "{{{{ outputs.yaml.uri }}}}"
  - id: empty
    type: io.kestra.plugin.core.storage.Write
    extension: .yaml
    content: "# nothing"
  - id: nothing
    type: {S}yaml.YamlToJson
    from: "{{{{ outputs.empty.uri }}}}\"""",
            extension=".json",
        ),
    )
    assert finished.execution.state.current.value == "SUCCESS", messages(finished)
    assert files["yaml"] == "name: Apple\nprice: 1.2\n"
    assert json.loads(files["json"]) == {"name": "Apple", "price": 1.2}
    assert files["nothing"] == "{}"
    assert outputs(finished, "nothing")["size"] == 0


def test_a_json_array_becomes_one_document_per_item(tmp_path: Path) -> None:
    def check(services: Services, finished: Finished) -> None:
        text = read(services, outputs(finished, "yaml")["uri"])
        assert list(yaml.safe_load_all(text)) == [{"a": 1}, {"a": 2}, [3]]
        assert stored_rows(services, outputs(finished, "ion")["uri"]) == [{"a": 1}, {"a": 2}, [3]]

    finished = run_flow(
        tmp_path,
        flow(
            '[{"a": 1}, {"a": 2}, [3]]',
            f"""  - id: yaml
    type: {S}yaml.JsonToYaml
    from: "{{{{ outputs.write.uri }}}}"
  - id: ion
    type: {S}yaml.YamlToIon
    from: "{{{{ outputs.yaml.uri }}}}\"""",
            extension=".json",
        ),
        check,
    )
    assert finished.execution.state.current.value == "SUCCESS", messages(finished)


BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)


def test_hostile_yaml_fails_with_one_line(tmp_path: Path) -> None:
    cases: dict[str, Any] = {
        "bomb": BOMB,
        "broken": "a: [1, 2\nb: 3\n",
        "deep": "- " * 5000 + "x\n",  # nested sequences, block style
    }
    tasks = "\n".join(
        f"""  - id: w_{name}
    type: io.kestra.plugin.core.storage.Write
    extension: .yaml
    content: {json.dumps(text)}
  - id: {name}
    type: {S}yaml.YamlToJson
    allowFailure: true
    from: "{{{{ outputs.w_{name}.uri }}}}\""""
        for name, text in cases.items()
    )
    finished = run_flow(tmp_path, flow("x: 1", tasks))
    for name in cases:
        assert state_of(finished, name) == "FAILED", name
    assert any("expands to over" in line for line in messages(finished, "bomb"))
    assert any("is not YAML at line" in line for line in messages(finished, "broken"))
    assert any("nested too deeply" in line for line in messages(finished, "deep"))
    for name in cases:
        assert not any("Traceback" in line for line in messages(finished, name))


def test_json_to_jsonl_streams_an_array_or_concatenated_objects(tmp_path: Path) -> None:
    # Values longer than the reader's chunk cross its boundaries.
    items = [{"i": i, "text": 'é\n"' + "x" * (i * 3001)} for i in range(40)]
    cases = {
        "array": (json.dumps(items, indent=1), 40),
        "lines": ("\n".join(json.dumps(item) for item in items[:3]), 3),
        "empty": ("", 0),
        "scalar": ("42", None),
        "cut": (json.dumps(items)[:-5], None),
    }
    tasks = "\n".join(
        f"""  - id: w_{name}
    type: io.kestra.plugin.core.storage.Write
    extension: .json
    content: {json.dumps(text)}
  - id: {name}
    type: {S}json.JsonToJsonl
    allowFailure: true
    from: "{{{{ outputs.w_{name}.uri }}}}\""""
        for name, (text, _) in cases.items()
    )
    seen: dict[str, list[Any]] = {}

    def keep(services: Services, finished: Finished) -> None:
        for name, (_, size) in cases.items():
            if size is not None:
                assert state_of(finished, name) == "SUCCESS", (name, messages(finished, name))
                text = read(services, outputs(finished, name)["uri"])
                seen[name] = [json.loads(line) for line in text.splitlines()]

    finished = run_flow(tmp_path, flow("x", tasks), keep)
    assert seen["array"] == items
    assert seen["lines"] == items[:3]
    assert seen["empty"] == []
    assert outputs(finished, "array")["size"] == 40
    assert state_of(finished, "scalar") == state_of(finished, "cut") == "FAILED"
    assert any("expected a JSON array or object" in m for m in messages(finished, "scalar"))
    assert any("Invalid JSON format" in m for m in messages(finished, "cut"))


MARKDOWN = """\
# Orders

Read the [report](https://example.org/r) for **June**,
then `run it` <b>now</b>.\\
Done.

- one
- two ![chart](c.png)

```
code is left out of the text
```
"""


def test_markdown_to_html_and_to_text(tmp_path: Path) -> None:
    finished, files = converted(
        tmp_path,
        flow(
            MARKDOWN,
            f"""  - id: html
    type: {S}markdown.MarkdownToHtml
    from: "{{{{ outputs.write.uri }}}}"
  - id: text
    type: {S}markdown.MarkdownToText
    from: "{{{{ outputs.write.uri }}}}\"""",
            extension=".md",
        ),
    )
    assert finished.execution.state.current.value == "SUCCESS", messages(finished)
    html = files["html"]
    assert html.startswith('<h1>Orders</h1>\n<p>Read the <a href="https://example.org/r">')
    assert "<strong>June</strong>" in html and "<code>run it</code>" in html
    assert "<b>now</b>" in html, "HTML in the Markdown is kept, as Kestra keeps it"
    assert "<li>one</li>" in html and '<img src="c.png" alt="chart" />' in html
    assert files["text"] == (
        "Orders\nRead the report for June, then  now.\nDone.\n- one\n\n- two chart"
    )
