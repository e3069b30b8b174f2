"""Execution inputs as a table: declared input + raw value → typed value, or Kestra's message."""

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import TypeAdapter

from tests.conftest import require_kestra_compat
from tiercel.engine.inputs import InputError, resolve_inputs
from tiercel.expr import ExpressionError, render_typed
from tiercel.model.input import AnyInput, Input, InputType
from tiercel.model.source import read_documents

ADAPTER: TypeAdapter[Input] = TypeAdapter(AnyInput)
INPUTS_FLOW = "flows/core/src/test/resources/flows/valids/inputs.yaml"


def declare(spec: dict[str, Any]) -> Input:
    """An input as a flow's YAML declares it (camelCase keys), with id ``x`` unless given."""
    return ADAPTER.validate_python({"id": "x", **spec})


def identity(value: Any) -> Any:
    return value


def fake_store(input_id: str, value: Any) -> str:
    return f"kestra:///ns/flow/executions/e1/inputs/{input_id}/{str(value).rsplit('/', 1)[-1]}"


def resolve_one(spec: dict[str, Any], value: Any, **options: Any) -> Any:
    options.setdefault("render", identity)
    return resolve_inputs([declare(spec)], {"x": value}, **options)["x"]


def refusal(spec: dict[str, Any], value: Any, **options: Any) -> str:
    """The one problem that resolving ``value`` for input ``x`` reports."""
    with pytest.raises(InputError) as caught:
        resolve_one(spec, value, **options)
    problems: list[tuple[str, str]] = caught.value.problems
    [(input_id, message)] = problems
    assert input_id == "x"
    return message


STRING = {"type": "STRING"}
INT = {"type": "INT"}
FLOAT = {"type": "FLOAT"}
BOUNDED_INT = {"type": "INT", "min": 10, "max": 20}
BOUNDED_FLOAT = {"type": "FLOAT", "min": 0.1, "max": 0.5}
PATTERN = {"type": "STRING", "validator": r"A\d+"}
SELECT = {"type": "SELECT", "values": ["a", "b"]}
MULTI = {"type": "MULTISELECT", "values": ["a", "b", "c"]}
DATETIME = {"type": "DATETIME"}
BOUNDED_DATETIME = {
    "type": "DATETIME",
    "after": "2023-01-01T00:00:00Z",
    "before": "2023-12-31T23:59:59Z",
}
DATE = {"type": "DATE"}
BOUNDED_DATE = {"type": "DATE", "after": "2023-01-01", "before": "2023-12-31"}
TIME = {"type": "TIME"}
BOUNDED_TIME = {"type": "TIME", "after": "01:00:00", "before": "11:59:59"}
DURATION = {"type": "DURATION"}
BOUNDED_DURATION = {"type": "DURATION", "min": "PT10S", "max": "PT20S"}
INT_ARRAY = {"type": "ARRAY", "itemType": "INT"}
FILE = {"type": "FILE"}

