"""What the BigQuery tasks share: the client, table ids, and query results as Kestra's
``fetch``/``fetchOne``/``store`` outputs (not a plugin)."""

import base64
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.errors import failure
from tiercel.plugins.cloud.sdk import load
from tiercel.plugins.cloud.sources import present
from tiercel.plugins.gcp.bigquery.retry import AutoRetried
from tiercel.plugins.gcp.connection import GcpClients, GcpConnection
from tiercel.sdk import KestraModel, Property, TaskFailure, Text
from tiercel.sdk.ion import dumps


class FetchType(StrEnum):
    """How a query's rows come out."""

    STORE = "STORE"
    FETCH = "FETCH"
    FETCH_ONE = "FETCH_ONE"
    NONE = "NONE"


class WriteDisposition(StrEnum):
    """What a job does when its destination table has rows."""

    WRITE_TRUNCATE = "WRITE_TRUNCATE"
    WRITE_APPEND = "WRITE_APPEND"
    WRITE_EMPTY = "WRITE_EMPTY"


class CreateDisposition(StrEnum):
    """Whether a job may create its destination table."""

    CREATE_IF_NEEDED = "CREATE_IF_NEEDED"
    CREATE_NEVER = "CREATE_NEVER"


class TimePartitioningType(StrEnum):
    """The granularity of a table partitioned on a time column."""

    DAY = "DAY"
    HOUR = "HOUR"
    MONTH = "MONTH"
    YEAR = "YEAR"


class SchemaUpdateOption(StrEnum):
    """How a job that appends or truncates may change its destination's schema."""

    ALLOW_FIELD_ADDITION = "ALLOW_FIELD_ADDITION"
    ALLOW_FIELD_RELAXATION = "ALLOW_FIELD_RELAXATION"


class DestinationLayout(KestraModel):
    """What a job writing a table says about that table's layout (Kestra's ``clusteringFields``,
    ``schemaUpdateOptions`` and ``timePartitioning*``, shared by ``Query`` and the loads)."""

    clustering_fields: Property[list[str]] | None = Field(
        default=None, description="The clustering of the destination table."
    )
    schema_update_options: Property[list[SchemaUpdateOption]] | None = Field(
        default=None,
        description="ALLOW_FIELD_ADDITION and/or ALLOW_FIELD_RELAXATION, for jobs that append "
        "or truncate.",
    )
    time_partitioning_field: Text | None = Field(
        default=None, description="The column the destination table is partitioned on."
    )
    time_partitioning_type: Property[TimePartitioningType] = Field(
        default=TimePartitioningType.DAY,
        description="DAY, HOUR, MONTH or YEAR partitions (with `timePartitioningField`).",
    )

    def apply_layout(self, env: Env, module: Any, config: Any) -> None:
        """Set the layout on a query or load job's configuration."""
        if self.clustering_fields is not None:
            config.clustering_fields = env.value(self.clustering_fields, list[str])
        if self.schema_update_options is not None:
            options = env.value(self.schema_update_options, list[SchemaUpdateOption])
            config.schema_update_options = [option.value for option in options]
        partition = env.optional(self.time_partitioning_field, str)
        if partition is not None:
            kind = env.value(self.time_partitioning_type, TimePartitioningType)
            config.time_partitioning = module.TimePartitioning(type_=kind.value, field=partition)


class EncryptionConfiguration(KestraModel):
    """A customer-managed key (Cloud KMS) for the data at rest."""

    kms_key_name: Text | None = Field(
        default=None, description="The Cloud KMS key (`projects/.../cryptoKeys/...`)."
    )

    def to_sdk(self, env: Env, module: Any) -> Any:
        """The SDK's ``EncryptionConfiguration``."""
        return module.EncryptionConfiguration(kms_key_name=env.optional(self.kms_key_name, str))


class BigQueryConnection(GcpConnection, AutoRetried):
    """Kestra's ``AbstractBigquery``: the GCP connection and the location jobs run in."""

    location: Text | None = Field(
        default=None, description="The geographic location where the job runs (`EU`, `US`...)."
    )

    def bigquery(self, env: Env) -> "BigQuery":
        """A client and its rendered connection."""
        gcp = self.gcp(env)
        module = load("google.cloud.bigquery", "gcp")
        credentials, project = gcp.credentials()
        options = {"api_endpoint": gcp.endpoint} if gcp.endpoint else None
        with errors(gcp, "Unable to create the BigQuery client"):
            client = module.Client(
                project=project,
                credentials=credentials,
                client_options=options,
                location=env.optional(self.location, str),
            )
        return BigQuery(gcp, client, module)


