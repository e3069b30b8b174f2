"""``io.kestra.plugin.aws.s3.Trigger``: poll a bucket and start an execution for the objects
created or updated since the last poll."""

from datetime import timedelta
from typing import Any

from pydantic import Field

from tiercel.plugins.aws.s3.common import CopyObject, apply_action
from tiercel.plugins.aws.s3.download import ObjectRequest, fetched
from tiercel.plugins.aws.s3.list_objects import S3MaxFiles
from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.memory import Action, StatefulProperties
from tiercel.sdk import Duration, Emission, PollingTrigger, Property, TriggerContext, plugin


@plugin("io.kestra.plugin.aws.s3.Trigger")
class Trigger(S3MaxFiles, ObjectRequest, StatefulProperties, PollingTrigger):
    """Poll an S3 bucket; fire for objects created or updated, then MOVE or DELETE them."""

    interval: Duration = Field(default=timedelta(seconds=60), description="Time between polls.")
    action: Property[Action] = Field(
        default=Action.NONE,
        description="MOVE or DELETE the objects once downloaded, or NONE (then the trigger "
        "remembers what it has seen, so an object fires once per version).",
    )
    move_to: CopyObject | None = Field(
        default=None, description="The bucket and key prefix the MOVE action moves to."
    )

    def evaluate(self, ctx: TriggerContext) -> list[Emission]:
        """One emission with ``objects`` (each listed object, the ``uri`` of its copy in
        internal storage and its ``changeType``) when objects are new or changed."""
        env = Env.of_trigger(ctx)
        aws = self.aws(env)
        bucket = env.value(self.bucket, str)
        client = aws.client("s3")
        objects = self.limited(env, self.list_objects(env, aws, client))
        if not objects:
            return []
        memory, changed = self.changes(
            ctx,
            env,
            self.id,
            objects,
            lambda item: (
                f"s3://{bucket}/{item['key']}",
                str(item.get("etag") or item.get("lastModified")),
            ),
        )
        fired: list[dict[str, Any]] = []
        for item, change in changed:
            info = fetched(env, aws, client, self.get_request(env, bucket, item["key"]))
            fired.append({**item, "uri": info["uri"], "changeType": change})
        action = env.value(self.action, Action)
        if fired and action is not Action.NONE:
            keys = [item["key"] for item in fired]
            apply_action(env, aws, client, bucket, keys, action.value, self.move_to)
            memory.forget(f"s3://{bucket}/{key}" for key in keys)
        memory.save()
        if not fired:
            return []
        return [Emission(variables={"objects": fired})]
