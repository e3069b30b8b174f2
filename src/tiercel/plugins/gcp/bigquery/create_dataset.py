"""``io.kestra.plugin.gcp.bigquery.CreateDataset``: create a dataset, or update or skip it."""

from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.sources import present
from tiercel.plugins.gcp.bigquery.common import BigQueryConnection
from tiercel.sdk import LogLevel, Property, RunContext, RunnableTask, TaskFailure, Text, plugin


class IfExists(StrEnum):
    """What to do when the dataset exists."""

    ERROR = "ERROR"
    UPDATE = "UPDATE"
    SKIP = "SKIP"


@plugin("io.kestra.plugin.gcp.bigquery.CreateDataset")
class CreateDataset(BigQueryConnection, RunnableTask):
    """Create a BigQuery dataset."""

    name: Text = Field(description="The dataset's id.")
    description: Text | None = Field(default=None, description="A description of the dataset.")
    friendly_name: Text | None = Field(default=None, description="A user-friendly name.")
    labels: Property[dict[str, str]] | None = Field(default=None, description="Its labels.")
    default_table_lifetime: Property[int] | None = Field(
        default=None, description="The default lifetime of its tables, in milliseconds."
    )
    if_exists: Property[IfExists] = Field(
        default=IfExists.ERROR, description="ERROR, UPDATE or SKIP when the dataset exists."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``dataset``, ``project``, ``friendlyName``, ``description`` and ``location``."""
        env = Env.of_task(ctx)
        bq = self.bigquery(env)
        name = env.value(self.name, str)
        wanted = bq.module.Dataset(bq.dataset_id(name, env.optional(self.project_id, str)))
        location = env.optional(self.location, str)
        if location is not None:
            wanted.location = location
        changed = self._describe(env, wanted)
        with bq.errors(f"Unable to create the dataset '{name}'"):
            try:
                dataset = bq.client.create_dataset(wanted)
            except bq.api.Conflict as exc:
                policy = env.value(self.if_exists, IfExists)
                if policy is IfExists.ERROR:
                    raise TaskFailure(
                        f"Dataset '{name}' already exists and ifExists policy is set to ERROR"
                    ) from exc
                dataset = bq.client.get_dataset(wanted.reference)
                if policy is IfExists.UPDATE and changed:
                    self._describe(env, dataset)
                    dataset = bq.client.update_dataset(dataset, changed)
                else:
                    env.log(LogLevel.DEBUG, f"Dataset '{name}' already exists, skipping")
        return present(
            {
                "dataset": dataset.dataset_id,
                "project": dataset.project,
                "friendlyName": dataset.friendly_name,
                "description": dataset.description,
                "location": dataset.location,
            }
        )

    def _describe(self, env: Env, dataset: Any) -> list[str]:
        """Set the described fields on ``dataset``; return their API names."""
        fields = {
            "description": env.optional(self.description, str),
            "friendly_name": env.optional(self.friendly_name, str),
            "labels": env.optional(self.labels, dict[str, str]),
            "default_table_expiration_ms": env.optional(self.default_table_lifetime, int),
        }
        for field, value in fields.items():
            if value is not None:
                setattr(dataset, field, value)
        return [field for field, value in fields.items() if value is not None]
