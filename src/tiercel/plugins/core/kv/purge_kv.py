"""``io.kestra.plugin.core.kv.PurgeKV``: delete keys across namespaces."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter, ValidationError, model_validator

from tiercel.sdk import (
    KestraModel,
    Output,
    Property,
    RunContext,
    RunnableTask,
    TaskFailure,
    Text,
    Violation,
    is_truthy,
    plugin,
)

_BOTH_VERSION_FILTERS = "Cannot set both 'before' and 'keepAmount' properties"
_BOTH_NAMESPACE_FILTERS = (
    "Properties `namespaces` and `namespacePattern` can't be used at the same time — use one "
    "or the other."
)


class KeyBehavior(KestraModel):
    """Purge keys, or only those whose TTL has passed."""

    type: Literal["key"]
    expired_only: bool = True


class VersionBehavior(KestraModel):
    """Purge old versions of keys."""

    type: Literal["version"]
    before: str | None = Field(default=None, description="Purge versions older than this date.")
    keep_amount: int | None = Field(default=None, description="Keep this many recent versions.")

    @model_validator(mode="after")
    def _one_filter(self) -> "VersionBehavior":
        if self.before is not None and self.keep_amount is not None:
            raise ValueError(_BOTH_VERSION_FILTERS)
        return self


PurgeBehavior = Annotated[KeyBehavior | VersionBehavior, Field(discriminator="type")]
_BEHAVIOR: TypeAdapter[KeyBehavior | VersionBehavior] = TypeAdapter(PurgeBehavior)


class PurgeKVOutput(Output):
    """What ``PurgeKV`` outputs."""

    size: int = Field(description="How many keys were deleted.")


@plugin("io.kestra.plugin.core.kv.PurgeKV")
class PurgeKV(RunnableTask[PurgeKVOutput]):
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

    def violations(self) -> list[Violation]:
        """Refuse both a namespace list and a namespace pattern, as Kestra does."""
        if self.namespaces and self.namespace_pattern:
            return [Violation(("namespacePattern",), _BOTH_NAMESPACE_FILTERS)]
        return []

    def run(self, ctx: RunContext) -> PurgeKVOutput:
        """``size``: how many keys were deleted."""
        namespaces = [str(n) for n in ctx.render(self.namespaces or [])]
        pattern = str(ctx.render(self.namespace_pattern) or "").strip() or None
        if namespaces and pattern:
            raise TaskFailure(_BOTH_NAMESPACE_FILTERS)
        key_pattern = str(ctx.render(self.key_pattern) or "").strip() or None
        expired_only = self._expired_only(ctx)
        if expired_only is None:
            # Versions: Tiercel keeps one version per key, the last, which a `before` date
            # or a `keepAmount` of one or more never purges (as Kestra never does).
            ctx.logger.info("purged 0 keys: every key has only its last version")
            return PurgeKVOutput(size=0)
        where = ", ".join(namespaces) if namespaces else pattern or "every namespace"
        ctx.logger.info(f"purging {'expired ' if expired_only else ''}keys of {where}")
        size = ctx.kv_stores().purge(
            namespaces=namespaces or None,
            namespace_pattern=pattern,
            include_child_namespaces=is_truthy(ctx.render(self.include_child_namespaces)),
            key_pattern=key_pattern,
            expired_only=expired_only,
        )
        ctx.logger.info(f"purged {size} keys")
        return PurgeKVOutput(size=size)

    def _expired_only(self, ctx: RunContext) -> bool | None:
        """Whether only expired keys go; None when the behavior purges nothing here."""
        if self.expired_only is not None:
            return is_truthy(ctx.render(self.expired_only))
        rendered = ctx.render(self.behavior)
        try:
            behavior = (
                rendered if isinstance(rendered, BaseModel) else _BEHAVIOR.validate_python(rendered)
            )
        except ValidationError as exc:
            reasons = "; ".join(e["msg"] for e in exc.errors(include_url=False))
            raise TaskFailure(f"Invalid behavior {rendered!r}: {reasons}") from None
        if isinstance(behavior, KeyBehavior):
            return behavior.expired_only
        assert isinstance(behavior, VersionBehavior)
        if behavior.before is not None or (behavior.keep_amount or 0) > 0:
            return None
        return False  # every version of every matching key, the last one included
