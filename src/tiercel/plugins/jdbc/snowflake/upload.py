"""``io.kestra.plugin.jdbc.snowflake.Upload``: put a file of internal storage on a stage."""

import tempfile
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from tiercel.plugins.jdbc.connection import Dialect, TaskHost, connected
from tiercel.plugins.jdbc.snowflake.dialect import DIALECT
from tiercel.plugins.jdbc.snowflake.stage import StageTask, file_url, stage_location
from tiercel.sdk import LogLevel, RunContext, RunnableTask, Text, plugin


@plugin("io.kestra.plugin.jdbc.snowflake.Upload")
class Upload(StageTask, RunnableTask):
    """Upload a file of internal storage to a Snowflake stage (PUT)."""

    dialect: ClassVar[Dialect] = DIALECT

    from_: Text = Field(alias="from", description="The `kestra://` URI of the file to upload.")
    prefix: Text = Field(description="The folder of the stage the file goes to.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri``: the staged file's path, ``prefix/fileName`` (``.gz`` when compressed).

        Raises:
            TaskFailure: The server's error on one line.
        """
        host = TaskHost(ctx)
        settings = self.settings(host, self.dialect)
        stage = str(host.render(self.stage_name))
        prefix = str(host.render(self.prefix))
        name = str(host.render(self.file_name))
        compress = ctx.render_as(self.compress, bool)
        host.log(
            LogLevel.INFO,
            f"Starting upload to stage '{stage}' on '{prefix}' with name '{name}'",
        )
        # The connector names the staged file after the local one: a directory of its own
        # keeps that name free of clashes.
        with tempfile.TemporaryDirectory(dir=ctx.working_dir()) as folder:
            local = Path(folder) / name
            with ctx.files.open(str(host.render(self.from_))) as source:
                sql = (
                    f"PUT {file_url(str(local))} {stage_location(stage, prefix)} "
                    f"AUTO_COMPRESS={'TRUE' if compress else 'FALSE'} OVERWRITE=TRUE"
                )
                with connected(self.dialect, settings, ctx.killed) as connection:
                    cursor = connection.cursor()
                    try:
                        cursor.execute(sql, file_stream=source)
                    finally:
                        cursor.close()
        return {"uri": f"{prefix.rstrip('/')}/{name}{'.gz' if compress else ''}"}
