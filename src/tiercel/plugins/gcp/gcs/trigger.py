"""``io.kestra.plugin.gcp.gcs.Trigger``: poll a prefix and start an execution for the blobs
created or updated since the last poll."""

from datetime import timedelta
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.memory import Action, StatefulProperties
from tiercel.plugins.gcp.gcs.common import (
    Filter,
    GcsMaxFiles,
    apply_action,
    blob_object,
    download,
    gs_uri,
)
from tiercel.sdk import (
    Duration,
    Emission,
    PollingTrigger,
    Property,
    Text,
    TriggerContext,
    plugin,
)


@plugin("io.kestra.plugin.gcp.gcs.Trigger")
class Trigger(GcsMaxFiles, StatefulProperties, PollingTrigger):
    """Poll a Cloud Storage prefix; fire for blobs created or updated, then MOVE or DELETE
    them."""

    interval: Duration = Field(default=timedelta(seconds=60), description="Time between polls.")
    action: Property[Action] = Field(
        default=Action.NONE, description="MOVE or DELETE the blobs once downloaded, or NONE."
    )
    move_directory: Text | None = Field(
        default=None, description="Where MOVE puts the blobs: `gs://bucket/dir`."
    )

    def evaluate(self, ctx: TriggerContext) -> list[Emission]:
        """One emission with ``blobs`` (each blob, the ``uri`` of its copy in internal
        storage and its ``changeType``) when blobs are new or changed."""
        env = Env.of_trigger(ctx)
        gcp = self.gcp(env)
        client = gcp.storage()
        blobs = self.limited(env, gcp, client, Filter.FILES)
        if not blobs:
            return []
        memory, changed = self.changes(
            ctx,
            env,
            self.id,
            blobs,
            lambda blob: (
                gs_uri(blob.bucket.name, blob.name),
                f"{blob.generation}:{blob.metageneration}",
            ),
        )
        fired: list[dict[str, Any]] = []
        acted: list[Any] = []
        for blob, change in changed:
            stored = download(env, gcp, client, blob.bucket.name, blob.name)
            fired.append({**blob_object(blob), "uri": stored, "changeType": change})
            acted.append(blob)
        action = env.value(self.action, Action)
        if acted and action is not Action.NONE:
            apply_action(
                env, gcp, client, acted, action.value, env.optional(self.move_directory, str)
            )
            memory.forget(gs_uri(blob.bucket.name, blob.name) for blob in acted)
        memory.save()
        if not fired:
            return []
        return [Emission(variables={"blobs": fired})]