GOOD: list[tuple[dict[str, Any], Any, Any]] = [
    (STRING, "hello", "hello"),
    (STRING, "", ""),
    (STRING, 42, "42"),
    (STRING, True, "true"),
    (PATTERN, "A123", "A123"),
    ({"type": "SECRET", "validator": "s.*"}, "s3cret", "s3cret"),
    (INT, "42", 42),
    (INT, "+5", 5),
    (INT, "-7", -7),
    (INT, 42, 42),
    (BOUNDED_INT, "10", 10),
    (BOUNDED_INT, "20", 20),
    (FLOAT, "42.42", 42.42),
    (FLOAT, "1e3", 1000.0),
    (FLOAT, 3, 3.0),
    (BOUNDED_FLOAT, "0.42", 0.42),
    ({"type": "BOOLEAN"}, "false", False),
    ({"type": "BOOLEAN"}, "TRUE", True),
    ({"type": "BOOLEAN"}, False, False),
    ({"type": "BOOL"}, "True", True),
    (SELECT, "a", "a"),
    ({**SELECT, "allowCustomValue": True}, "z", "z"),
    ({"type": "ENUM", "values": ["ENUM_VALUE", "OTHER_ONE"]}, "ENUM_VALUE", "ENUM_VALUE"),
    (MULTI, '["a", "c"]', ["a", "c"]),
    (MULTI, ["b"], ["b"]),
    (MULTI, [], []),
    ({"type": "MULTISELECT", "options": ["x", "y"]}, ["y"], ["y"]),
    ({**MULTI, "allowCustomValue": True}, ["q"], ["q"]),
    (DATETIME, "2019-10-06T18:27:49Z", "2019-10-06T18:27:49Z"),
    (DATETIME, "2019-10-06T20:27:49+02:00", "2019-10-06T18:27:49Z"),
    (DATETIME, "2019-10-06t18:27:49z", "2019-10-06T18:27:49Z"),
    (DATETIME, "2019-10-06T18:27:49.5Z", "2019-10-06T18:27:49.500Z"),
    (DATETIME, "2019-10-06T18:27:49.000120Z", "2019-10-06T18:27:49.000120Z"),
    (DATETIME, "2019-10-06T18:27:49.123456789Z", "2019-10-06T18:27:49.123456789Z"),
    (DATETIME, dt.datetime(2019, 10, 6, 18, 27, 49, tzinfo=dt.UTC), "2019-10-06T18:27:49Z"),
    (BOUNDED_DATETIME, "2023-01-01T00:00:00Z", "2023-01-01T00:00:00Z"),
    (DATE, "2042-12-03", "2042-12-03"),
    (DATE, dt.date(2042, 12, 3), "2042-12-03"),
    (BOUNDED_DATE, "2023-01-02", "2023-01-02"),
    (TIME, "10:15:30", "10:15:30"),
    (TIME, "10:15:00", "10:15"),
    (TIME, "10:15", "10:15"),
    (TIME, "10:15:30.25", "10:15:30.250"),
    (TIME, dt.time(10, 15, 30), "10:15:30"),
    (BOUNDED_TIME, "11:27:49", "11:27:49"),
    (DURATION, "PT5M6S", "PT5M6S"),
    (DURATION, "P1D", "PT24H"),
    (DURATION, "pt90m", "PT1H30M"),
    (DURATION, "PT0S", "PT0S"),
    (DURATION, "PT1.5S", "PT1.5S"),
    (DURATION, "-PT0.5S", "PT-0.5S"),
    (DURATION, "PT-1M30S", "PT-30S"),
    (DURATION, dt.timedelta(minutes=5), "PT5M"),
    (BOUNDED_DURATION, "PT15S", "PT15S"),
    ({"type": "JSON"}, '{"a": "b"}', {"a": "b"}),
    ({"type": "JSON"}, "{}", {}),
    ({"type": "JSON"}, "[1, 2.5, null]", [1, 2.5, None]),
    ({"type": "JSON"}, {"a": [1]}, {"a": [1]}),
    (
        {"type": "YAML"},
        "some: property\nalist:\n- of\n- values",
        {"some": "property", "alist": ["of", "values"]},
    ),
    (
        {"type": "YAML"},
        "day: 2024-01-01\nflag: yes\non: true",
        {"day": "2024-01-01", "flag": "yes", "on": True},
    ),
    ({"type": "YAML"}, {"k": "v"}, {"k": "v"}),
    ({"type": "URI"}, "https://www.google.com", "https://www.google.com"),
    ({"type": "URI"}, "ftp://files.example.com/a.txt?x=1", "ftp://files.example.com/a.txt?x=1"),
    ({"type": "EMAIL"}, "me@example.com", "me@example.com"),
    ({"type": "EMAIL"}, "", ""),
    (INT_ARRAY, "[1, 2, 3]", [1, 2, 3]),
    (INT_ARRAY, ["1", 2], [1, 2]),
    ({"type": "ARRAY", "itemType": "STRING"}, ["a", 1], ["a", "1"]),
    ({"type": "ARRAY", "itemType": "DATE"}, '["2042-12-03"]', ["2042-12-03"]),
    ({"type": "ARRAY", "itemType": "JSON"}, '[{"a": 1}]', [{"a": 1}]),
]


