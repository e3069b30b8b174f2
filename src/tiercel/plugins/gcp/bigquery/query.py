"""``io.kestra.plugin.gcp.bigquery.Query``: run a SQL job, optionally into a destination
table, and fetch, fetch one or store its rows."""

from datetime import timedelta
from enum import StrEnum
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.gcp.bigquery.common import (
    BigQuery,
    BigQueryConnection,
    CreateDisposition,
    DestinationLayout,
    FetchType,
    WriteDisposition,
    fetched,
    table_reference,
)
from tiercel.sdk import Duration, Property, RunContext, RunnableTask, TaskFailure, Text, plugin


class Priority(StrEnum):
    """How BigQuery schedules the query."""

    INTERACTIVE = "INTERACTIVE"
    BATCH = "BATCH"


class QueryProperties(BigQueryConnection):
    """What ``Query`` and the query ``Trigger`` share: the SQL, its dialect and its output."""

    sql: Text = Field(description="The SQL to run.")
    legacy_sql: Property[bool] = Field(
        default=False, description="Whether the SQL is BigQuery's legacy SQL dialect."
    )
    fetch: Property[bool] = Field(
        default=False, description="Deprecated, use `fetchType: FETCH`: output every row."
    )
    fetch_one: Property[bool] = Field(
        default=False, description="Deprecated, use `fetchType: FETCH_ONE`: output one row."
    )
    store: Property[bool] = Field(
        default=False, description="Deprecated, use `fetchType: STORE`: store the rows."
    )
    fetch_type: Property[FetchType] = Field(
        default=FetchType.NONE,
        description="FETCH every row, FETCH_ONE, STORE them in an Ion file, or NONE.",
    )

    def chosen_fetch_type(self, env: Env) -> FetchType:
        """The deprecated flags win over ``fetchType``, as in Kestra; two of them conflict."""
        flags = [
            kind
            for prop, kind in (
                (self.fetch, FetchType.FETCH),
                (self.fetch_one, FetchType.FETCH_ONE),
                (self.store, FetchType.STORE),
            )
            if env.value(prop, bool)
        ]
        if len(flags) > 1:
            raise TaskFailure("Only one of 'fetch', 'fetchOne' and 'store' can be true")
        return flags[0] if flags else env.value(self.fetch_type, FetchType)


