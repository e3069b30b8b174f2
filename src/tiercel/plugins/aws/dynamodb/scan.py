"""``io.kestra.plugin.aws.dynamodb.Scan``: every item of a table, optionally filtered."""

from typing import Any

from tiercel.plugins.aws.dynamodb.common import DynamoFetch
from tiercel.plugins.aws.dynamodb.pages import items
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import RunContext, RunnableTask, TaskFailure, plugin


@plugin("io.kestra.plugin.aws.dynamodb.Scan")
class Scan(DynamoFetch, RunnableTask):
    """Scan a DynamoDB table."""

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``rows``, ``row`` or ``uri`` depending on ``fetchType``, and ``size``."""
        env = Env.of_task(ctx)
        aws = self.aws(env)
        table = env.value(self.table_name, str)
        request: dict[str, Any] = {"TableName": table}
        condition = env.optional(self.filter_expression, str)
        if condition is not None:
            values = self.attribute_values(env)
            if not values:
                raise TaskFailure(
                    "'expressionAttributeValues' must be provided when 'filterExpression' is used"
                )
            request["FilterExpression"] = condition
            request["ExpressionAttributeValues"] = values
        limit = env.optional(self.limit, int)
        client = aws.client("dynamodb")
        with aws.errors(f"Unable to scan '{table}'"):
            outputs = self.fetch(env, items(client.scan, request, limit))
        ctx.metric("records", outputs["size"])
        return outputs
