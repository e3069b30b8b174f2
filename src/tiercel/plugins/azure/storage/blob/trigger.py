"""``io.kestra.plugin.azure.storage.blob.Trigger``: poll a container and start an execution
for the blobs created or updated since the last poll."""

from datetime import timedelta
from typing import Any

from pydantic import Field

from tiercel.plugins.azure.storage.blob.common import (
    BlobMaxFiles,
    CopyObject,
    apply_action,
    download,
)
from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.memory import Action, StatefulProperties
from tiercel.sdk import (
    Duration,
    Emission,
    PollingTrigger,
    Property,
    TriggerContext,
    plugin,
)


@plugin("io.kestra.plugin.azure.storage.blob.Trigger")
class Trigger(BlobMaxFiles, StatefulProperties, PollingTrigger):
    """Poll an Azure Storage container; fire for blobs created or updated, then MOVE or
    DELETE them."""

    interval: Duration = Field(default=timedelta(seconds=60), description="Time between polls.")
    action: Property[Action] = Field(
        default=Action.NONE, description="MOVE or DELETE the blobs once downloaded, or NONE."
    )
    move_to: CopyObject | None = Field(
        default=None, description="The container and name prefix MOVE moves to."
    )

    def evaluate(self, ctx: TriggerContext) -> list[Emission]:
        """One emission with ``blobs`` (each blob, the ``uri`` of its copy in internal
        storage and its ``changeType``) when blobs are new or changed."""
        env = Env.of_trigger(ctx)
        azure = self.azure(env)
        service = azure.blob_service()
        listed = self.limited(env, azure, service)
        if not listed:
            return []
        memory, changed = self.changes(
            ctx,
            env,
            self.id,
            listed,
            lambda blob: (
                f"az://{blob['container']}/{blob['name']}",
                str(blob.get("eTag") or blob.get("lastModified")),
            ),
        )
        fired: list[dict[str, Any]] = []
        acted: list[dict[str, Any]] = []
        for blob, change in changed:
            stored = download(env, azure, service, blob["container"], blob["name"])
            fired.append({**stored, "changeType": change})
            acted.append(blob)
        action = env.value(self.action, Action)
        if acted and action is not Action.NONE:
            apply_action(env, azure, service, acted, action, self.move_to)
            memory.forget(f"az://{blob['container']}/{blob['name']}" for blob in acted)
        memory.save()
        if not fired:
            return []
        return [Emission(variables={"blobs": fired})]
