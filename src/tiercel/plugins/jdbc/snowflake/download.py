"""``io.kestra.plugin.jdbc.snowflake.Download``: get a file of a stage into internal storage."""

import gzip
import shutil
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from tiercel.plugins.jdbc.connection import Dialect, TaskHost, connected
from tiercel.plugins.jdbc.snowflake.dialect import DIALECT
from tiercel.plugins.jdbc.snowflake.stage import StageTask, file_url, stage_location
from tiercel.sdk import LogLevel, RunContext, RunnableTask, TaskFailure, plugin


@plugin("io.kestra.plugin.jdbc.snowflake.Download")
class Download(StageTask, RunnableTask):
    """Download a file from a Snowflake stage into internal storage (GET)."""

    dialect: ClassVar[Dialect] = DIALECT

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri``: the file in internal storage.

        Raises:
            TaskFailure: The server's error on one line, or no such file on the stage.
        """
        host = TaskHost(ctx)
        settings = self.settings(host, self.dialect)
        stage = str(host.render(self.stage_name))
        name = str(host.render(self.file_name))
        decompress = ctx.render_as(self.compress, bool)
        host.log(LogLevel.INFO, f"Starting download from stage '{stage}' with name '{name}'")
        with tempfile.TemporaryDirectory(dir=ctx.working_dir()) as folder:
            sql = f"GET {stage_location(stage, name)} {file_url(folder + '/')}"
            with connected(self.dialect, settings, ctx.killed) as connection:
                cursor = connection.cursor()
                try:
                    cursor.execute(sql)
                finally:
                    cursor.close()
            files = sorted(p for p in Path(folder).rglob("*") if p.is_file())
            if not files:
                raise TaskFailure(f"No file '{name}' on stage '{stage}'")
            got = files[0]
            if decompress and _gzipped(got):
                plain = Path(folder) / "plain" / got.name.removesuffix(".gz")
                plain.parent.mkdir()
                with gzip.open(got, "rb") as packed, plain.open("wb") as out:
                    shutil.copyfileobj(packed, out, 1 << 20)
                got = plain
            return {"uri": host.store(got)}


def _gzipped(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(2) == b"\x1f\x8b"
