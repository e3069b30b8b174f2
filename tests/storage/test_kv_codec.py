"""The KV value codec and Java-style durations."""

from datetime import timedelta

import pytest

from tiercel.storage.kv import (
    KVType,
    decode_value,
    encode_value,
    format_duration,
    infer_kv_type,
    parse_duration,
)


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(0), "PT0S"),
        (timedelta(seconds=5), "PT5S"),
        (timedelta(minutes=90), "PT1H30M"),
        (timedelta(days=2), "PT48H"),
        (timedelta(milliseconds=1500), "PT1.5S"),
        (timedelta(microseconds=1), "PT0.000001S"),
        (timedelta(hours=1, seconds=1), "PT1H1S"),
        (-timedelta(minutes=1), "-PT1M"),
    ],
)
def test_durations_print_as_java_does(span: timedelta, text: str) -> None:
    assert format_duration(span) == text
    assert parse_duration(text) == span


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("P1D", timedelta(days=1)),
        ("P1DT2H", timedelta(days=1, hours=2)),
        ("pt5m", timedelta(minutes=5)),
        ("PT0,5S", timedelta(milliseconds=500)),
        ("PT1.123456789S", timedelta(seconds=1, microseconds=123456)),
        ("+PT1S", timedelta(seconds=1)),
    ],
)
def test_durations_parse_as_java_does(text: str, span: timedelta) -> None:
    assert parse_duration(text) == span


@pytest.mark.parametrize("text", ["", "P", "PT", "P1DT", "PT1", "1H", "P1W", "PT1H1D", "x"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_stored_text_is_json() -> None:
    assert encode_value("a") == (KVType.STRING, '"a"')
    assert encode_value(timedelta(minutes=5)) == (KVType.DURATION, '"PT5M"')
    assert encode_value({"k": "ü"}) == (KVType.JSON, '{"k":"ü"}')
    assert decode_value("NUMBER", "2") == 2


def test_a_bool_is_not_a_number() -> None:
    assert infer_kv_type(True) is KVType.BOOLEAN
    assert infer_kv_type(1) is KVType.NUMBER