@pytest.mark.parametrize(("spec", "given", "expected"), GOOD)
def test_a_good_value_is_typed(spec: dict[str, Any], given: Any, expected: Any) -> None:
    value = resolve_one(spec, given)
    assert value == expected
    assert type(value) is type(expected)
    assert json.loads(json.dumps(value)) == expected


def received(reason: str, value: str) -> str:
    return f"Invalid input for `x`, {reason}, but received `{value}`"


BAD: list[tuple[dict[str, Any], Any, str]] = [
    (INT, "abc", received("it must be an integer", "abc")),
    (INT, "4.2", received("it must be an integer", "4.2")),
    (INT, " 4", received("it must be an integer", " 4")),
    (INT, True, received("it must be an integer", "true")),
    (
        INT,
        "2147483648",
        received("it must be an integer between `-2147483648` and `2147483647`", "2147483648"),
    ),
    (BOUNDED_INT, "9", received("it must be more than `10`", "9")),
    (BOUNDED_INT, "21", received("it must be less than `20`", "21")),
    (FLOAT, "abc", received("it must be a number", "abc")),
    (FLOAT, "NaN", received("it must be a number", "NaN")),
    (FLOAT, "1e999", received("it must be a finite number", "1e999")),
    (BOUNDED_FLOAT, "0.01", received("it must be more than `0.1`", "0.01")),
    (BOUNDED_FLOAT, "1.01", received("it must be less than `0.5`", "1.01")),
    ({"type": "BOOLEAN"}, "yes", received("it must be `true` or `false`", "yes")),
    ({"type": "BOOL"}, 1, received("it must be `true` or `false`", "1")),
    (PATTERN, "foo", received(r"it must match the pattern `A\d+`", "foo")),
    (PATTERN, "A1x", received(r"it must match the pattern `A\d+`", "A1x")),
    (STRING, {"a": 1}, received("it must be a string", "{a=1}")),
    (
        {"type": "SECRET", "validator": "s.*"},
        "nope",
        received("it must match the pattern `s.*`", "******"),
    ),
    (SELECT, "c", received("it must match the values `[a, b]`", "c")),
    (
        {"type": "ENUM", "values": ["ENUM_VALUE", "OTHER_ONE"]},
        "INVALID",
        received("it must match the values `[ENUM_VALUE, OTHER_ONE]`", "INVALID"),
    ),
    (MULTI, ["a", "z"], received("it must match the values `[a, b, c]`", "[a, z]")),
    (MULTI, "a,b", received("it must be a JSON array", "a,b")),
    (
        DATETIME,
        "2019-10-06",
        received(
            "it must be an ISO-8601 date-time with a time zone, like `2042-04-02T04:20:42Z`",
            "2019-10-06",
        ),
    ),
    (
        DATETIME,
        "2019-10-06T18:27:49",
        received(
            "it must be an ISO-8601 date-time with a time zone, like `2042-04-02T04:20:42Z`",
            "2019-10-06T18:27:49",
        ),
    ),
    (
        DATETIME,
        "2019-02-30T00:00:00Z",
        received(
            "it must be an ISO-8601 date-time with a time zone, like `2042-04-02T04:20:42Z`",
            "2019-02-30T00:00:00Z",
        ),
    ),
    (
        BOUNDED_DATETIME,
        "2022-01-01T00:00:00Z",
        received("it must be after `2023-01-01T00:00:00Z`", "2022-01-01T00:00:00Z"),
    ),
    (
        BOUNDED_DATETIME,
        "2024-01-01T00:00:00Z",
        received("it must be before `2023-12-31T23:59:59Z`", "2024-01-01T00:00:00Z"),
    ),
    (DATE, "2042-13-01", received("it must be an ISO-8601 date, like `2042-12-03`", "2042-13-01")),
    (DATE, "20421203", received("it must be an ISO-8601 date, like `2042-12-03`", "20421203")),
    (BOUNDED_DATE, "2022-01-01", received("it must be after `2023-01-01`", "2022-01-01")),
    (BOUNDED_DATE, "2024-01-01", received("it must be before `2023-12-31`", "2024-01-01")),
    (TIME, "25:00", received("it must be an ISO-8601 time, like `10:15:30`", "25:00")),
    (TIME, "10h15", received("it must be an ISO-8601 time, like `10:15:30`", "10h15")),
    (BOUNDED_TIME, "00:00:01", received("it must be after `01:00`", "00:00:01")),
    (BOUNDED_TIME, "14:00:00", received("it must be before `11:59:59`", "14:00:00")),
    (
        DURATION,
        "5 minutes",
        received("it must be an ISO-8601 duration, like `PT5M6S`", "5 minutes"),
    ),
    (DURATION, "PT", received("it must be an ISO-8601 duration, like `PT5M6S`", "PT")),
    (DURATION, "P1Y", received("it must be an ISO-8601 duration, like `PT5M6S`", "P1Y")),
    (BOUNDED_DURATION, "PT1S", received("It must be more than `PT10S`", "PT1S")),
    (BOUNDED_DURATION, "PT30S", received("It must be less than `PT20S`", "PT30S")),
    (
        {"type": "URI"},
        "http:/bla",
        received("Expected `URI` but received `http:/bla`", "http:/bla"),
    ),
    (
        {"type": "URI"},
        "www.google.com",
        received("Expected `URI` but received `www.google.com`", "www.google.com"),
    ),
    (  # Kestra's URL pattern wants a lower-case, letters-only scheme and a dotted host
        {"type": "URI"},
        "s3://bucket/key",
        received("Expected `URI` but received `s3://bucket/key`", "s3://bucket/key"),
    ),
    (
        {"type": "EMAIL"},
        "not-an-email",
        received("The input must be a valid email", "not-an-email"),
    ),
    (
        INT_ARRAY,
        '["s1", "s2"]',
        received("Unable to parse array element as `INT` on `s1`", '["s1", "s2"]'),
    ),
    (INT_ARRAY, "1,2", received("it must be a JSON array", "1,2")),
    (INT_ARRAY, '{"a": 1}', received("it must be a JSON array", '{"a": 1}')),
    (
        FILE,
        "/tmp/data.csv",
        received(
            "a file cannot be uploaded here: no internal storage is available", "/tmp/data.csv"
        ),
    ),
    (
        {"type": "FILE", "allowedFileExtensions": [".csv"]},
        "kestra:///a/data.txt",
        received("the file extension must be one of `[.csv]`", "kestra:///a/data.txt"),
    ),
]


