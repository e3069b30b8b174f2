"""The base of every flow-language model, and the fields that hold plugin objects."""

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.alias_generators import to_camel
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from tiercel.model.catalog import CATALOG_CONTEXT_KEY, PluginKind, TypeCatalog
from tiercel.model.kestra_types import kestra_package, not_in_kestra, same_package


class KestraModel(BaseModel):
    """A frozen model whose snake_case fields read and write Kestra's camelCase keys.

    Unknown keys are refused, as Kestra's strict parser refuses them.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        alias_generator=to_camel,
        populate_by_name=False,
        coerce_numbers_to_str=True,
        use_enum_values=False,
        defer_build=True,
    )


class PluginObject(KestraModel):
    """Anything a flow names with ``type:``: tasks, triggers, conditions, task runners."""

    plugin_kind: ClassVar[PluginKind]
    type: str


def catalog_from(context: Any) -> TypeCatalog:
    """Return the catalog that validation context carries, or fail clearly without one."""
    if isinstance(context, dict):
        catalog = context.get(CATALOG_CONTEXT_KEY)
        if catalog is not None:
            return catalog  # type: ignore[no-any-return]
    raise PydanticCustomError(
        "no_catalog", "cannot resolve plugin types: validation was given no plugin catalog"
    )


class PluginField:
    """Pydantic metadata: validate a mapping as the plugin class its ``type`` names."""

    def __init__(self, kind: PluginKind) -> None:
        self.kind = kind

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        kind = self.kind

        def validate(value: Any, info: core_schema.ValidationInfo) -> Any:
            if isinstance(value, PluginObject) and value.plugin_kind is kind:
                return value
            if not isinstance(value, dict):
                raise PydanticCustomError(
                    "plugin_not_mapping",
                    "must be a {kind}: a mapping with a 'type'",
                    {"kind": kind.value},
                )
            type_name = value.get("type")
            if type_name is None:
                raise PydanticCustomError(
                    "missing_type",
                    "missing type id property 'type' (for a {kind})",
                    {"kind": kind.value},
                )
            if not isinstance(type_name, str):
                raise PydanticCustomError(
                    "invalid_type",
                    "Invalid type: {type} ('type' must be a string)",
                    {"type": repr(type_name)},
                )
            catalog = catalog_from(info.context)
            cls = catalog.resolve(kind, type_name)
            if cls is None:
                raise _unknown_type(catalog, kind, type_name)
            return cls.__pydantic_validator__.validate_python(value, context=info.context)

        return core_schema.with_info_plain_validator_function(validate)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # The registry defines this reference as the union of every installed class. It is
        # wrapped so that pydantic does not try to resolve a definition it never generated.
        return {"allOf": [{"$ref": f"#/$defs/{PLUGIN_REFS[self.kind]}"}]}


PLUGIN_REFS = {
    PluginKind.TASK: "AnyTask",
    PluginKind.TRIGGER: "AnyTrigger",
    PluginKind.CONDITION: "AnyCondition",
    PluginKind.TASK_RUNNER: "AnyTaskRunner",
}
"""The ``$defs`` names that the generated JSON Schema uses for each plugin union."""


def _unknown_type(catalog: TypeCatalog, kind: PluginKind, type_name: str) -> PydanticCustomError:
    other = catalog.kind_of(type_name)
    if other is not None:
        return PydanticCustomError(
            "wrong_kind",
            "Invalid type: {type} is a {other}, not a {kind}",
            {"type": type_name, "other": other.value, "kind": kind.value},
        )
    advice = not_in_kestra(type_name)
    if advice:
        return PydanticCustomError(
            "unknown_type",
            "Invalid type: unknown {kind} type '{type}' — {advice}",
            {"type": type_name, "kind": kind.value, "advice": advice},
        )
    hint = catalog.suggest(kind, type_name)
    package = kestra_package(type_name)
    # A close name in another package is no typo when the type is a real Kestra plugin's.
    if hint and (package is None or same_package(hint, type_name)):
        return PydanticCustomError(
            "unknown_type",
            "Invalid type: unknown {kind} type '{type}' — did you mean '{hint}'?",
            {"type": type_name, "kind": kind.value, "hint": hint},
        )
    if package:
        return PydanticCustomError(
            "unknown_type",
            "Invalid type: '{type}' is a Kestra plugin type ({package}) that is not installed "
            "in this Tiercel",
            {"type": type_name, "package": package},
        )
    return PydanticCustomError(
        "unknown_type",
        "Invalid type: unknown {kind} type '{type}'",
        {"type": type_name, "kind": kind.value},
    )
