"""Property models that many plugin families share, as Kestra shares them: which namespace
files a task copies in (``namespaceFiles``), the files it creates first (``inputFiles``) and
what a query does with its rows (``fetchType``)."""

from enum import StrEnum

from pydantic import Field

from tiercel.model import KestraModel, Property
from tiercel.model.property import Text


class FetchType(StrEnum):
    """What a query task does with the rows it reads (Kestra's ``FetchType``)."""

    FETCH_ONE = "FETCH_ONE"
    """The first row, in the ``row`` output."""
    FETCH = "FETCH"
    """Every row, in the ``rows`` output."""
    STORE = "STORE"
    """Every row, in an Ion file of internal storage, at the ``uri`` output."""
    NONE = "NONE"
    """Nothing but the count."""


class FileExistBehavior(StrEnum):
    """What to do when a namespace file is already in the working directory."""

    OVERWRITE = "OVERWRITE"
    FAIL = "FAIL"
    WARN = "WARN"
    IGNORE = "IGNORE"


FLOW_NAMESPACE = "{{flow.namespace}}"
"""The default of ``namespaces``: the namespace of the flow that runs the task."""


class NamespaceFiles(KestraModel):
    """``namespaceFiles``: which files of which namespaces to copy into the working
    directory before the task runs (Kestra's ``NamespaceFiles``)."""

    enabled: Property[bool] = Field(default=True, description="Copy namespace files at all.")
    include: Property[list[str]] | None = Field(
        default=None, description="Glob patterns of the files to copy (all when unset)."
    )
    exclude: Property[list[str]] | None = Field(
        default=None, description="Glob patterns of the files to leave out."
    )
    namespaces: Property[list[str]] = Field(
        default=[FLOW_NAMESPACE],
        description="Namespaces to read files from, later ones winning.",
    )
    if_exists: Property[FileExistBehavior] = Field(
        default=FileExistBehavior.OVERWRITE,
        description="What to do when the file is already there.",
    )
    folder_per_namespace: Property[bool] = Field(
        default=False, description="Put each namespace's files in a folder of its own."
    )


InputFiles = dict[str, Text | None] | Text
"""``inputFiles``: file name to inline content or ``kestra://`` URI, or that map as JSON (or
the ``kestra://`` URI of that JSON). A null content creates no file."""
