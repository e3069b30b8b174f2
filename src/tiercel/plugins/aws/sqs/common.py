"""What the SQS tasks and trigger share: the queue, and consuming into an ION file."""

import json
import os
import tempfile
import time
from datetime import timedelta
from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.aws.connection import AwsConnection
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import Duration, Property, TaskFailure, Text
from tiercel.sdk.ion import dumps


class SerdeType(StrEnum):
    """How a message body becomes a row of the output file."""

    STRING = "STRING"
    JSON = "JSON"


class SqsQueue(AwsConnection):
    """The queue and client properties of the SQS tasks."""

    queue_url: Text = Field(description="The URL of the SQS queue.")
    max_concurrency: Property[int] = Field(
        default=50, description="Accepted for compatibility: requests go one at a time."
    )
    connection_acquisition_timeout: Property[Duration] = Field(
        default=timedelta(seconds=5), description="Accepted for compatibility."
    )


class SqsConsumer(SqsQueue):
    """``Consume`` and ``Trigger``: read messages until a count or a duration is reached."""

    max_records: Property[int] | None = Field(
        default=None, description="Stop after this many messages."
    )
    max_duration: Property[Duration] | None = Field(
        default=None, description="Stop after this long."
    )
    serde_type: Property[SerdeType] = Field(
        default=SerdeType.STRING, description="STRING keeps bodies as text; JSON parses them."
    )
    auto_delete: Property[bool] = Field(
        default=True, description="Delete each message from the queue once read."
    )
    visibility_timeout: Property[int] = Field(
        default=30, description="Seconds a received message stays hidden from other readers."
    )

    def consume(self, env: Env, stopped: Any = None) -> dict[str, Any]:
        """Receive messages into an ION file of internal storage: ``uri`` and ``count``.

        Stops once ``maxRecords`` messages are read, once ``maxDuration`` has passed, or
        when a poll finds the queue empty, as Kestra's consumer does.
        """
        if self.max_records is None and self.max_duration is None:
            raise TaskFailure("'maxDuration' or 'maxRecords' must be set to avoid an infinite loop")
        limit = env.optional(self.max_records, int)
        duration = env.optional(self.max_duration, timedelta)
        serde = env.value(self.serde_type, SerdeType)
        delete = env.value(self.auto_delete, bool)
        visibility = env.value(self.visibility_timeout, int)
        queue = env.value(self.queue_url, str)
        aws = self.aws(env)
        client = aws.client("sqs")
        deadline = time.monotonic() + duration.total_seconds() if duration else None
        count = 0
        handle, name = tempfile.mkstemp(suffix=".ion")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                while True:
                    wanted = 10 if limit is None else max(1, min(10, limit - count))
                    with aws.errors(f"Unable to receive messages from '{queue}'"):
                        answer = client.receive_message(
                            QueueUrl=queue,
                            MaxNumberOfMessages=wanted,
                            WaitTimeSeconds=1,
                            VisibilityTimeout=visibility,
                        )
                    messages = answer.get("Messages") or []
                    for message in messages:
                        out.write(dumps(_row(message.get("Body", ""), serde)) + "\n")
                    count += len(messages)
                    if delete and messages:
                        _delete(aws, client, queue, messages)
                    if limit is not None and count >= limit:
                        break
                    if deadline is not None and time.monotonic() >= deadline:
                        break
                    if not messages or (stopped is not None and stopped()):
                        break
            env.metric("sqs.consume.messages", count)
            with open(name, "rb") as data:
                uri = env.put("messages.ion", data)
        finally:
            os.unlink(name)
        return {"uri": uri, "count": count}


def _row(body: str, serde: SerdeType) -> Any:
    if serde is SerdeType.STRING:
        return body
    try:
        return json.loads(body)
    except json.JSONDecodeError as exc:
        raise TaskFailure(f"A message is not valid JSON ({exc}): {body[:200]}") from None


def _delete(aws: Any, client: Any, queue: str, messages: list[dict[str, Any]]) -> None:
    entries = [
        {"Id": str(i), "ReceiptHandle": message["ReceiptHandle"]}
        for i, message in enumerate(messages)
    ]
    with aws.errors(f"Unable to delete messages from '{queue}'"):
        answer = client.delete_message_batch(QueueUrl=queue, Entries=entries)
    failed = answer.get("Failed") or []
    if failed:
        details = ", ".join(f"id={f.get('Id')} code={f.get('Code')}" for f in failed)
        raise TaskFailure(f"SQS batch delete had {len(failed)} failure(s): {details}")
