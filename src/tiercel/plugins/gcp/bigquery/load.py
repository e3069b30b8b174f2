"""``io.kestra.plugin.gcp.bigquery.Load``: load a file of internal storage into a table."""

from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.gcp.bigquery.loads import LoadProperties, load_outputs
from tiercel.sdk import Property, RunContext, RunnableTask, TaskFailure, Text, plugin


@plugin("io.kestra.plugin.gcp.bigquery.Load")
class Load(LoadProperties, RunnableTask):
    """Load a file of internal storage into a BigQuery table."""

    from_: Text = Field(alias="from", description="The `kestra://` file to load.")
    failed_on_empty: Property[bool] = Field(
        default=True, description="Fail on an empty file; when false, load nothing (0 rows)."
    )

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``jobId``, ``destinationTable`` and ``rows``."""
        env = Env.of_task(ctx)
        bq = self.bigquery(env)
        source = env.value(self.from_, str)
        destination = bq.table_id(env.value(self.destination_table, str))
        config = self.job_config(env, bq)
        if ctx.files.size(source) == 0:
            if env.value(self.failed_on_empty, bool):
                raise TaskFailure(f"Can't load {source}: the file is empty")
            return {"rows": 0}
        with bq.errors(f"Unable to load {source} into '{destination}'"):
            # The SDK sends the stream as a resumable upload: the file is never whole in memory.
            def start() -> Any:
                with env.open(source) as data:
                    return bq.client.load_table_from_file(data, destination, job_config=config)

            job = bq.job(env, self, start)
        ctx.metric("output.rows", float(job.output_rows or 0))
        return load_outputs(job)
