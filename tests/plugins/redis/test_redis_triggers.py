"""The Redis list triggers against a real redis-server: the polling one pops the list into an
Ion file, the realtime one starts an execution per item as it is pushed."""

import queue
import threading

import pytest
from tests.plugins.fs.fs_support import FakeTriggerContext, load_trigger
from tests.plugins.redis.conftest import RedisServer

from tiercel.sdk import Emission, PollingTrigger, RealtimeTrigger, TaskFailure


def test_polling_trigger_pops_into_one_execution(redis_db: RedisServer) -> None:
    trigger = load_trigger(
        {"type": "io.kestra.plugin.redis.TriggerList", "url": redis_db.url, "key": "jobs",
         "serdeType": "JSON", "maxRecords": 100, "interval": "PT10S"}
    )  # fmt: skip
    assert isinstance(trigger, PollingTrigger)
    ctx = FakeTriggerContext(roots=[])
    assert trigger.evaluate(ctx) == []
    with redis_db.client() as push:
        push.rpush("jobs", '{"n": 1}', '{"n": 2}', '{"n": 3}')
    (emission,) = trigger.evaluate(ctx)
    assert emission.variables["count"] == 3
    assert ctx.stored[emission.variables["uri"]] == b"{n:1}\n{n:2}\n{n:3}\n"
    assert trigger.evaluate(ctx) == []


def test_realtime_trigger_emits_each_item(redis_db: RedisServer) -> None:
    trigger = load_trigger(
        {"type": "io.kestra.plugin.redis.list.RealtimeTrigger", "url": redis_db.url,
         "key": "events"}
    )  # fmt: skip
    assert isinstance(trigger, RealtimeTrigger)
    emissions: queue.Queue[Emission] = queue.Queue()
    stop = threading.Event()
    failures: list[BaseException] = []

    def listen() -> None:
        try:
            trigger.listen(FakeTriggerContext(roots=[]), emissions.put, stop)
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    with redis_db.client() as push:
        push.rpush("events", "first", "second")
    assert emissions.get(timeout=10).variables == {"value": "first"}
    assert emissions.get(timeout=10).variables == {"value": "second"}
    stop.set()
    thread.join(10)
    assert not thread.is_alive() and failures == []


def test_realtime_trigger_refused_credentials(redis_db: RedisServer) -> None:
    trigger = load_trigger(
        {"type": "io.kestra.plugin.redis.list.RealtimeTrigger",
         "url": f"redis://:nope@127.0.0.1:{redis_db.port}", "key": "events"}
    )  # fmt: skip
    assert isinstance(trigger, RealtimeTrigger)
    with pytest.raises(TaskFailure, match=r"rejected the credentials") as failed:
        trigger.listen(FakeTriggerContext(roots=[]), lambda _: None, threading.Event())
    assert "nope" not in str(failed.value)
