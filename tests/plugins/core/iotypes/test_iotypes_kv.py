"""The ``kv`` plugins."""

from datetime import timedelta

from iotypes_support import load, refused_at, rules

from tiercel.plugins.core.kv.purge_kv import KeyBehavior, VersionBehavior
from tiercel.sdk import KVType

K = "io.kestra.plugin.core.kv."


def test_set_from_kestras_example_with_defaults() -> None:
    task = load(
        {
            "id": "kv_set",
            "type": K + "Set",
            "key": "orders_file",
            "value": "{{ outputs.http_download.uri }}",
            "kvType": "STRING",
        }
    )
    assert task.kv_type is KVType.STRING
    assert task.namespace == "{{ flow.namespace }}"
    assert task.overwrite is True
    assert task.ttl is None
    assert rules(task) == []


def test_set_takes_any_value_and_a_ttl() -> None:
    task = load(
        {
            "id": "s",
            "type": K + "Set",
            "key": "k",
            "value": {"a": [1, 2]},
            "ttl": "P1D",
            "overwrite": False,
            "namespace": "company",
            "kvDescription": "d",
        }
    )
    assert task.value == {"a": [1, 2]}
    assert task.ttl == timedelta(days=1)


def test_set_refusals() -> None:
    assert refused_at({"id": "s", "type": K + "Set", "value": 1}, "key")
    assert refused_at({"id": "s", "type": K + "Set", "key": "k"}, "value")
    assert refused_at(
        {"id": "s", "type": K + "Set", "key": "k", "value": 1, "kvType": "INT"}, "kvType"
    )
    null_value = load({"id": "s", "type": K + "Set", "key": "k", "value": None})
    assert rules(null_value) == [(("value",), "must not be null")]


def test_get() -> None:
    task = load(
        {
            "id": "kv_get",
            "type": K + "Get",
            "key": "my_variable",
            "namespace": "company",
            "errorOnMissing": True,
        }
    )
    assert (task.key, task.namespace, task.error_on_missing) == ("my_variable", "company", True)
    assert load({"id": "g", "type": K + "Get", "key": "k"}).error_on_missing is False
    assert refused_at({"id": "g", "type": K + "Get"}, "key")


def test_get_keys() -> None:
    task = load({"id": "kv_getkeys", "type": K + "GetKeys", "prefix": "my_var"})
    assert (task.prefix, task.namespace) == ("my_var", "{{ flow.namespace }}")
    assert load({"id": "k", "type": K + "GetKeys"}).prefix is None
    assert refused_at({"id": "k", "type": K + "GetKeys", "key": "x"}, "key")


def test_delete() -> None:
    task = load({"id": "kv_delete", "type": K + "Delete", "key": "my_variable", "namespace": "dev"})
    assert task.error_on_missing is False
    assert refused_at({"id": "d", "type": K + "Delete"}, "key")


def test_purge_kv() -> None:
    task = load(
        {
            "id": "purge_kv",
            "type": K + "PurgeKV",
            "expiredOnly": True,
            "namespaces": ["company"],
            "includeChildNamespaces": True,
        }
    )
    assert task.namespaces == ["company"]
    assert task.behavior == KeyBehavior(type="key")
    assert task.behavior.expired_only is True
    versions = load(
        {"id": "p", "type": K + "PurgeKV", "behavior": {"type": "version", "keepAmount": 2}}
    )
    assert isinstance(versions.behavior, VersionBehavior)
    assert versions.behavior.keep_amount == 2
    assert refused_at({"id": "p", "type": K + "PurgeKV", "behavior": {"type": "all"}}, "behavior")