@pytest.mark.parametrize(("spec", "given", "message"), BAD)
def test_a_bad_value_is_refused_with_kestras_message(
    spec: dict[str, Any], given: Any, message: str
) -> None:
    assert refusal(spec, given) == message


@pytest.mark.parametrize(
    ("spec", "given", "start"),
    [
        ({"type": "JSON"}, "{a: 1}", "Invalid input for `x`, it must be valid JSON ("),
        ({"type": "JSON"}, "NaN", "Invalid input for `x`, it must be valid JSON ("),
        ({"type": "YAML"}, "a: [", "Invalid input for `x`, it must be valid YAML ("),
        ({"type": "YAML"}, "!!binary aGVsbG8=", "Invalid input for `x`, it holds a value that"),
    ],
)
def test_a_document_that_does_not_parse_is_refused(
    spec: dict[str, Any], given: str, start: str
) -> None:
    assert refusal(spec, given).startswith(start)


def test_a_yaml_alias_bomb_is_refused_without_expanding() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    message = refusal({"type": "YAML"}, "\n".join(lines))
    assert "it is too large or too deeply nested" in message


SPECS: dict[InputType, dict[str, Any]] = {
    InputType.SELECT: SELECT,
    InputType.ENUM: {"type": "ENUM", "values": ["a"]},
    InputType.ARRAY: INT_ARRAY,
}


