"""``io.kestra.plugin.aws.s3.Trigger`` evaluated directly against a moto server."""

from typing import Any

import pytest
from aws_support import TriggerProbe, client, load_trigger, trigger_connection, unique

from tiercel.sdk import TaskFailure

TYPE = "io.kestra.plugin.aws.s3.Trigger"


@pytest.fixture
def s3(moto_endpoint: str) -> Any:
    return client(moto_endpoint, "s3")


@pytest.fixture
def bucket(s3: Any) -> str:
    name = unique("watched")
    s3.create_bucket(Bucket=name)
    return name


def watcher(endpoint: str, bucket: str, **props: Any) -> Any:
    return load_trigger({"type": TYPE, **trigger_connection(endpoint), "bucket": bucket, **props})


def test_action_none_fires_once_per_version(moto_endpoint: str, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="in/a.csv", Body=b"one")
    probe = TriggerProbe()
    watch = watcher(moto_endpoint, bucket, prefix="in/", action="NONE")
    (emission,) = watch.evaluate(probe)
    (fired,) = emission.variables["objects"]
    assert fired["key"] == "in/a.csv" and fired["changeType"] == "CREATE"
    assert probe.stored[fired["uri"]] == b"one"
    assert watch.evaluate(probe) == [], "an unchanged object does not fire again"
    s3.put_object(Bucket=bucket, Key="in/a.csv", Body=b"two")
    (emission,) = watch.evaluate(probe)
    assert [o["changeType"] for o in emission.variables["objects"]] == ["UPDATE"]


def test_on_create_ignores_updates(moto_endpoint: str, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="a", Body=b"1")
    probe = TriggerProbe()
    watch = watcher(moto_endpoint, bucket, action="NONE", on="CREATE")
    assert len(watch.evaluate(probe)) == 1
    s3.put_object(Bucket=bucket, Key="a", Body=b"2")
    assert watch.evaluate(probe) == []


def test_action_delete_removes_the_fired_objects(moto_endpoint: str, s3: Any, bucket: str) -> None:
    for key in ("x/1", "x/2"):
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    probe = TriggerProbe()
    (emission,) = watcher(moto_endpoint, bucket, action="DELETE").evaluate(probe)
    assert sorted(o["key"] for o in emission.variables["objects"]) == ["x/1", "x/2"]
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    assert probe.state["objects"] == {}, "moved and deleted objects are forgotten"


def test_action_move_puts_them_under_move_to(moto_endpoint: str, s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="in/doc.txt", Body=b"d")
    probe = TriggerProbe()
    watch = watcher(
        moto_endpoint,
        bucket,
        prefix="in/",
        action="MOVE",
        moveTo={"bucket": bucket, "key": "archive"},
    )
    assert len(watch.evaluate(probe)) == 1
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == ["archive/doc.txt"]
    assert watch.evaluate(probe) == []


def test_max_files_limits_one_poll(moto_endpoint: str, s3: Any, bucket: str) -> None:
    for i in range(3):
        s3.put_object(Bucket=bucket, Key=f"k{i}", Body=b"-")
    probe = TriggerProbe()
    (emission,) = watcher(moto_endpoint, bucket, action="NONE", maxFiles=2).evaluate(probe)
    assert len(emission.variables["objects"]) == 2
    assert any("maxFiles limit is 2" in message for _, message in probe.logs)


def test_a_missing_bucket_is_a_clear_failure(moto_endpoint: str) -> None:
    with pytest.raises(TaskFailure, match="NoSuchBucket"):
        watcher(moto_endpoint, "absent-bucket", action="NONE").evaluate(TriggerProbe())
