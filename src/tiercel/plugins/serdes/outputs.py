"""The outputs of the converters, as Kestra names them."""

from pydantic import Field

from tiercel.sdk import Output


class FileOutput(Output):
    """A converter's result file."""

    uri: str = Field(description="The `kestra://` URI of the converted file.")


class CountedFileOutput(FileOutput):
    """A converter's result file and the records it holds."""

    size: int = Field(description="The number of records written.")
