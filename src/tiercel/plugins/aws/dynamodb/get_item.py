"""``io.kestra.plugin.aws.dynamodb.GetItem``: read one item by its key."""

from typing import Any

from pydantic import Field

from tiercel.plugins.aws.dynamodb.common import DynamoTable, from_item, to_item
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import Property, RunContext, RunnableTask, plugin


@plugin("io.kestra.plugin.aws.dynamodb.GetItem")
class GetItem(DynamoTable, RunnableTask):
    """Get an item of a DynamoDB table by its key."""

    key: Property[dict[str, Any]] = Field(description="The item's key attributes.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``row``: the item's attributes (empty when there is no such item)."""
        env = Env.of_task(ctx)
        aws = self.aws(env)
        table = env.value(self.table_name, str)
        key = to_item(env.value(self.key, dict[str, Any]))
        client = aws.client("dynamodb")
        with aws.errors(f"Unable to get an item from '{table}'"):
            answer = client.get_item(TableName=table, Key=key)
        return {"row": from_item(answer.get("Item") or {})}