class BigQuery:
    """A BigQuery client with its connection (for errors) and its module (for types)."""

    def __init__(self, gcp: GcpClients, client: Any, module: Any) -> None:
        self.gcp = gcp
        self.client = client
        self.module = module
        self.api = load("google.api_core.exceptions", "gcp")

    def job(self, env: Env, policy: "AutoRetried", start: Callable[[], Any]) -> Any:
        """Start a job with ``start`` and wait for it; start it again while it fails for a
        retryable reason (``retryAuto``)."""

        def started() -> Any:
            job = start()
            job.result()
            return job

        return policy.retried(env, (self.api.GoogleAPICallError,), started)

    def errors(self, action: str) -> Any:
        """Turn a Google API error inside the block into a one-line ``TaskFailure``."""
        return errors(self.gcp, action)

    def table_id(self, text: str) -> str:
        """``project.dataset.table`` (``dataset.table`` takes the client's project); Kestra's
        ``project:dataset.table`` is accepted too."""
        parts = text.strip().replace(":", ".", 1).split(".")
        if len(parts) == 2 and all(parts):
            return f"{self.client.project}.{parts[0]}.{parts[1]}"
        if len(parts) == 3 and all(parts):
            return ".".join(parts)
        raise TaskFailure(f"Invalid table '{text}': expected project.dataset.table")

    def dataset_id(self, text: str, project: str | None = None) -> str:
        """``project.dataset`` from a dataset name (the client's project by default)."""
        if "." in text:
            return text
        return f"{project or self.client.project}.{text}"


@contextmanager
def errors(gcp: GcpClients, action: str) -> Iterator[None]:
    """``gcp.errors`` plus the BigQuery job errors raised as ``concurrent`` timeouts."""
    with gcp.errors(action):
        try:
            yield
        except TimeoutError as exc:
            raise failure(action, exc) from None


def plain(value: Any) -> Any:
    """A BigQuery value as a task output holds it: instants and dates as ISO text, bytes in
    base64, numerics as numbers, records as maps."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def row_map(row: Any) -> dict[str, Any]:
    """A result row as a map from column name to value."""
    return {key: value for key, value in row.items()}


def fetched(env: Env, kind: FetchType, rows: Iterable[Any], name: str) -> dict[str, Any]:
    """Kestra's fetch outputs: ``rows``, ``row`` or ``uri`` (an Ion file), and ``size``."""
    maps = (row_map(row) for row in rows)
    if kind is FetchType.FETCH_ONE:
        first = next(maps, None)
        return {"row": plain(first) if first is not None else {}, "size": int(first is not None)}
    if kind is FetchType.FETCH:
        every = [plain(row) for row in maps]
        return {"rows": every, "size": len(every)}
    if kind is FetchType.NONE:
        return {"size": sum(1 for _ in maps)}
    handle, path = tempfile.mkstemp(suffix=".ion")
    size = 0
    try:
        # One row at a time to disk: a large result never sits in memory.
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            for row in maps:
                out.write(dumps(row) + "\n")
                size += 1
        with open(path, "rb") as data:
            uri = env.put(name, data)
    finally:
        os.unlink(path)
    return {"uri": uri, "size": size}


def table_reference(table: Any) -> dict[str, str] | None:
    """A table reference as Kestra's outputs write it."""
    if table is None:
        return None
    return {"project": table.project, "dataset": table.dataset_id, "table": table.table_id}


def schema_fields(module: Any, fields: list[Any]) -> list[Any]:
    """Kestra's schema fields (``name``, ``type``, ``mode``, ``description``, ``subFields``)
    as the SDK's."""
    built = []
    for spec in fields:
        if not isinstance(spec, dict) or not spec.get("name") or not spec.get("type"):
            raise TaskFailure(f"Invalid schema field {spec!r}: it needs a name and a type")
        built.append(
            module.SchemaField(
                str(spec["name"]),
                str(spec["type"]),
                mode=str(spec.get("mode") or "NULLABLE"),
                description=spec.get("description"),
                fields=schema_fields(module, list(spec.get("subFields") or [])),
            )
        )
    return built


def table_metadata(table: Any) -> dict[str, Any]:
    """A table as Kestra's ``TableMetadata`` output (the fields the SDK knows)."""
    return present(
        {
            "projectId": table.project,
            "datasetId": table.dataset_id,
            "table": table.table_id,
            "etag": table.etag,
            "generatedId": table.full_table_id,
            "selfLink": table.self_link,
            "friendlyName": table.friendly_name,
            "description": table.description,
            "creationTime": plain(table.created),
            "expirationTime": plain(table.expires),
            "lastModifiedTime": plain(table.modified),
            "numBytes": table.num_bytes,
            "numRows": table.num_rows,
            "location": table.location,
            "labels": dict(table.labels or {}),
            "definition": {
                "type": table.table_type,
                "schema": {"fields": [field.to_api_repr() for field in table.schema or []]},
            },
        }
    )
