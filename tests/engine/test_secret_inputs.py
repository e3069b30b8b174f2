"""SECRET inputs: sealed (encrypted) once checked; a value already sealed passes as it is."""

import json

import pytest
from pydantic import TypeAdapter

from tiercel.engine.inputs import InputError, resolve_inputs
from tiercel.model.input import AnyInput, Input
from tiercel.model.secrets import ENCRYPTED_TYPE

INPUTS: list[Input] = TypeAdapter(list[AnyInput]).validate_python(
    [
        {"id": "pw", "type": "SECRET", "validator": "[a-z0-9-]+"},
        {"id": "name", "type": "STRING"},
    ]
)


def seal(text: str) -> dict[str, str]:
    return {"type": ENCRYPTED_TYPE, "value": text[::-1]}


def test_a_secret_is_sealed_and_other_inputs_are_not() -> None:
    typed = resolve_inputs(INPUTS, {"pw": "abc-123", "name": "n"}, render=str, seal=seal)
    assert typed == {"pw": seal("abc-123"), "name": "n"}


def test_a_sealed_value_passes_as_a_map_or_as_its_json_text() -> None:
    sealed = seal("abc-123")
    for given in (sealed, json.dumps(sealed)):
        typed = resolve_inputs(INPUTS, {"pw": given, "name": "n"}, render=str, seal=seal)
        assert typed["pw"] == sealed


def test_a_refused_secret_is_not_quoted() -> None:
    with pytest.raises(InputError) as caught:
        resolve_inputs(INPUTS, {"pw": "NOT VALID", "name": "n"}, render=str, seal=seal)
    assert "NOT VALID" not in str(caught.value) and "******" in str(caught.value)


def test_without_a_seal_the_value_stays_as_given() -> None:
    assert resolve_inputs(INPUTS, {"pw": "abc", "name": "n"}, render=str)["pw"] == "abc"
