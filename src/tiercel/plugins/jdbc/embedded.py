"""What the in-process databases (SQLite, DuckDB) add to a query task: a database file in
the task's working directory, files written there before the SQL runs (``inputFiles``),
files the SQL writes there and that are stored after it (``outputFiles``), and the database
file itself stored when asked (``outputDbFile``)."""

import hashlib
import json
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import Field

from tiercel.plugins.jdbc.connection import Host, TaskHost
from tiercel.sdk import KestraModel, Property, RunContext, TaskFailure
from tiercel.sdk.workdir import write_input_files


class EmbeddedFiles(KestraModel):
    """The working-directory side of an embedded database task; mixed into its task class.

    Subclasses say where the database file lives (``database_path``); the task's ``run``
    calls ``prepare`` for the SQL's variables and ``collect`` for the extra outputs.
    """

    output_files: Property[list[str]] | None = Field(
        default=None,
        description="Names of files the SQL writes: `{{ outputFiles.name }}` is the path to "
        "write, and `outputs.<task>.outputFiles.name` the stored file.",
    )
    output_db_file: Property[bool] = Field(
        default=False, description="Store the database file; its URI is `databaseUri`."
    )

    def database_path(self, host: Host) -> str:
        """The database file, or ``:memory:``."""
        raise NotImplementedError

    def connection_options(self, host: Host) -> dict[str, Any]:
        """The database file to open."""
        return {"database": self.database_path(host)}

    def extra_variables(self, ctx: RunContext) -> dict[str, Any]:
        """The SQL's extra variables, once the working directory is ready."""
        return self.prepare(ctx, TaskHost(ctx))

    def extra_outputs(self, ctx: RunContext, variables: dict[str, Any]) -> dict[str, Any]:
        """The stored output files and database file."""
        return self.collect(ctx, TaskHost(ctx), variables)

    def prepare(self, ctx: RunContext, host: Host) -> dict[str, Any]:
        """Create the input files and name the output files; the SQL's extra variables."""
        root = ctx.working_dir()
        variables: dict[str, Any] = {"workingDir": str(root)}
        given = getattr(self, "input_files", None)
        if given is not None:
            write_input_files(ctx, given, root)
        names = host.render(self.output_files) if self.output_files is not None else []
        if isinstance(names, str):
            names = json.loads(names) if names.strip().startswith("[") else [names]
        outputs: dict[str, str] = {}
        for name in names:
            path = _inside(root, str(name))
            path.parent.mkdir(parents=True, exist_ok=True)
            outputs[str(name)] = str(path)
        variables["outputFiles"] = outputs
        database = self.database_path(host)
        if database != ":memory:":
            variables["dbFilePath"] = database
        return variables

    def collect(self, ctx: RunContext, host: Host, variables: dict[str, Any]) -> dict[str, Any]:
        """``outputFiles`` (name to URI) and ``databaseUri``, as stored."""
        result: dict[str, Any] = {}
        stored: dict[str, str] = {}
        for name, local in variables.get("outputFiles", {}).items():
            path = Path(local)
            if not path.is_file():
                raise TaskFailure(f"The output file '{name}' was not written by the SQL")
            with path.open("rb") as data:
                stored[name] = ctx.files.put(PurePosixPath(name).name, data)
        if self.output_files is not None:
            result["outputFiles"] = stored
        if str(host.render(self.output_db_file)).strip().lower() == "true":
            database = self.database_path(host)
            if database == ":memory:":
                raise TaskFailure("outputDbFile needs a database file, not an in-memory one")
            with Path(database).open("rb") as data:
                result["databaseUri"] = ctx.files.put(Path(database).name, data)
        return result


def local_database(host: Host, path: str, default_name: str) -> str:
    """A database path from a URL: ``:memory:`` stays, a relative path is in the working
    directory, an empty one names a new file there."""
    if path in (":memory:", "memory:"):
        return ":memory:"
    if not path:
        return str(Path(host.temp_dir()) / default_name)
    candidate = Path(path)
    return str(candidate if candidate.is_absolute() else Path(host.temp_dir()) / candidate)


def downloaded(host: Host, uri: str, suffix: str) -> str:
    """A stored database file copied once into the working directory; its path."""
    name = hashlib.sha256(uri.encode()).hexdigest()[:16] + suffix
    target = Path(host.temp_dir()) / name
    if not target.exists():
        with host.read(uri) as data, target.open("wb") as out:
            while block := data.read(1 << 20):
                out.write(block)
    return str(target)


def _inside(root: Path, name: str) -> Path:
    target = (root / name).resolve()
    if not name or root.resolve() not in target.parents:
        raise TaskFailure(f"'{name}' is not a file name inside the working directory")
    return target
