"""Flow inputs: every input type Kestra has, with its validation properties."""

import re
from enum import StrEnum
from typing import Annotated, Any, Literal, Union

from pydantic import Field, PlainValidator, field_validator, model_validator

from tiercel.model.base import KestraModel
from tiercel.model.dispatch import type_dispatcher
from tiercel.model.property import Text

INPUT_ID_PATTERN = r"^[a-zA-Z0-9][.a-zA-Z0-9_-]*$"


class InputType(StrEnum):
    """The ``type`` values an input may have."""

    STRING = "STRING"
    ENUM = "ENUM"
    SELECT = "SELECT"
    INT = "INT"
    FLOAT = "FLOAT"
    BOOLEAN = "BOOLEAN"
    BOOL = "BOOL"
    DATETIME = "DATETIME"
    DATE = "DATE"
    TIME = "TIME"
    DURATION = "DURATION"
    FILE = "FILE"
    JSON = "JSON"
    URI = "URI"
    SECRET = "SECRET"
    ARRAY = "ARRAY"
    MULTISELECT = "MULTISELECT"
    YAML = "YAML"
    EMAIL = "EMAIL"


class DependsOn(KestraModel):
    """Show an input only once others are filled in, and optionally when a condition holds."""

    inputs: list[str] | None = None
    condition: Text | None = None


class Input(KestraModel):
    """The properties every input has."""

    id: Annotated[str, Field(pattern=INPUT_ID_PATTERN)] | None = None
    name: Annotated[str, Field(pattern=INPUT_ID_PATTERN)] | None = Field(
        default=None, description="Deprecated alias of id."
    )
    type: InputType
    description: str | None = None
    display_name: Annotated[str, Field(max_length=64)] | None = None
    required: bool = True
    defaults: Any = None
    prefill: Any = None
    depends_on: DependsOn | None = None

    @model_validator(mode="after")
    def _has_id(self) -> "Input":
        if self.id is None and self.name is None:
            raise ValueError("an input needs an 'id'")
        return self

    @property
    def key(self) -> str:
        """The input's id (or its deprecated ``name``)."""
        return self.id or self.name or ""


def _check_regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"invalid regular expression {value!r}: {exc}") from None
    return value


class StringInput(Input):
    """Text, optionally checked against a regular expression."""

    type: Literal[InputType.STRING]
    validator: str | None = None
    _regex = field_validator("validator")(_check_regex)


class SecretInput(Input):
    """Text kept encrypted and masked in logs."""

    type: Literal[InputType.SECRET]
    validator: str | None = None
    _regex = field_validator("validator")(_check_regex)


class IntInput(Input):
    """A whole number within optional bounds."""

    type: Literal[InputType.INT]
    min: int | None = None
    max: int | None = None


class FloatInput(Input):
    """A decimal number within optional bounds."""

    type: Literal[InputType.FLOAT]
    min: float | None = None
    max: float | None = None


class BooleanInput(Input):
    """True or false."""

    type: Literal[InputType.BOOLEAN]


class BoolInput(Input):
    """True or false, shown as a toggle."""

    type: Literal[InputType.BOOL]


class SelectInput(Input):
    """One value out of a list."""

    type: Literal[InputType.SELECT]
    values: list[Text] | None = None
    expression: str | None = None
    allow_custom_value: bool = False
    is_radio: bool = False
    auto_select_first: bool = False

    @model_validator(mode="after")
    def _has_values(self) -> "SelectInput":
        if self.values is None and self.expression is None:
            raise ValueError("a SELECT input needs 'values' or 'expression'")
        return self


class MultiselectInput(Input):
    """Several values out of a list."""

    type: Literal[InputType.MULTISELECT]
    values: list[Text] | None = None
    options: list[Text] | None = Field(default=None, description="Deprecated: use values.")
    expression: str | None = None
    item_type: InputType = InputType.STRING
    allow_custom_value: bool = False
    auto_select_first: bool = False


class EnumInput(Input):
    """Deprecated: use SELECT."""

    type: Literal[InputType.ENUM]
    values: Annotated[list[Text], Field(min_length=1)]


class _TemporalInput(Input):
    after: str | None = None
    before: str | None = None


class DateTimeInput(_TemporalInput):
    """An instant, e.g. ``2042-04-02T04:20:42.000Z``."""

    type: Literal[InputType.DATETIME]


class DateInput(_TemporalInput):
    """A date, e.g. ``2042-12-03``."""

    type: Literal[InputType.DATE]


class TimeInput(_TemporalInput):
    """A time of day, e.g. ``10:15:30``."""

    type: Literal[InputType.TIME]


class DurationInput(Input):
    """An ISO-8601 duration, e.g. ``PT5M6S``."""

    type: Literal[InputType.DURATION]
    min: str | None = None
    max: str | None = None


class FileInput(Input):
    """A file uploaded to internal storage."""

    type: Literal[InputType.FILE]
    extension: str | None = None
    allowed_file_extensions: list[str] | None = None

    @model_validator(mode="after")
    def _no_defaults(self) -> "FileInput":
        if self.defaults is not None:
            raise ValueError("no `defaults` can be set for inputs of type 'FILE'")
        return self


class JsonInput(Input):
    """A JSON document, parsed into a map or list."""

    type: Literal[InputType.JSON]


class YamlInput(Input):
    """A YAML document, parsed into a map or list."""

    type: Literal[InputType.YAML]


class UriInput(Input):
    """A URI."""

    type: Literal[InputType.URI]


class EmailInput(Input):
    """An e-mail address."""

    type: Literal[InputType.EMAIL]


class ArrayInput(Input):
    """A list of items of one type."""

    type: Literal[InputType.ARRAY]
    item_type: InputType

    @field_validator("item_type")
    @classmethod
    def _not_nested(cls, value: InputType) -> InputType:
        if value is InputType.ARRAY:
            raise ValueError("`itemType` cannot be `ARRAY`")
        return value


INPUT_CLASSES: dict[str, type[Input]] = {
    InputType.STRING: StringInput,
    InputType.SECRET: SecretInput,
    InputType.INT: IntInput,
    InputType.FLOAT: FloatInput,
    InputType.BOOLEAN: BooleanInput,
    InputType.BOOL: BoolInput,
    InputType.SELECT: SelectInput,
    InputType.MULTISELECT: MultiselectInput,
    InputType.ENUM: EnumInput,
    InputType.DATETIME: DateTimeInput,
    InputType.DATE: DateInput,
    InputType.TIME: TimeInput,
    InputType.DURATION: DurationInput,
    InputType.FILE: FileInput,
    InputType.JSON: JsonInput,
    InputType.YAML: YamlInput,
    InputType.URI: UriInput,
    InputType.EMAIL: EmailInput,
    InputType.ARRAY: ArrayInput,
}

AnyInput = Annotated[
    Input,
    PlainValidator(
        type_dispatcher(INPUT_CLASSES, "an input"),
        json_schema_input_type=Union[tuple(INPUT_CLASSES.values())],  # noqa: UP007
    ),
]
"""A field holding an input of any type, chosen by its ``type``."""