@plugin("io.kestra.plugin.gcp.bigquery.Query")
class Query(QueryProperties, DestinationLayout, RunnableTask):
    """Run a BigQuery SQL job."""

    destination_table: Text | None = Field(
        default=None,
        description="The table the results go to (`project.dataset.table`); a temporary "
        "table when unset.",
    )
    write_disposition: Property[WriteDisposition] | None = Field(
        default=None, description="What happens when the destination table has rows."
    )
    create_disposition: Property[CreateDisposition] | None = Field(
        default=None, description="Whether the job may create the destination table."
    )
    default_dataset: Text | None = Field(
        default=None, description="The dataset of the SQL's unqualified table names."
    )
    labels: Property[dict[str, str]] | None = Field(default=None, description="The job's labels.")
    range_partitioning_field: Text | None = Field(
        default=None, description="The integer column the destination table is partitioned on."
    )
    range_partitioning_start: Property[int] | None = Field(
        default=None, description="The start of range partitioning, inclusive."
    )
    range_partitioning_end: Property[int] | None = Field(
        default=None, description="The end of range partitioning, exclusive."
    )
    range_partitioning_interval: Property[int] | None = Field(
        default=None, description="The width of each range partition."
    )
    priority: Property[Priority] = Field(
        default=Priority.INTERACTIVE, description="INTERACTIVE or BATCH."
    )
    use_query_cache: Property[bool] | None = Field(
        default=None, description="Whether a cached result may answer the query."
    )
    allow_large_results: Property[bool] | None = Field(
        default=None, description="Legacy SQL only: allow large results (needs a destination)."
    )
    dry_run: Property[bool] = Field(
        default=False, description="Validate and estimate the query without running it."
    )
    maximum_bytes_billed: Property[int] | None = Field(
        default=None, description="Fail the query rather than bill more bytes than this."
    )
    maximum_billing_tier: Property[int] | None = Field(
        default=None, description="Legacy: the billing tier the query may reach."
    )
    flatten_results: Property[bool] = Field(
        default=True, description="Legacy SQL only: flatten nested and repeated fields."
    )
    use_legacy_sql: Property[bool] = Field(
        default=False,
        description="Kestra's older name of `legacySql`; it wins only when set explicitly.",
    )
    job_timeout: Property[Duration] | None = Field(
        default=None, description="BigQuery cancels the job once it runs longer than this."
    )
    max_results: Property[int] | None = Field(
        default=None, description="The most rows each page of results brings back."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``jobId``, ``destinationTable``, and ``rows``, ``row`` or ``uri`` with ``size``."""
        env = Env.of_task(ctx)
        kind = self.chosen_fetch_type(env)
        bq = self.bigquery(env)
        sql = env.value(self.sql, str)
        config = self._config(env, bq)
        with bq.errors("Unable to run the query"):
            if config.dry_run:
                return {"jobId": bq.client.query(sql, job_config=config).job_id, "size": 0}
            job = bq.job(env, self, lambda: bq.client.query(sql, job_config=config))
            page_size = env.optional(self.max_results, int)
            result = job.result(page_size=page_size)
            ctx.metric("total.rows", float(result.total_rows or 0))
            outputs = fetched(env, kind, result, "query.ion")
        if kind is not FetchType.NONE:
            ctx.metric("fetch.rows", float(outputs["size"]))
        outputs["jobId"] = job.job_id
        destination = table_reference(job.destination)
        if destination is not None:
            outputs["destinationTable"] = destination
        return outputs

    def _config(self, env: Env, bq: BigQuery) -> Any:
        module = bq.module
        # Kestra always sets useLegacySql after legacySql, so its default false would undo
        # `legacySql: true`; here the older name counts only when the flow sets it.
        legacy = (
            self.use_legacy_sql if "use_legacy_sql" in self.model_fields_set else self.legacy_sql
        )
        config = module.QueryJobConfig(use_legacy_sql=env.value(legacy, bool))
        self.apply_layout(env, module, config)
        destination = env.optional(self.destination_table, str)
        if destination is not None:
            config.destination = bq.table_id(destination)
        if self.write_disposition is not None:
            config.write_disposition = env.value(self.write_disposition, WriteDisposition).value
        if self.create_disposition is not None:
            config.create_disposition = env.value(self.create_disposition, CreateDisposition).value
        dataset = env.optional(self.default_dataset, str)
        if dataset is not None:
            config.default_dataset = bq.dataset_id(dataset)
        if self.labels is not None:
            config.labels = env.value(self.labels, dict[str, str])
        ranged = env.optional(self.range_partitioning_field, str)
        if ranged is not None:
            config.range_partitioning = module.RangePartitioning(
                field=ranged,
                range_=module.PartitionRange(
                    start=env.optional(self.range_partitioning_start, int),
                    end=env.optional(self.range_partitioning_end, int),
                    interval=env.optional(self.range_partitioning_interval, int),
                ),
            )
        config.priority = env.value(self.priority, Priority).value
        if self.use_query_cache is not None:
            config.use_query_cache = env.value(self.use_query_cache, bool)
        if self.allow_large_results is not None:
            config.allow_large_results = env.value(self.allow_large_results, bool)
        config.dry_run = env.value(self.dry_run, bool)
        if self.maximum_bytes_billed is not None:
            config.maximum_bytes_billed = env.value(self.maximum_bytes_billed, int)
        if self.maximum_billing_tier is not None:
            config.maximum_billing_tier = env.value(self.maximum_billing_tier, int)
        config.flatten_results = env.value(self.flatten_results, bool)
        timeout = env.optional(self.job_timeout, timedelta)
        if timeout is not None:
            config.job_timeout_ms = int(timeout.total_seconds() * 1000)
        return config
