"""``IonRows.lines`` (a batch encoded a column at a time, for ``STORE``) writes the text of
``IonRows.line`` row by row, for every type the drivers return, nulls among them."""

import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tiercel.plugins.jdbc.values import IonRows, Mapper
from tiercel.sdk import ion

PARIS = ZoneInfo("Europe/Paris")
ROWS = [
    (1, "plain", Decimal("12.50"), 0.5, True, datetime(2024, 1, 1, 10, 0, tzinfo=UTC),
     datetime(2024, 1, 1, 10, 0, 0, 123456), date(2024, 2, 1), b"\x00\xff", None),
    (None, 'say "hi"\n\\ é ✓ \x01', Decimal("5"), float("nan"), False,
     datetime(2024, 7, 1, 23, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
     None, None, None, [1, "a", None]),
    (-(2**70), None, Decimal("1E+3"), float("-inf"), None, None,
     datetime(1999, 12, 31, 23, 59, 59), date(1, 1, 1), bytearray(b"x"), {"k": Decimal("1.0")}),
    (3, "", None, 1e300, True, datetime(2024, 3, 31, 0, 59, tzinfo=UTC), None, None, None,
     uuid.UUID(int=7)),
    (4, "x", Decimal("-0.001"), None, False, None, None, None, None, time(10, 5)),
]  # fmt: skip
NAMES = ["id", "text", "amount", "ratio", "flag", "at_zone", "at_local", "day", "raw", "other"]


@pytest.mark.parametrize("zone", [UTC, PARIS, None])
def test_lines_writes_what_line_writes_for_every_type(zone: ZoneInfo | None) -> None:
    writer = IonRows(NAMES, Mapper(zone))
    expected = "".join(writer.line(row) for row in ROWS)
    assert writer.lines(ROWS) == expected
    assert writer.lines(ROWS[:1]) == writer.line(ROWS[0])
    read = [ion.loads(line) for line in expected.splitlines()]
    assert read[0]["amount"] == Decimal("12.50") and read[1]["id"] is None
    assert read[1]["text"] == 'say "hi"\n\\ é ✓ \x01'


def test_lines_of_uniform_columns_and_of_adapted_values() -> None:
    rows = [
        (i, f"n{i}", datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=i)) for i in range(50)
    ]
    writer = IonRows(["id", "name", "at"], Mapper(UTC))
    text = writer.lines(rows)
    assert text.splitlines()[1] == '{id:1,name:"n1",at:2024-01-01T00:00:01Z}'
    assert text == "".join(writer.line(row) for row in rows)
    adapted = IonRows(["id", "name", "at"], Mapper(UTC, [None, str.upper, None]))
    assert adapted.lines(rows[:2]).splitlines()[1] == '{id:1,name:"N1",at:2024-01-01T00:00:01Z}'
    assert IonRows([], Mapper(UTC)).lines([(), ()]) == "{}\n{}\n"
