"""``sdk.ion_columns``: blocks converted side by side come back in order, few at a time, and
a failure reaches the caller."""

import threading
import time
from collections.abc import Iterator

import pytest

from tiercel.sdk import ion, ion_columns


def test_in_order_keeps_the_order_and_holds_few_items() -> None:
    lock = threading.Lock()
    read = 0
    held = 0
    most = 0

    def items() -> Iterator[int]:
        nonlocal read
        for number in range(20):
            read += 1
            yield number

    def convert(number: int) -> int:
        nonlocal held, most
        with lock:
            held += 1
            most = max(most, held)
        # Later items finish first, unless the order is kept by the caller.
        time.sleep(0.01 if number % 2 else 0)
        with lock:
            held -= 1
        return number * 10

    results = []
    for number, result in ion_columns.in_order(convert, items(), workers=2):
        results.append((number, result))
        # Never more than workers + 1 items taken from the source ahead of the caller.
        assert read - len(results) <= 2
    assert results == [(number, number * 10) for number in range(20)]
    assert most <= 2


def test_in_order_raises_the_first_failure() -> None:
    def convert(number: int) -> int:
        if number == 3:
            raise ValueError("block 3 is bad")
        return number

    seen = []
    with pytest.raises(ValueError, match="block 3 is bad"):
        for number, _ in ion_columns.in_order(convert, iter(range(10))):
            seen.append(number)
    assert seen == [0, 1, 2]


def test_the_string_escaping_is_the_codecs() -> None:
    pa, _ = ion_columns.modules()
    values = ["plain", 'a "q" \\ b', "tab\tline\nret\r", "ctl\x01\x1f", None, "é ✓"]
    escaped = ion_columns.escape_for_ion(pa.array(values, type=pa.string())).to_pylist()
    for value, text in zip(values, escaped, strict=True):
        assert text == (None if value is None else ion.dumps(value)[1:-1])
