"""What ``Upload`` and ``Download`` share: the stage properties and the quoting of the
``PUT`` / ``GET`` commands the connector runs (it moves the file itself, to or from the stage's
storage, as Snowflake's JDBC driver does for ``uploadStream`` / ``downloadStream``)."""

from pydantic import Field

from tiercel.plugins.jdbc.snowflake.dialect import SnowflakeConnection
from tiercel.sdk import Property, TaskFailure, Text


class StageTask(SnowflakeConnection):
    """A file moved to or from a Snowflake stage."""

    stage_name: Text = Field(
        description="The stage: a stage name (`@` optional), `~` for the user stage, or "
        "`%table` for a table's stage. Unquoted identifiers are upper-cased by Snowflake."
    )
    file_name: Text = Field(description="The file's name on the stage.")
    compress: Property[bool] = Field(
        default=True,
        description="Upload: gzip the file on the way (its name gets `.gz`). Download: "
        "gunzip a gzipped file on the way back.",
    )


def stage_location(stage: str, *parts: str) -> str:
    """``'@stage/part/...'``, quoted for a ``PUT`` or ``GET`` command."""
    name = stage.strip()
    if not name:
        raise TaskFailure("stageName is empty")
    if not name.startswith("@"):
        name = "@" + name
    path = "/".join(p.strip("/") for p in parts if p.strip("/"))
    return _quoted(f"{name.rstrip('/')}/{path}" if path else name)


def file_url(path: str) -> str:
    """``'file://path'``, quoted for a ``PUT`` or ``GET`` command."""
    return _quoted("file://" + path)


def _quoted(location: str) -> str:
    """A location as is, or in quotes when it holds a space or a quote (Snowflake takes both
    forms; some stand-ins take only the bare one)."""
    if not any(char.isspace() or char in "'\\;" for char in location):
        return location
    return "'" + location.replace("\\", "\\\\").replace("'", "\\'") + "'"
