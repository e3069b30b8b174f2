"""How ForEachItem cuts its items into batches."""

from pydantic import Field

from tiercel.sdk import KestraModel, Property, Text


class Batch(KestraModel):
    """How the items file is cut into batches: by rows, by size or into a number of parts."""

    rows: Property[int] | None = Field(default=1, description="Lines per batch.")
    bytes: Text | None = Field(default=None, description="Size per batch, such as ``10MB``.")
    partitions: Property[int] | None = Field(default=None, description="Number of batches.")
    separator: Text = Field(default="\n", description="What ends one item.")
    regex_pattern: Text | None = Field(
        default=None, description="Group lines whose match of this pattern is equal (1.x)."
    )
