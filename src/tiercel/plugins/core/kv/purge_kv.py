"""``io.kestra.plugin.core.kv.PurgeKV``: delete keys across namespaces."""

from typing import Annotated, Literal

from pydantic import Field

from tiercel.sdk import KestraModel, Property, RunnableTask, Text, plugin


class KeyBehavior(KestraModel):
    """Purge keys, or only those whose TTL has passed."""

    type: Literal["key"]
    expired_only: bool = True


class VersionBehavior(KestraModel):
    """Purge old versions of keys."""

    type: Literal["version"]
    before: str | None = Field(default=None, description="Purge versions older than this date.")
    keep_amount: int | None = Field(default=None, description="Keep this many recent versions.")


PurgeBehavior = Annotated[KeyBehavior | VersionBehavior, Field(discriminator="type")]


@plugin("io.kestra.plugin.core.kv.PurgeKV")
class PurgeKV(RunnableTask):
    """Delete keys (by default only expired ones) from some or all namespaces."""

    key_pattern: Text | None = Field(default=None, description="A glob such as `AI_*`.")
    namespaces: Property[list[str]] | None = Field(
        default=None, description="Every namespace when unset; exclusive with the pattern."
    )
    namespace_pattern: Text | None = Field(default=None, description="A glob over namespaces.")
    behavior: Property[PurgeBehavior] = Field(
        default_factory=lambda: KeyBehavior(type="key"),
        description="Expired keys only when unset.",
    )
    include_child_namespaces: Property[bool] = True
    expired_only: Property[bool] | None = Field(
        default=None, description="Deprecated: overrides `behavior` when set."
    )
