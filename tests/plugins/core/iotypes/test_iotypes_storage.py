"""The ``storage`` plugins."""

import pytest
from iotypes_support import load, refused_at

from tiercel.plugins.core.storage.filter_items import ErrorOrNullBehavior, FilterType

S = "io.kestra.plugin.core.storage."


def test_concat_takes_a_list_or_an_expression() -> None:
    listed = load(
        {
            "id": "concat",
            "type": S + "Concat",
            "separator": "\n",
            "files": ["{{ outputs.a.uri }}", "{{ outputs.b.uri }}"],
        }
    )
    assert listed.files == ["{{ outputs.a.uri }}", "{{ outputs.b.uri }}"]
    assert listed.extension == ".tmp"
    rendered = load(
        {
            "id": "c",
            "type": S + "Concat",
            "files": "{{ outputs.generate_files.outputFiles | jq('.[]') }}",
        }
    )
    assert rendered.separator is None
    assert refused_at({"id": "c", "type": S + "Concat"}, "files")


def test_split() -> None:
    task = load(
        {"id": "split", "type": S + "Split", "from": "kestra://long/url/file1.txt", "bytes": "10MB"}
    )
    assert (task.from_, task.bytes, task.separator) == ("kestra://long/url/file1.txt", "10MB", "\n")
    assert load({"id": "s", "type": S + "Split", "from": "f", "rows": 1000}).rows == 1000
    assert load({"id": "s", "type": S + "Split", "from": "f", "partitions": 8}).partitions == 8
    assert refused_at({"id": "s", "type": S + "Split", "rows": 10}, "from")
    assert refused_at({"id": "s", "type": S + "Split", "from": "f", "rows": "many"}, "rows")


def test_size_and_delete() -> None:
    assert load({"id": "s", "type": S + "Size", "uri": "kestra://long/url/file.txt"}).uri
    assert refused_at({"id": "s", "type": S + "Size"}, "uri")
    task = load({"id": "d", "type": S + "Delete", "uri": "kestra://long/url/file.txt"})
    assert task.error_on_missing is False
    assert refused_at({"id": "d", "type": S + "Delete"}, "uri")


def test_reverse() -> None:
    task = load({"id": "reverse", "type": S + "Reverse", "from": "{{ outputs.gen.uri }}"})
    assert (task.separator, task.charset) == ("\n", "UTF-8")
    assert refused_at({"id": "r", "type": S + "Reverse"}, "from")


def test_deduplicate_items() -> None:
    task = load(
        {
            "id": "dedup",
            "type": S + "DeduplicateItems",
            "from": "{{ outputs.c.uri }}",
            "expr": "{{ customer_email }}",
        }
    )
    assert task.expr == "{{ customer_email }}"
    assert refused_at({"id": "d", "type": S + "DeduplicateItems", "from": "f"}, "expr")


def test_filter_items() -> None:
    task = load(
        {
            "id": "filter",
            "type": S + "FilterItems",
            "from": "{{ outputs.download.uri }}",
            "filterCondition": "{{ (product_id | number) == 20 }}",
        }
    )
    assert task.filter_type is FilterType.INCLUDE
    assert task.error_or_null_behavior is ErrorOrNullBehavior.FAIL
    excluded = load(
        {
            "id": "f",
            "type": S + "FilterItems",
            "from": "f",
            "filterCondition": "x",
            "filterType": "EXCLUDE",
            "errorOrNullBehavior": "EXCLUDE",
        }
    )
    assert excluded.filter_type is FilterType.EXCLUDE
    assert refused_at(
        {
            "id": "f",
            "type": S + "FilterItems",
            "from": "f",
            "filterCondition": "x",
            "filterType": "KEEP",
        },
        "filterType",
    )
    assert refused_at({"id": "f", "type": S + "FilterItems", "from": "f"}, "filterCondition")


def test_write() -> None:
    task = load({"id": "write", "type": S + "Write", "content": "Hello World", "extension": ".txt"})
    assert (task.content, task.extension) == ("Hello World", ".txt")
    assert refused_at({"id": "w", "type": S + "Write"}, "content")


@pytest.mark.parametrize(
    "name",
    [
        S + "PurgeCurrentExecutionFiles",
        S + "PurgeExecution",
        "io.kestra.core.tasks.storages.PurgeExecution",
    ],
)
def test_purge_current_execution_files(name: str) -> None:
    task = load({"id": "purge", "type": name})
    assert (task.include_child_executions, task.include_states) == (False, False)
    assert refused_at({"id": "p", "type": name, "namespace": "x"}, "namespace")


def test_local_files() -> None:
    task = load(
        {
            "id": "input_files",
            "type": S + "LocalFiles",
            "inputs": {"hello.txt": "Hello World\n", "address.json": "{{ outputs.t.uri }}"},
            "outputs": ["sub/**"],
        }
    )
    assert task.outputs == ["sub/**"]
    assert load({"id": "l", "type": S + "LocalFiles", "inputs": "{{ vars.files }}"}).inputs
    assert refused_at({"id": "l", "type": S + "LocalFiles", "outputs": "sub/**"}, "outputs")