@pytest.mark.parametrize("kind", list(InputType))
def test_every_type_refuses_a_missing_required_value(kind: InputType) -> None:
    spec = SPECS.get(kind, {"type": kind.value})
    expected = "Invalid input for `x`, missing required input, but received `null`"
    assert refusal(spec, None) == expected
    with pytest.raises(InputError) as caught:
        resolve_inputs([declare(spec)], {}, render=identity)
    assert caught.value.problems == [("x", expected)]


@pytest.mark.parametrize("kind", list(InputType))
def test_a_missing_optional_input_is_present_and_null(kind: InputType) -> None:
    spec = {**SPECS.get(kind, {"type": kind.value}), "required": False}
    assert resolve_inputs([declare(spec)], {}, render=identity) == {"x": None}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"type": "INT", "defaults": 5}, 5),
        ({"type": "INT", "defaults": "5"}, 5),
        ({"type": "STRING", "defaults": ""}, ""),
        ({"type": "DATETIME", "defaults": "2013-08-09T14:19:00Z"}, "2013-08-09T14:19:00Z"),
        ({"type": "DURATION", "defaults": "PT60S"}, "PT1M"),
        ({"type": "YAML", "defaults": {"list": [{"key": "k1"}]}}, {"list": [{"key": "k1"}]}),
        ({"type": "ARRAY", "itemType": "INT", "defaults": [1, 2]}, [1, 2]),
        ({**SELECT, "autoSelectFirst": True}, "a"),
        ({**SELECT, "autoSelectFirst": True, "defaults": "b"}, "b"),
    ],
)
def test_defaults_stand_in_for_a_value_not_given(spec: dict[str, Any], expected: Any) -> None:
    assert resolve_inputs([declare(spec)], {}, render=identity) == {"x": expected}
    assert resolve_inputs([declare(spec)], {"x": None}, render=identity) == {"x": expected}


def render_with(variables: dict[str, Any]) -> Callable[[Any], Any]:
    return lambda value: render_typed(value, variables)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"type": "STRING", "defaults": "hello {{ vars.name }}"}, "hello Tiercel"),
        ({"type": "INT", "defaults": "{{ vars.answer }}"}, 42),
        ({"type": "INT", "defaults": "{{ vars.answer + 1 }}"}, 43),
        ({"type": "JSON", "defaults": "{{ vars.doc }}"}, {"a": [1, 2]}),
    ],
)
def test_an_expression_default_is_rendered_then_typed(spec: dict[str, Any], expected: Any) -> None:
    render = render_with({"vars": {"name": "Tiercel", "answer": 42, "doc": {"a": [1, 2]}}})
    assert resolve_inputs([declare(spec)], {}, render=render) == {"x": expected}


def test_a_given_value_is_never_rendered() -> None:
    def fail(value: Any) -> Any:
        raise AssertionError(value)

    assert resolve_one(STRING, "{{ secret('X') }}", render=fail) == "{{ secret('X') }}"


def test_a_default_that_fails_to_render_or_to_type_is_that_inputs_problem() -> None:
    spec = {"type": "STRING", "defaults": "{{ vars.missing }}"}
    message = refusal(spec, None, render=render_with({"vars": {}}))
    assert message.startswith("Invalid input for `x`, cannot render its `defaults` (")
    assert refusal({"type": "INT", "defaults": "abc"}, None) == received(
        "it must be an integer", "abc"
    )


def test_a_select_expression_gives_the_values() -> None:
    spec = {"type": "SELECT", "expression": "{{ vars.envs }}"}
    render = render_with({"vars": {"envs": ["dev", "prod"]}})
    assert resolve_one(spec, "prod", render=render) == "prod"
    assert refusal(spec, "qa", render=render) == received(
        "it must match the values `[dev, prod]`", "qa"
    )
    printed = {"type": "MULTISELECT", "expression": "x"}
    assert resolve_one(printed, ["b"], render=lambda _: '["a", "b"]') == ["b"]


