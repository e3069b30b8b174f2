"""The SQS tasks and trigger against a moto server."""

import json
from pathlib import Path
from typing import Any

import pytest
from aws_support import (
    SECRET_KEY,
    TriggerProbe,
    all_logs,
    client,
    errors,
    load_trigger,
    outputs,
    run,
    stored,
    task,
    trigger_connection,
    unique,
)

from tiercel.sdk.ion import loads


@pytest.fixture
def queue(moto_endpoint: str) -> str:
    url: str = client(moto_endpoint, "sqs").create_queue(QueueName=unique("queue"))["QueueUrl"]
    return url


def rows(content: bytes) -> list[Any]:
    return [loads(line) for line in content.decode().splitlines() if line]


def test_publish_then_consume_as_json(tmp_path: Path, moto_endpoint: str, queue: str) -> None:
    finished = run(
        tmp_path,
        task(
            "publish",
            "io.kestra.plugin.aws.sqs.Publish",
            moto_endpoint,
            f"""\
            queueUrl: {queue}
            from:
              - data: '{{"n": 1}}'
              - data: '{{"n": 2}}'
              - data: {{"n": 3}}
            """,
        ),
        task(
            "consume",
            "io.kestra.plugin.aws.sqs.Consume",
            moto_endpoint,
            f"queueUrl: {queue}\nmaxRecords: 3\nserdeType: JSON\n",
        ),
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    assert outputs(finished, "publish") == {"messagesCount": 3}
    consumed = outputs(finished, "consume")
    assert consumed["count"] == 3
    assert sorted(row["n"] for row in rows(stored(tmp_path, consumed["uri"]))) == [1, 2, 3]
    left = client(moto_endpoint, "sqs").receive_message(QueueUrl=queue, WaitTimeSeconds=0)
    assert "Messages" not in left, "autoDelete removed the consumed messages"


def test_consume_needs_a_bound(tmp_path: Path, moto_endpoint: str, queue: str) -> None:
    finished = run(
        tmp_path,
        task("consume", "io.kestra.plugin.aws.sqs.Consume", moto_endpoint, f"queueUrl: {queue}\n"),
    )
    assert errors(finished, "consume") == [
        "'maxDuration' or 'maxRecords' must be set to avoid an infinite loop"
    ]


def test_the_trigger_fires_with_the_waiting_messages(moto_endpoint: str, queue: str) -> None:
    sqs = client(moto_endpoint, "sqs")
    watch = load_trigger(
        {
            "type": "io.kestra.plugin.aws.sqs.Trigger",
            **trigger_connection(moto_endpoint),
            "queueUrl": queue,
            "maxRecords": 10,
        }
    )
    probe = TriggerProbe()
    assert watch.evaluate(probe) == []
    for body in ("a", "b"):
        sqs.send_message(QueueUrl=queue, MessageBody=body)
    (emission,) = watch.evaluate(probe)
    assert emission.variables["count"] == 2
    assert sorted(rows(probe.stored[emission.variables["uri"]])) == ["a", "b"]


def test_publish_to_a_missing_queue_fails_in_one_line(tmp_path: Path, moto_endpoint: str) -> None:
    missing = f"{moto_endpoint}/123456789012/no-such-queue"
    finished = run(
        tmp_path,
        task(
            "publish",
            "io.kestra.plugin.aws.sqs.Publish",
            moto_endpoint,
            f"queueUrl: {missing}\nfrom:\n  data: hello\n",
        ),
    )
    (message,) = errors(finished, "publish")
    assert message.startswith(f"Unable to send messages to '{missing}': ")
    assert "NonExistentQueue" in message or "does not exist" in message
    assert json.dumps(message).count("\\n") == 0


def test_wrong_credentials_fail_in_one_line_without_the_secret(
    tmp_path: Path, moto_auth_endpoint: str
) -> None:
    finished = run(
        tmp_path,
        task(
            "send",
            "io.kestra.plugin.aws.sqs.Publish",
            moto_auth_endpoint,
            f"queueUrl: {moto_auth_endpoint}/123456789012/q\nfrom: {{data: hello}}\n",
        ),
    )
    (message,) = errors(finished, "send")
    # moto answers this JSON API in XML, which botocore cannot parse: the task keeps the
    # answer's code and message only.
    assert message.endswith(
        "InvalidClientTokenId: The security token included in the request is invalid."
    )
    assert SECRET_KEY not in all_logs(finished) and "Traceback" not in all_logs(finished)
