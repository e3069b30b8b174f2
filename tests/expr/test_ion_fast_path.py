"""The Ion codec's fast path (through the json module) reads what the tokenizer reads."""

import math
from decimal import Decimal
from typing import Any

import pytest

from tiercel.expr.ion import _NOT_JSON, _loads_as_json
from tiercel.expr.ion_reader import Reader
from tiercel.sdk import ion

FAST = [
    '{id:1,label:"name-1",amount:0.01,ratio:0.5e0,flag:false,at:2024-01-01T00:00:01Z,'
    "local:2024-01-01T00:01:00-00:00,day:2024-01-02,note:null}",
    '{a:1.,b:-3.,c:[1,2.5,3e0,"x"],"q n":{x:2024T}}',
    '{a:[2024-01-01,{b:2024-01-02T00:00Z}],s:"2024-01-01T00:00:00Z",u:"\\u00e9"}',
    "[1,2]",
    '{a:"it\'s",b:"x\\"y\\\\",c:"\\\\"}',
    '"text"',
]
SLOW = ["{a:sym}", "{a:null.int}", "{'a':1}", "{a:1,}", "{a:1.5d3}", "{a:0x1F}", "{a:{{aGk=}}}",
        "{a:NaN}", "{a:b::1}", '{a:"x\\x41"}']  # fmt: skip


def _kinds(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _kinds(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_kinds(item) for item in value]
    return type(value).__name__


@pytest.mark.parametrize("text", FAST)
def test_common_lines_take_the_fast_path_with_the_same_values(text: str) -> None:
    fast = _loads_as_json(text)
    assert fast is not _NOT_JSON
    slow = Reader(text).document()
    assert fast == slow
    assert _kinds(fast) == _kinds(slow)  # timestamps stay Timestamp, decimals Decimal


@pytest.mark.parametrize("text", SLOW)
def test_other_ion_falls_back_to_the_tokenizer(text: str) -> None:
    assert _loads_as_json(text) is _NOT_JSON
    assert ion.loads(text) == Reader(text).document()


def test_specials_and_decimal_points() -> None:
    value = ion.loads("{d:nan,p:+inf,m:-inf,one:1.,neg:-0.}")
    assert math.isnan(value["d"]) and value["p"] == math.inf and value["m"] == -math.inf
    assert value["one"] == Decimal("1") and str(value["one"]) == "1"
    assert isinstance(ion.loads("{t:2024-01-01T00:00:00Z}")["t"], ion.Timestamp)


def test_lines_of_one_shape_with_other_digits_read_as_the_tokenizer_reads_them() -> None:
    """The rewrite of a line is worked out once per shape (its numbers masked): each line
    still gets its own digits back, whatever the length of their runs."""
    lines = [
        f"{{id:{n},v2:{n}.{n % 7},r:{n}e-{n % 3},at:2024-0{1 + n % 9}-1{n % 10}T0{n % 10}:00:0"
        f'{n % 10}.{n}Z,d:2024-01-0{1 + n % 9},s:"{n}",l:[{n},{n}.],t:2024T,x12:-{n}}}'
        for n in (0, 7, 42, 1234, 99999, 123456789, 10**20 + 3)
    ]
    for text in lines:
        fast = _loads_as_json(text)
        assert fast is not _NOT_JSON, text
        slow = Reader(text).document()
        assert fast == slow, text
        assert _kinds(fast) == _kinds(slow), text
