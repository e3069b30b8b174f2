"""``io.kestra.plugin.aws.sqs.Publish``: send messages to a queue."""

import json
from collections.abc import Iterator
from typing import Any

from pydantic import Field

from tiercel.plugins.aws.sqs.common import SqsQueue
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, plugin
from tiercel.sdk.ion import loads

_BATCH = 10  # the most messages one SendMessageBatch request takes


@plugin("io.kestra.plugin.aws.sqs.Publish")
class Publish(SqsQueue, RunnableTask):
    """Send messages to an SQS queue: one message, a list, or an ION file of them."""

    from_: Property[Any] = Field(
        alias="from",
        description="A message (`data`, `groupId`, `deduplicationId`, `delaySeconds`), a "
        "list of them, or the `kestra://` URI of an ION file of them.",
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``messagesCount``: how many messages were sent."""
        env = Env.of_task(ctx)
        aws = self.aws(env)
        queue = env.value(self.queue_url, str)
        client = aws.client("sqs")
        total = 0
        batch: list[dict[str, Any]] = []
        for message in _messages(env, ctx.render(self.from_)):
            batch.append({"Id": str(len(batch)), **_entry(message)})
            if len(batch) == _BATCH:
                total += _send(aws, client, queue, batch)
                batch = []
        if batch:
            total += _send(aws, client, queue, batch)
        ctx.metric("sqs.publish.messages", total)
        return {"messagesCount": total}


def _messages(env: Env, source: Any) -> Iterator[dict[str, Any]]:
    """The messages of ``from``, read row by row when it is a file."""
    if isinstance(source, str) and source.startswith("kestra://"):
        with env.open(source) as data:
            for line in data:
                text = line.decode("utf-8").strip()
                if text:
                    yield _message(loads(text))
        return
    if isinstance(source, list):
        for item in source:
            yield _message(item)
        return
    yield _message(source)


def _message(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or "data" not in value:
        raise TaskFailure(f"A message must be a map with 'data', got: {json.dumps(value)[:200]}")
    return value


def _entry(message: dict[str, Any]) -> dict[str, Any]:
    data = message["data"]
    entry: dict[str, Any] = {
        "MessageBody": data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    }
    if message.get("groupId") is not None:
        entry["MessageGroupId"] = str(message["groupId"])
    if message.get("deduplicationId") is not None:
        entry["MessageDeduplicationId"] = str(message["deduplicationId"])
    if message.get("delaySeconds") is not None:
        entry["DelaySeconds"] = int(message["delaySeconds"])
    return entry


def _send(aws: Any, client: Any, queue: str, batch: list[dict[str, Any]]) -> int:
    with aws.errors(f"Unable to send messages to '{queue}'"):
        answer = client.send_message_batch(QueueUrl=queue, Entries=batch)
    failed = answer.get("Failed") or []
    if failed:
        details = ", ".join(
            f"entry[{f.get('Id')}] code={f.get('Code')} message={f.get('Message')}" for f in failed
        )
        raise TaskFailure(f"SQS batch had {len(failed)} failure(s): {details}")
    return len(answer.get("Successful") or [])
