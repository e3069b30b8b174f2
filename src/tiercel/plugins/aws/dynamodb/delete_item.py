"""``io.kestra.plugin.aws.dynamodb.DeleteItem``: delete one item by its key."""

from typing import Any

from pydantic import Field

from tiercel.plugins.aws.dynamodb.common import DynamoTable, to_item
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import Property, RunContext, RunnableTask, plugin


@plugin("io.kestra.plugin.aws.dynamodb.DeleteItem")
class DeleteItem(DynamoTable, RunnableTask):
    """Delete an item of a DynamoDB table by its key."""

    key: Property[dict[str, Any]] = Field(description="The item's key attributes.")

    def run(self, ctx: RunContext) -> None:
        """No outputs."""
        env = Env.of_task(ctx)
        aws = self.aws(env)
        table = env.value(self.table_name, str)
        key = to_item(env.value(self.key, dict[str, Any]))
        client = aws.client("dynamodb")
        with aws.errors(f"Unable to delete an item from '{table}'"):
            client.delete_item(TableName=table, Key=key)
