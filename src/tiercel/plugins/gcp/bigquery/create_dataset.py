"""``io.kestra.plugin.gcp.bigquery.CreateDataset``: create a dataset, or update or skip it."""

from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.sources import present
from tiercel.plugins.gcp.bigquery.common import BigQueryConnection, EncryptionConfiguration
from tiercel.sdk import (
    KestraModel,
    LogLevel,
    Property,
    RunContext,
    RunnableTask,
    TaskFailure,
    Text,
    plugin,
)


class IfExists(StrEnum):
    """What to do when the dataset exists."""

    ERROR = "ERROR"
    UPDATE = "UPDATE"
    SKIP = "SKIP"


class EntityType(StrEnum):
    """Who an access control names."""

    DOMAIN = "DOMAIN"
    GROUP = "GROUP"
    USER = "USER"
    IAM_MEMBER = "IAM_MEMBER"


class Role(StrEnum):
    """What an access control grants."""

    READER = "READER"
    WRITER = "WRITER"
    OWNER = "OWNER"


_ENTITY_TYPES = {
    EntityType.DOMAIN: "domain",
    EntityType.GROUP: "groupByEmail",
    EntityType.USER: "userByEmail",
    EntityType.IAM_MEMBER: "iamMember",
}
"""Kestra's entity types as the BigQuery API names them."""


class Entity(KestraModel):
    """A user, a group, a domain or an IAM member."""

    type: Property[EntityType] = Field(description="USER, GROUP, DOMAIN or IAM_MEMBER.")
    value: Text = Field(description="The e-mail address, the domain or the IAM member.")


class AccessControl(KestraModel):
    """One entry of a dataset's access list."""

    entity: Entity = Field(description="Who is granted the role.")
    role: Property[Role] = Field(description="READER, WRITER or OWNER.")


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
    acl: list[AccessControl] | None = Field(
        default=None, description="Who may read, write or own the dataset."
    )
    default_encryption_configuration: EncryptionConfiguration | None = Field(
        default=None, description="The Cloud KMS key of the dataset's new tables."
    )
    default_partition_expiration_ms: Property[int] | None = Field(
        default=None, description="The default lifetime of its tables' partitions."
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
        changed = self._describe(env, wanted, bq.module)
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
                    self._describe(env, dataset, bq.module)
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

    def _describe(self, env: Env, dataset: Any, module: Any) -> list[str]:
        """Set the described fields on ``dataset``; return their API names."""
        fields = {
            "description": env.optional(self.description, str),
            "friendly_name": env.optional(self.friendly_name, str),
            "labels": env.optional(self.labels, dict[str, str]),
            "default_table_expiration_ms": env.optional(self.default_table_lifetime, int),
            "default_partition_expiration_ms": env.optional(
                self.default_partition_expiration_ms, int
            ),
            "default_encryption_configuration": None
            if self.default_encryption_configuration is None
            else self.default_encryption_configuration.to_sdk(env, module),
            "access_entries": None
            if self.acl is None
            else [
                module.AccessEntry(
                    env.value(entry.role, Role).value,
                    _ENTITY_TYPES[env.value(entry.entity.type, EntityType)],
                    env.value(entry.entity.value, str),
                )
                for entry in self.acl
            ],
        }
        for field, value in fields.items():
            if value is not None:
                setattr(dataset, field, value)
        return [field for field, value in fields.items() if value is not None]
