"""``io.kestra.plugin.jdbc.mysql.Query``: run one SQL statement on MySQL or MariaDB."""

from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from tiercel.plugins.jdbc.connection import Dialect
from tiercel.plugins.jdbc.mysql.dialect import DIALECT
from tiercel.plugins.jdbc.query import JdbcQuery
from tiercel.sdk import RunContext, Text, plugin


@plugin("io.kestra.plugin.jdbc.mysql.Query")
class Query(JdbcQuery):
    """Run one SQL statement on MySQL or MariaDB; fetch its rows or store them."""

    dialect: ClassVar[Dialect] = DIALECT

    input_file: Text | None = Field(
        default=None,
        description="A `kestra://` URI copied to the worker for `LOAD DATA LOCAL INFILE "
        "'{{ inputFile }}'` (the URL needs `allowLoadLocalInfile=true`).",
    )

    def extra_variables(self, ctx: RunContext) -> dict[str, Any]:
        """``inputFile``: the local path of the copied file."""
        if self.input_file is None:
            return {}
        target = Path(ctx.working_dir()) / "input-file"
        with ctx.files.open(str(ctx.render(self.input_file))) as data, target.open("wb") as out:
            while block := data.read(1 << 20):
                out.write(block)
        return {"inputFile": str(target)}
