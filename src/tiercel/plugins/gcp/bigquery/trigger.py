"""``io.kestra.plugin.gcp.bigquery.Trigger``: run a query at each poll and start an execution
when it returns rows."""

from datetime import timedelta

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.gcp.bigquery.common import FetchType, fetched
from tiercel.plugins.gcp.bigquery.query import QueryProperties
from tiercel.sdk import Duration, Emission, PollingTrigger, TriggerContext, plugin


@plugin("io.kestra.plugin.gcp.bigquery.Trigger")
class Trigger(QueryProperties, PollingTrigger):
    """Poll a BigQuery query; fire when it returns at least one row."""

    interval: Duration = Field(default=timedelta(seconds=60), description="Time between polls.")

    def evaluate(self, ctx: TriggerContext) -> list[Emission]:
        """One emission with the query's ``rows``, ``row`` or ``uri``, ``size`` and ``jobId``
        when it returned rows; none otherwise."""
        env = Env.of_trigger(ctx)
        kind = self.chosen_fetch_type(env)
        bq = self.bigquery(env)
        config = bq.module.QueryJobConfig(use_legacy_sql=env.value(self.legacy_sql, bool))
        with bq.errors("Unable to run the trigger's query"):
            job = bq.client.query(env.value(self.sql, str), job_config=config)
            result = job.result()
            if not result.total_rows:
                return []
            outputs = fetched(env, kind, result, "query.ion")
        if kind is FetchType.NONE:
            outputs["size"] = int(result.total_rows)
        return [Emission(variables={**outputs, "jobId": job.job_id})]
