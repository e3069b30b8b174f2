"""``io.kestra.plugin.aws.sqs.Trigger``: start an execution when messages are in a queue."""

from datetime import timedelta

from pydantic import Field

from tiercel.plugins.aws.sqs.common import SqsConsumer
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import Duration, Emission, LogLevel, PollingTrigger, TriggerContext, plugin


@plugin("io.kestra.plugin.aws.sqs.Trigger")
class Trigger(SqsConsumer, PollingTrigger):
    """Poll an SQS queue; consume the messages waiting and start one execution with them."""

    interval: Duration = Field(default=timedelta(seconds=60), description="Time between polls.")

    def evaluate(self, ctx: TriggerContext) -> list[Emission]:
        """One emission with ``uri`` (an ION file of the messages) and ``count`` when the
        queue had messages."""
        outputs = self.consume(Env.of_trigger(ctx))
        ctx.log(LogLevel.DEBUG, f"Consumed '{outputs['count']}' messages.")
        if not outputs["count"]:
            return []
        return [Emission(variables=outputs)]
