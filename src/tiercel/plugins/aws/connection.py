"""The connection properties every AWS task and trigger shares, and the boto3 clients they
build: static keys, a session token, an assumed STS role, or boto3's default credential chain
(environment, shared files, instance metadata), as Kestra's ``AbstractConnection`` does."""

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.errors import failure
from tiercel.plugins.cloud.sdk import load
from tiercel.sdk import Duration, KestraModel, Property, TaskFailure, Text

STS_MIN_DURATION = timedelta(seconds=900)


class AwsConnection(KestraModel):
    """Kestra's AWS connection properties."""

    region: Text | None = Field(
        default=None, description="AWS region with which the SDK should communicate."
    )
    endpoint_override: Text | None = Field(
        default=None,
        description="The endpoint with which the SDK should communicate (an S3-compatible "
        "server, an emulator).",
    )
    access_key_id: Text | None = Field(
        default=None,
        description="Access Key Id; without keys, the default credential chain is used.",
        json_schema_extra={"secret": True},
    )
    secret_key_id: Text | None = Field(
        default=None,
        description="Secret Key Id; without keys, the default credential chain is used.",
        json_schema_extra={"secret": True},
    )
    session_token: Text | None = Field(
        default=None,
        description="A session token for temporary credentials.",
        json_schema_extra={"secret": True},
    )
    sts_role_arn: Text | None = Field(default=None, description="An IAM role to assume.")
    sts_role_external_id: Text | None = Field(
        default=None, description="The external id required to assume the role, if any."
    )
    sts_role_session_name: Text | None = Field(
        default=None, description="The name of the assumed role's session."
    )
    sts_endpoint_override: Text | None = Field(
        default=None, description="The STS endpoint to assume the role with."
    )
    sts_role_session_duration: Property[Duration] = Field(
        default=STS_MIN_DURATION, description="How long the assumed role's session lasts."
    )
    compatibility_mode: Property[bool] = Field(
        default=False,
        description="Accepted for Kestra compatibility: boto3 needs no special client for "
        "S3-compatible services.",
    )
    force_path_style: Property[bool] = Field(
        default=False,
        description="Address buckets as `endpoint/bucket` instead of `bucket.endpoint`.",
    )

    def aws(self, env: Env) -> "AwsClients":
        """The rendered connection, ready to build clients."""
        duration = env.value(self.sts_role_session_duration, timedelta)
        return AwsClients(
            region=env.optional(self.region, str),
            endpoint=_endpoint(env.optional(self.endpoint_override, str)),
            access_key_id=env.optional(self.access_key_id, str),
            secret_key_id=env.optional(self.secret_key_id, str),
            session_token=env.optional(self.session_token, str),
            role_arn=env.optional(self.sts_role_arn, str),
            role_external_id=env.optional(self.sts_role_external_id, str),
            role_session_name=env.optional(self.sts_role_session_name, str),
            sts_endpoint=_endpoint(env.optional(self.sts_endpoint_override, str)),
            role_duration=max(duration, STS_MIN_DURATION),
            path_style=env.value(self.force_path_style, bool),
        )


def _endpoint(url: str | None) -> str | None:
    """An endpoint override, refused when it points at the link-local range, where cloud
    instance-metadata services live: a flow must not read the host's credentials."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    host = urlsplit(url).hostname
    if host is None:
        raise TaskFailure(f"Invalid endpoint override '{url}': it has no host")
    try:
        address = ipaddress.ip_address(socket.gethostbyname(host))
    except (OSError, ValueError):
        return url  # unresolvable: the SDK reports the connection error
    if address.is_link_local:
        raise TaskFailure(
            f"Endpoint override '{url}' resolves to a link-local address (169.254.0.0/16), "
            "which is used by cloud instance-metadata services and is not allowed"
        )
    return url


@dataclass(frozen=True, slots=True)
class AwsClients:
    """A rendered connection: builds boto3 clients and turns their errors into one line."""

    region: str | None
    endpoint: str | None
    access_key_id: str | None = field(repr=False)
    secret_key_id: str | None = field(repr=False)
    session_token: str | None = field(repr=False)
    role_arn: str | None
    role_external_id: str | None
    role_session_name: str | None
    sts_endpoint: str | None
    role_duration: timedelta
    path_style: bool

    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` (``s3``, ``sqs``, ``dynamodb``)."""
        load("boto3", "aws")
        with self.errors(f"Unable to create the {service} client"):
            session = self._session()
            return session.client(service, endpoint_url=self.endpoint, config=self._config())

    def _session(self) -> Any:
        boto3 = load("boto3", "aws")
        if self.access_key_id and self.secret_key_id:
            session = boto3.session.Session(
                aws_access_key_id=self.access_key_id,
                aws_secret_access_key=self.secret_key_id,
                aws_session_token=self.session_token or None,
                region_name=self.region,
            )
        else:
            session = boto3.session.Session(region_name=self.region)
        if not self.role_arn:
            return session
        request: dict[str, Any] = {
            "RoleArn": self.role_arn,
            "RoleSessionName": self.role_session_name or "kestra-plugin-aws",
            "DurationSeconds": int(self.role_duration.total_seconds()),
        }
        if self.role_external_id:
            request["ExternalId"] = self.role_external_id
        sts = session.client("sts", endpoint_url=self.sts_endpoint, config=self._config())
        credentials = sts.assume_role(**request)["Credentials"]
        return boto3.session.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=self.region,
        )

    def _config(self) -> Any:
        config = load("botocore.config", "aws")
        return config.Config(
            connect_timeout=10,
            # Completing a multipart upload of a large object may take minutes (AWS says so;
            # S3 keeps the connection alive meanwhile, S3-compatible servers may not).
            read_timeout=300,
            retries={"max_attempts": 3, "mode": "standard"},
            s3={"addressing_style": "path" if self.path_style else "auto"},
            max_pool_connections=50,
        )

    def secrets(self) -> tuple[str | None, ...]:
        """The values never to show."""
        return (self.access_key_id, self.secret_key_id, self.session_token)

    @contextmanager
    def errors(self, action: str) -> Iterator[None]:
        """Turn a boto3 or botocore error inside the block into a one-line ``TaskFailure``."""
        exceptions = load("botocore.exceptions", "aws")
        boto_exceptions = load("boto3.exceptions", "aws")
        try:
            yield
        except (
            exceptions.BotoCoreError,
            exceptions.ClientError,
            boto_exceptions.Boto3Error,
        ) as exc:
            raise failure(action, exc, self.secrets()) from None


def error_code(exc: BaseException) -> str | None:
    """The AWS error code of a botocore ``ClientError`` (``NoSuchKey``...), if it is one."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code is not None else None
    return None
