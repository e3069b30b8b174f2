"""The Redis tasks in real flows against a real redis-server."""

import sys

import pytest
from tests.plugins.flow_support import RunFlow as Run
from tests.plugins.flow_support import flow_of, messages, states
from tests.plugins.redis.conftest import PASSWORD, RedisServer

R = "io.kestra.plugin.redis."


def test_set_get_delete_strings_and_json(redis_db: RedisServer, run_flow: Run) -> None:
    url = redis_db.url
    finished = run_flow(
        flow_of(
            {"id": "s1", "type": R + "string.Set", "url": url, "key": "k:text", "value": "v1"},
            {"id": "s2", "type": R + "string.Set", "url": url, "key": "k:text", "value": "v2",
             "get": True},
            {"id": "s3", "type": R + "string.Set", "url": url, "key": "k:json",
             "serdeType": "JSON", "value": {"a": [1, 2], "b": "{{ flow.id }}"},
             "options": {"expirationDuration": "PT1H"}},
            {"id": "s4", "type": R + "Set", "url": url, "key": "k:text", "value": "ignored",
             "options": {"mustNotExist": True}},
            {"id": "g1", "type": R + "string.Get", "url": url, "key": "k:text"},
            {"id": "g2", "type": R + "Get", "url": url, "key": "k:json", "serdeType": "JSON"},
            {"id": "g3", "type": R + "string.Get", "url": url, "key": "k:none"},
            {"id": "d", "type": R + "string.Delete", "url": url,
             "keys": ["k:text", "k:json", "k:none"]},
        )
    )  # fmt: skip
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    out = finished.outputs
    assert out["s2"] == {"oldValue": "v1"}
    assert out["g1"] == {"data": "v2", "key": "k:text"}, "mustNotExist left the key alone"
    assert out["g2"] == {"data": {"a": [1, 2], "b": "notify"}, "key": "k:json"}
    assert out["g3"] == {"data": None, "key": "k:none"}
    assert out["d"] == {"count": 2}
    with redis_db.client() as check:
        assert check.keys("*") == []


def test_expiry_is_set(redis_db: RedisServer, run_flow: Run) -> None:
    run_flow(
        flow_of({"id": "s", "type": R + "string.Set", "url": redis_db.url, "key": "ttl",
                 "value": 1, "options": {"expirationDuration": "PT10M"}})
    )  # fmt: skip
    with redis_db.client() as check:
        assert check.get("ttl") == b"1"
        assert 0 < check.pttl("ttl") <= 600_000


def test_missing_keys_fail_when_asked(redis_db: RedisServer, run_flow: Run) -> None:
    finished = run_flow(
        flow_of(
            {"id": "g", "type": R + "string.Get", "url": redis_db.url, "key": "absent",
             "failedOnMissing": True},
            errors=[{"id": "d", "type": R + "string.Delete", "url": redis_db.url,
                     "keys": ["absent"], "failedOnMissing": True}],
        )
    )  # fmt: skip
    assert states(finished) == {"g": "FAILED", "d": "FAILED"}
    assert "Missing keys 'absent'" in messages(finished, "g")
    assert "Missing keys, only 0 key deleted" in messages(finished, "d")


def test_push_then_pop_through_an_ion_file(redis_db: RedisServer, run_flow: Run) -> None:
    url = redis_db.url
    finished = run_flow(
        flow_of(
            {"id": "push", "type": R + "list.ListPush", "url": url, "key": "queue",
             "from": ["a", "{{ flow.id }}", "c"], "batchSize": 2},
            {"id": "push_json", "type": R + "ListPush", "url": url, "key": "queue",
             "from": '["d", "e"]'},
            {"id": "pop", "type": R + "list.ListPop", "url": url, "key": "queue",
             "maxRecords": 3, "count": 2},
            {"id": "again", "type": R + "list.ListPush", "url": url, "key": "copy",
             "from": "{{ outputs.pop.uri }}"},
            {"id": "rest", "type": R + "ListPop", "url": url, "key": "queue",
             "maxDuration": "PT5S"},
        )
    )  # fmt: skip
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    out = finished.outputs
    assert out["push"] == {"count": 3} and out["push_json"] == {"count": 2}
    # LPUSH puts each item at the head: the list reads e d c notify a, and LPOP takes the head.
    assert out["pop"]["count"] == 4, "maxRecords is checked after each LPOP of `count` items"
    assert out["again"] == {"count": 4}
    assert out["rest"]["count"] == 1
    with redis_db.client() as check:
        assert check.lrange("copy", 0, -1) == [b"notify", b"c", b"d", b"e"]


def test_json_items_round_trip(redis_db: RedisServer, run_flow: Run) -> None:
    url = redis_db.url
    finished = run_flow(
        flow_of(
            {"id": "push", "type": R + "list.ListPush", "url": url, "key": "rows",
             "serdeType": "JSON", "from": ['{"id": 1}', '{"id": 2}']},
            {"id": "pop", "type": R + "list.ListPop", "url": url, "key": "rows",
             "serdeType": "JSON", "maxRecords": 10},
            {"id": "copy", "type": R + "list.ListPush", "url": url, "key": "copy",
             "serdeType": "JSON", "from": "{{ outputs.pop.uri }}"},
        )
    )  # fmt: skip
    assert finished.outputs["pop"]["count"] == 2
    with redis_db.client() as check:
        assert check.llen("rows") == 0
        # The Ion file held the two objects; pushed back as JSON they keep their fields.
        assert check.lrange("copy", 0, -1) == [b'{"id":1}', b'{"id":2}']


def test_bad_password_is_one_line_without_it(redis_db: RedisServer, run_flow: Run) -> None:
    url = f"redis://:wrong-{PASSWORD}@127.0.0.1:{redis_db.port}/0"
    finished = run_flow(
        flow_of({"id": "g", "type": R + "string.Get", "url": url, "key": "x"},
                errors=[{"id": "handled", "type": "io.kestra.plugin.core.log.Log",
                         "message": "ok"}])
    )  # fmt: skip
    assert states(finished) == {"g": "FAILED", "handled": "SUCCESS"}
    text = "\n".join(messages(finished, "g"))
    assert (
        f"Redis at 'redis://:******@127.0.0.1:{redis_db.port}/0' rejected the credentials" in text
    )
    assert PASSWORD not in text and "Traceback" not in text


def test_unreachable_server_is_one_line(run_flow: Run) -> None:
    from tests.conftest import free_port

    port = free_port()
    finished = run_flow(
        flow_of({"id": "g", "type": R + "string.Get", "url": f"redis://:pw@127.0.0.1:{port}",
                 "key": "x"})
    )  # fmt: skip
    (line,) = [m for m in messages(finished, "g") if "cannot connect" in m]
    assert line.startswith(f"Redis: cannot connect to 'redis://:******@127.0.0.1:{port}': ")


def test_without_the_driver_the_task_names_the_install(
    run_flow: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    finished = run_flow(
        flow_of({"id": "g", "type": R + "string.Get", "url": "redis://127.0.0.1:1", "key": "x"})
    )
    assert "The Redis tasks need the redis package: pip install 'tiercel[redis]'" in messages(
        finished, "g"
    )
