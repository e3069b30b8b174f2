"""``io.kestra.plugin.aws.dynamodb.Query``: the items of a key condition."""

from typing import Any

from pydantic import Field

from tiercel.plugins.aws.dynamodb.common import DynamoFetch
from tiercel.plugins.aws.dynamodb.pages import items
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import RunContext, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.aws.dynamodb.Query")
class Query(DynamoFetch, RunnableTask):
    """Query a DynamoDB table with a key condition."""

    key_condition_expression: Text = Field(description="The key condition, e.g. `id = :id`.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``rows``, ``row`` or ``uri`` depending on ``fetchType``, and ``size``."""
        env = Env.of_task(ctx)
        aws = self.aws(env)
        table = env.value(self.table_name, str)
        request: dict[str, Any] = {
            "TableName": table,
            "KeyConditionExpression": env.value(self.key_condition_expression, str),
        }
        values = self.attribute_values(env)
        if values:
            request["ExpressionAttributeValues"] = values
        condition = env.optional(self.filter_expression, str)
        if condition is not None:
            request["FilterExpression"] = condition
        limit = env.optional(self.limit, int)
        client = aws.client("dynamodb")
        with aws.errors(f"Unable to query '{table}'"):
            outputs = self.fetch(env, items(client.query, request, limit))
        ctx.metric("records", outputs["size"])
        return outputs
