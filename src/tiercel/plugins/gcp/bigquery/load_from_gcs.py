"""``io.kestra.plugin.gcp.bigquery.LoadFromGcs``: load Cloud Storage files into a table."""

from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.gcp.bigquery.loads import LoadProperties, load_outputs
from tiercel.sdk import Property, RunContext, RunnableTask, plugin


@plugin("io.kestra.plugin.gcp.bigquery.LoadFromGcs")
class LoadFromGcs(LoadProperties, RunnableTask):
    """Load files of Cloud Storage (`gs://bucket/path`, wildcards allowed) into a table."""

    from_: Property[list[str]] = Field(alias="from", description="The `gs://` files to load.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``jobId``, ``destinationTable`` and ``rows``."""
        env = Env.of_task(ctx)
        bq = self.bigquery(env)
        sources = env.value(self.from_, list[str])
        destination = bq.table_id(env.value(self.destination_table, str))
        config = self.job_config(env, bq)
        with bq.errors(f"Unable to load {', '.join(sources)} into '{destination}'"):
            job = bq.job(
                env,
                self,
                lambda: bq.client.load_table_from_uri(sources, destination, job_config=config),
            )
        ctx.metric("output.rows", float(job.output_rows or 0))
        return load_outputs(job)
