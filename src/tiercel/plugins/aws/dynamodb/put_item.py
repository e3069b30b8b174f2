"""``io.kestra.plugin.aws.dynamodb.PutItem``: write an item."""

import json
from typing import Any

from pydantic import Field

from tiercel.plugins.aws.dynamodb.common import DynamoTable, to_item
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, plugin


@plugin("io.kestra.plugin.aws.dynamodb.PutItem")
class PutItem(DynamoTable, RunnableTask):
    """Put an item into a DynamoDB table, replacing any item with the same key."""

    item: Property[Any] = Field(description="The item: a map, or a JSON object as a string.")

    def run(self, ctx: RunContext) -> None:
        """No outputs."""
        env = Env.of_task(ctx)
        aws = self.aws(env)
        table = env.value(self.table_name, str)
        fields = ctx.render(self.item)
        if isinstance(fields, str):
            try:
                fields = json.loads(fields)
            except json.JSONDecodeError as exc:
                raise TaskFailure(f"'item' is not a JSON object: {exc}") from None
        if not isinstance(fields, dict):
            raise TaskFailure("'item' must be a map or a JSON object")
        client = aws.client("dynamodb")
        with aws.errors(f"Unable to put an item into '{table}'"):
            client.put_item(TableName=table, Item=to_item(fields))
