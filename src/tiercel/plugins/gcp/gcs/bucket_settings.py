"""The settings of a bucket ``CreateBucket`` may set, as Kestra's ``AbstractBucket`` names
them (not a plugin)."""

from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.sdk import KestraModel, Property, Text


class HttpMethod(StrEnum):
    """A method a CORS rule allows."""

    GET = "GET"
    HEAD = "HEAD"
    PUT = "PUT"
    POST = "POST"
    DELETE = "DELETE"
    OPTIONS = "OPTIONS"


class Origin(KestraModel):
    """An origin a CORS rule allows (`*` for any)."""

    value: str = Field(description="The origin, `https://example.com` or `*`.")


class Cors(KestraModel):
    """One CORS rule of the bucket."""

    max_age_seconds: int | None = Field(
        default=None, description="How long browsers may cache the preflight answer."
    )
    methods: list[HttpMethod] | None = Field(default=None, description="The allowed methods.")
    origins: list[Origin] | None = Field(default=None, description="The allowed origins.")
    response_headers: list[str] | None = Field(
        default=None, description="The headers browsers may read."
    )

    def api(self) -> dict[str, Any]:
        """The rule as the JSON API writes it."""
        rule: dict[str, Any] = {}
        if self.max_age_seconds is not None:
            rule["maxAgeSeconds"] = self.max_age_seconds
        if self.methods is not None:
            rule["method"] = [method.value for method in self.methods]
        if self.origins is not None:
            rule["origin"] = [origin.value for origin in self.origins]
        if self.response_headers is not None:
            rule["responseHeader"] = list(self.response_headers)
        return rule


class LifecycleActionType(StrEnum):
    """What a lifecycle rule does."""

    DELETE = "DELETE"
    SET_STORAGE_CLASS = "SET_STORAGE_CLASS"


class LifecycleCondition(KestraModel):
    """When a lifecycle rule applies."""

    age: Property[int] = Field(description="The age of an object, in days.")


class LifecycleAction(KestraModel):
    """What a lifecycle rule does."""

    type: Property[LifecycleActionType] = Field(description="DELETE or SET_STORAGE_CLASS.")
    value: Text | None = Field(
        default=None, description="The storage class SET_STORAGE_CLASS moves objects to."
    )


class LifecycleRule(KestraModel):
    """One lifecycle rule: a condition and an action."""

    condition: LifecycleCondition = Field(description="When the rule applies.")
    action: LifecycleAction = Field(description="What it does.")


class EntityType(StrEnum):
    """Who an access control names."""

    DOMAIN = "DOMAIN"
    GROUP = "GROUP"
    USER = "USER"


class Role(StrEnum):
    """What an access control grants."""

    READER = "READER"
    WRITER = "WRITER"
    OWNER = "OWNER"


class Entity(KestraModel):
    """A user, a group or a domain."""

    type: Property[EntityType] = Field(description="USER, GROUP or DOMAIN.")
    value: Text = Field(description="The e-mail address or the domain.")


class AccessControl(KestraModel):
    """One entry of an access list."""

    entity: Entity = Field(description="Who is granted the role.")
    role: Property[Role] = Field(description="READER, WRITER or OWNER.")


class PublicAccessPrevention(StrEnum):
    """Whether the bucket may be made public."""

    ENFORCED = "ENFORCED"
    INHERITED = "INHERITED"
    UNSPECIFIED = "UNSPECIFIED"


class IamConfiguration(KestraModel):
    """The bucket's IAM settings."""

    uniform_bucket_level_access_enabled: bool | None = Field(
        default=None, description="Access by IAM only, no object ACLs."
    )
    public_access_prevention: PublicAccessPrevention | None = Field(
        default=None, description="ENFORCED keeps every object private."
    )


class Logging(KestraModel):
    """Where the bucket's access logs go."""

    log_bucket: str | None = Field(default=None, description="The bucket the logs go to.")
    log_object_prefix: str | None = Field(default=None, description="The logs' name prefix.")


_ENTITIES = {EntityType.USER: "user", EntityType.GROUP: "group", EntityType.DOMAIN: "domain"}


class BucketSettings(KestraModel):
    """What ``CreateBucket`` may set beyond the name, the location and the labels."""

    index_page: Text | None = Field(default=None, description="The website's main page.")
    not_found_page: Text | None = Field(default=None, description="The website's 404 page.")
    lifecycle_rules: list[LifecycleRule] | None = Field(
        default=None, description="Rules that delete or re-class objects by age."
    )
    cors: list[Cors] | None = Field(default=None, description="The bucket's CORS rules.")
    acl: list[AccessControl] | None = Field(default=None, description="The bucket's ACL.")
    default_acl: list[AccessControl] | None = Field(
        default=None, description="The ACL new objects get."
    )
    default_kms_key_name: Text | None = Field(
        default=None, description="The Cloud KMS key new objects are encrypted with."
    )
    default_event_based_hold: Property[bool] | None = Field(
        default=None, description="Put new objects under an event-based hold."
    )
    retention_period: Property[int] | None = Field(
        default=None, description="Keep objects at least this many seconds."
    )
    iam_configuration: IamConfiguration | None = Field(
        default=None, description="Uniform bucket-level access and public access prevention."
    )
    logging: Logging | None = Field(default=None, description="Where access logs go.")

    def apply_settings(self, env: Env, bucket: Any) -> None:
        """Set the settings on a bucket before it is created or patched."""
        index, missing = env.optional(self.index_page, str), env.optional(self.not_found_page, str)
        if index is not None or missing is not None:
            bucket.configure_website(main_page_suffix=index, not_found_page=missing)
        for rule in self.lifecycle_rules or []:
            age = env.value(rule.condition.age, int)
            if env.value(rule.action.type, LifecycleActionType) is LifecycleActionType.DELETE:
                bucket.add_lifecycle_delete_rule(age=age)
            else:
                target = env.value(rule.action.value, str)
                bucket.add_lifecycle_set_storage_class_rule(target, age=age)
        if self.cors is not None:
            bucket.cors = [rule.api() for rule in self.cors]
        key = env.optional(self.default_kms_key_name, str)
        if key is not None:
            bucket.default_kms_key_name = key
        if self.default_event_based_hold is not None:
            bucket.default_event_based_hold = env.value(self.default_event_based_hold, bool)
        if self.retention_period is not None:
            bucket.retention_period = env.value(self.retention_period, int)
        iam = self.iam_configuration
        if iam is not None and iam.uniform_bucket_level_access_enabled is not None:
            enabled = iam.uniform_bucket_level_access_enabled
            bucket.iam_configuration.uniform_bucket_level_access_enabled = enabled
        if iam is not None and iam.public_access_prevention is not None:
            prevention = iam.public_access_prevention.value.lower()
            bucket.iam_configuration.public_access_prevention = prevention
        if self.logging is not None and self.logging.log_bucket is not None:
            bucket.enable_logging(self.logging.log_bucket, self.logging.log_object_prefix)

    def acl_entries(self, env: Env, default: bool) -> list[dict[str, str]] | None:
        """The ``acl`` (or ``defaultAcl``) as the JSON API writes it, None when unset."""
        entries = self.default_acl if default else self.acl
        if entries is None:
            return None
        return [
            {
                "entity": f"{_ENTITIES[env.value(entry.entity.type, EntityType)]}-"
                f"{env.value(entry.entity.value, str)}",
                "role": env.value(entry.role, Role).value,
            }
            for entry in entries
        ]
