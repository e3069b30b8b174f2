"""``io.kestra.plugin.aws.sqs.Consume``: read messages from a queue into internal storage."""

from typing import Any

from tiercel.plugins.aws.sqs.common import SqsConsumer
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import RunContext, RunnableTask, plugin


@plugin("io.kestra.plugin.aws.sqs.Consume")
class Consume(SqsConsumer, RunnableTask):
    """Consume messages from an SQS queue into an ION file, one message per row."""

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri`` (the ION file) and ``count`` (the messages read)."""
        return self.consume(Env.of_task(ctx), ctx.killed.is_set)