def test_a_select_expression_that_fails_is_reported_without_a_value() -> None:
    spec = {"type": "SELECT", "expression": "{{ kv('K') }}", "required": False}

    def broken(value: Any) -> Any:
        raise ExpressionError("no KV store")

    assert refusal(spec, None, render=broken) == (
        "Invalid input for `x`, Cannot render 'expression'. Cause: no KV store"
    )
    assert refusal(spec, "a", render=lambda _: 5) == (
        "Invalid input for `x`, Invalid expression result. "
        "Expected a list of strings, but received int"
    )
    both = {"type": "MULTISELECT", "values": ["a"], "options": ["a"]}
    assert (
        refusal(both, ["a"])
        == "Invalid input for `x`, you can't define both `values` and `options`"
    )


def test_a_file_goes_to_storage_unless_already_there() -> None:
    calls: list[tuple[str, Any]] = []

    def store(input_id: str, value: Any) -> str:
        calls.append((input_id, value))
        return fake_store(input_id, value)

    uri = resolve_one(FILE, "/tmp/report.csv", store_file=store)
    assert uri == "kestra:///ns/flow/executions/e1/inputs/x/report.csv"
    assert resolve_one(FILE, "kestra:///ns/flow/f.txt") == "kestra:///ns/flow/f.txt"
    files = {"type": "ARRAY", "itemType": "FILE"}
    assert resolve_one(files, ["/tmp/a.txt"], store_file=store) == [
        "kestra:///ns/flow/executions/e1/inputs/x/a.txt"
    ]
    assert calls == [("x", "/tmp/report.csv"), ("x", "/tmp/a.txt")]


def test_a_file_that_cannot_be_stored_is_that_inputs_problem() -> None:
    def missing(input_id: str, value: Any) -> str:
        raise FileNotFoundError(f"no such file: {value}")

    assert refusal(FILE, "/nope", store_file=missing) == received(
        "the file cannot be stored (no such file: /nope)", "/nope"
    )


def test_dotted_ids_nest_and_top_level_keys_are_sorted() -> None:
    inputs = [
        declare({"id": "zeta", "type": "STRING"}),
        declare({"id": "nested.string", "type": "STRING", "required": False}),
        declare({"id": "nested.more.int", "type": "INT"}),
        declare({"id": "nested.bool", "type": "BOOLEAN"}),
        declare({"id": "alpha", "type": "INT", "defaults": 1}),
    ]
    given = {"zeta": "z", "nested.more.int": "123", "nested.bool": "true"}
    result = resolve_inputs(inputs, given, render=identity)
    assert result == {
        "alpha": 1,
        "nested": {"bool": True, "more": {"int": 123}, "string": None},
        "zeta": "z",
    }
    assert list(result) == ["alpha", "nested", "zeta"]


def test_an_id_that_is_the_prefix_of_another_is_a_problem() -> None:
    inputs = [declare({"id": "a", "type": "INT"}), declare({"id": "a.b", "type": "INT"})]
    with pytest.raises(InputError) as caught:
        resolve_inputs(inputs, {"a": "1", "a.b": "2"}, render=identity)
    assert caught.value.problems == [("a.b", "Invalid input for `a.b`, its id conflicts with `a`")]


def test_every_problem_is_reported_at_once_in_declaration_order() -> None:
    inputs = [
        declare({"id": "count", "type": "INT"}),
        declare({"id": "name", "type": "STRING"}),
        declare({"id": "ok", "type": "BOOLEAN"}),
        declare({"id": "when", "type": "DATE"}),
    ]
    with pytest.raises(InputError) as caught:
        resolve_inputs(inputs, {"count": "abc", "ok": "true", "when": "soon"}, render=identity)
    problems = caught.value.problems
    assert [input_id for input_id, _ in problems] == ["count", "name", "when"]
    assert problems[0][1] == "Invalid input for `count`, it must be an integer, but received `abc`"
    assert str(caught.value).splitlines() == [f"{key}: {message}" for key, message in problems]
    assert isinstance(caught.value, ValueError)


