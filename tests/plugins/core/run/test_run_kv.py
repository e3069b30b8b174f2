"""Running the ``kv`` tasks against a real SQLite KV store."""

from datetime import date, datetime, timedelta

import pytest
from run_support import NAMESPACE, Harness

from tiercel.sdk import TaskFailure

KV = "io.kestra.plugin.core.kv."


def test_set_stores_the_rendered_value_in_the_flows_namespace(harness: Harness) -> None:
    ctx = harness.context(outputs={"dl": {"uri": "kestra:///a/b.csv"}})
    returned = harness.run(
        {"type": KV + "Set", "key": "orders_file", "value": "{{ outputs.dl.uri }}"}, ctx
    )
    assert returned is None
    assert harness.value("orders_file", NAMESPACE) == "kestra:///a/b.csv"


def test_set_keeps_the_type_of_a_single_expression(harness: Harness) -> None:
    ctx = harness.context(outputs={"o": {"values": {"a": 1, "b": [True, None]}}})
    harness.run({"type": KV + "Set", "key": "map", "value": "{{ outputs.o.values }}"}, ctx)
    harness.run({"type": KV + "Set", "key": "num", "value": "{{ 40 + 2 }}"})
    harness.run({"type": KV + "Set", "key": "text", "value": "n={{ 40 + 2 }}"})
    harness.run({"type": KV + "Set", "key": "literal", "value": 7})
    assert harness.value("map") == {"a": 1, "b": [True, None]}
    assert harness.value("num") == 42
    assert harness.value("text") == "n=42"
    assert harness.value("literal") == 7


@pytest.mark.parametrize(
    ("kv_type", "text", "stored"),
    [
        ("NUMBER", "12.5", 12.5),
        ("BOOLEAN", "TRUE", True),
        ("BOOLEAN", "yes", False),
        ("DATETIME", "2024-01-31T10:00:00Z", datetime.fromisoformat("2024-01-31T10:00:00+00:00")),
        ("DATE", "2024-01-31", date(2024, 1, 31)),
        ("DURATION", "PT1H30M", timedelta(hours=1, minutes=30)),
        ("JSON", '{"k": [1, 2]}', {"k": [1, 2]}),
        ("STRING", "42", "42"),
    ],
)
def test_set_converts_rendered_text_to_kv_type(
    harness: Harness, kv_type: str, text: str, stored: object
) -> None:
    harness.run({"type": KV + "Set", "key": "k", "value": text, "kvType": kv_type})
    assert harness.value("k") == stored


def test_set_fails_on_text_that_is_not_of_the_kv_type(harness: Harness) -> None:
    with pytest.raises(TaskFailure, match="as a NUMBER"):
        harness.run({"type": KV + "Set", "key": "k", "value": "twelve", "kvType": "NUMBER"})
    assert harness.value("k") is None


def test_set_with_a_ttl_expires(harness: Harness) -> None:
    harness.run({"type": KV + "Set", "key": "k", "value": "v", "ttl": "PT1M"})
    assert harness.value("k") == "v"
    harness.now += timedelta(minutes=2)
    assert harness.value("k") is None


def test_set_without_overwrite_fails_on_an_existing_key(harness: Harness) -> None:
    harness.run({"type": KV + "Set", "key": "k", "value": "first"})
    with pytest.raises(TaskFailure, match="Key already exists and `overwrite` is set to `false`"):
        harness.run({"type": KV + "Set", "key": "k", "value": "second", "overwrite": False})
    assert harness.value("k") == "first"
    harness.run({"type": KV + "Set", "key": "other", "value": "v", "overwrite": False})
    assert harness.value("other") == "v"


def test_set_in_another_namespace(harness: Harness) -> None:
    harness.run({"type": KV + "Set", "key": "k", "value": "v", "namespace": "company.other"})
    assert harness.value("k", "company.other") == "v"
    assert harness.value("k") is None


def test_get_returns_the_typed_value_or_null(harness: Harness) -> None:
    harness.kv.set(NAMESPACE, "k", {"a": [1]}, now=harness.now)
    assert harness.run({"type": KV + "Get", "key": "k"}) == {"value": {"a": [1]}}
    assert harness.run({"type": KV + "Get", "key": "missing"}) == {"value": None}


def test_get_with_error_on_missing_fails(harness: Harness) -> None:
    with pytest.raises(TaskFailure) as failure:
        harness.run({"type": KV + "Get", "key": "missing", "errorOnMissing": True})
    assert str(failure.value) == (
        "No value found for key 'missing' in namespace 'company.team' and `errorOnMissing` is "
        "set to true"
    )


def test_get_keys_lists_live_keys_with_a_prefix(harness: Harness) -> None:
    for key in ("my_var", "my_var2", "other"):
        harness.kv.set(NAMESPACE, key, 1, now=harness.now)
    harness.kv.set(NAMESPACE, "my_old", 1, now=harness.now, ttl=timedelta(seconds=1))
    harness.kv.set("company.other", "my_elsewhere", 1, now=harness.now)
    harness.now += timedelta(seconds=5)
    assert harness.run({"type": KV + "GetKeys", "prefix": "my_"}) == {"keys": ["my_var", "my_var2"]}
    assert harness.run({"type": KV + "GetKeys"}) == {"keys": ["my_var", "my_var2", "other"]}


def test_delete_tells_whether_the_key_existed(harness: Harness) -> None:
    harness.kv.set(NAMESPACE, "k", "v", now=harness.now)
    assert harness.run({"type": KV + "Delete", "key": "k"}) == {"deleted": True}
    assert harness.value("k") is None
    assert harness.run({"type": KV + "Delete", "key": "k"}) == {"deleted": False}
    with pytest.raises(TaskFailure, match="No value found for key 'k'"):
        harness.run({"type": KV + "Delete", "key": "k", "errorOnMissing": True})