def test_undeclared_values_are_ignored_and_a_repeated_id_keeps_the_first() -> None:
    inputs = [declare({"id": "n", "type": "INT"}), declare({"id": "n", "type": "STRING"})]
    result = resolve_inputs(inputs, {"n": "7", "stray": "x", "n.sub": 1}, render=identity)
    assert result == {"n": 7}
    assert resolve_inputs([], {"stray": 1}, render=identity) == {}


# --- Kestra's own flow: core/src/test/resources/flows/valids/inputs.yaml ---------------------


def kestra_inputs() -> list[Input]:
    data = read_documents((require_kestra_compat() / INPUTS_FLOW).read_text())[0].data
    return [ADAPTER.validate_python(spec) for spec in data["inputs"]]


def kestra_given() -> dict[str, Any]:
    catalog = json.loads((require_kestra_compat() / "catalog.json").read_text())
    entry = next(e for e in catalog if e["file"].endswith("flows/valids/inputs.yaml"))
    return {**entry["expect"]["inputs"], "file": "/tmp/application-test.yml"}


def test_kestras_inputs_flow_types_every_input_as_kestra_does() -> None:
    typed = resolve_inputs(kestra_inputs(), kestra_given(), render=identity, store_file=fake_store)
    assert json.loads(json.dumps(typed)) == typed
    expected = {
        "string": "myString",
        "enum": "ENUM_VALUE",
        "optional": None,
        "int": 42,
        "bool": False,
        "float": 42.42,
        "instant": "2019-10-06T18:27:49Z",
        "date": "2019-10-06",
        "time": "18:27:49",
        "duration": "PT5M6S",
        "file": "kestra:///ns/flow/executions/e1/inputs/file/application-test.yml",
        "optionalFile": None,
        "instantDefaults": "2013-08-09T14:19:00Z",
        "json": {"a": "b"},
        "uri": "https://www.google.com",
        "nested": {"string": "a string", "more": {"int": 123}, "bool": True},
        "validatedString": "A123",
        "validatedInt": 12,
        "validatedDate": "2023-01-02",
        "validatedDateTime": "2023-01-01T00:00:10Z",
        "validatedDuration": "PT15S",
        "validatedFloat": 0.42,
        "validatedTime": "11:27:49",
        "secret": "secret",
        "array": [1, 2, 3],
        "yaml": {"some": "property", "alist": ["of", "values"]},
        "empty": "",
    }
    assert typed == expected


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"string": None},
            "Invalid input for `string`, missing required input, but received `null`",
        ),
        ({"validatedInt": "9"}, "it must be more than `10`, but received `9`"),
        ({"validatedDuration": "PT1S"}, "It must be more than `PT10S`, but received `PT1S`"),
        ({"validatedTime": "00:00:01"}, "it must be after `01:00`, but received `00:00:01`"),
        (
            {"uri": "http:/bla"},
            "Invalid input for `uri`, Expected `URI` but received `http:/bla`, "
            "but received `http:/bla`",
        ),
        (
            {"array": '["s1", "s2"]'},
            "Invalid input for `array`, Unable to parse array element as `INT` on `s1`, "
            'but received `["s1", "s2"]`',
        ),
    ],
)
def test_kestras_inputs_flow_refuses_as_kestras_tests_expect(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError) as caught:
        resolve_inputs(
            kestra_inputs(), {**kestra_given(), **changes}, render=identity, store_file=fake_store
        )
    assert len(caught.value.problems) == 1
    assert message in caught.value.problems[0][1]


def test_kestras_enum_message_is_exact() -> None:
    with pytest.raises(InputError) as caught:
        resolve_inputs(
            kestra_inputs(),
            {**kestra_given(), "enum": "INVALID"},
            render=identity,
            store_file=fake_store,
        )
    assert str(caught.value) == (
        "enum: Invalid input for `enum`, it must match the values `[ENUM_VALUE, OTHER_ONE]`, "
        "but received `INVALID`"
    )
