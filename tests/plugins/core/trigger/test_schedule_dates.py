"""The dates of Schedule and ScheduleOnDates triggers: cron-utils' rules, zones, DST."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tiercel.plugins.core.trigger.cron import CronDates, format_date, resolve_zone
from tiercel.plugins.core.trigger.schedule import Schedule
from tiercel.plugins.core.trigger.schedule_on_dates import (
    ScheduleOnDates,
    first_after,
    last_before,
)

T0 = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)  # a Monday
PARIS = ZoneInfo("Europe/Paris")


def dates(cron: str, start: datetime, count: int, *, seconds: bool = False, zone=UTC) -> list[str]:
    found, moment = [], start
    cron_dates = CronDates(cron, seconds, zone)
    for _ in range(count):
        moment = cron_dates.next_after(moment)
        found.append(format_date(moment, zone))
    return found


def schedule(**fields: object) -> Schedule:
    return Schedule.model_validate(
        {"id": "s", "type": "io.kestra.plugin.core.trigger.Schedule", **fields}
    )


def test_next_and_previous_are_strict() -> None:
    trigger = schedule(cron="*/15 * * * *")
    assert trigger.next_date(T0) == T0 + timedelta(minutes=15)
    assert trigger.previous_date(T0) == T0 - timedelta(minutes=15)
    assert trigger.previous_date(T0 + timedelta(microseconds=1)) == T0


def test_day_of_month_or_day_of_week_when_both_are_restricted() -> None:
    # The 1st of the month, and every Monday (UNIX cron and cron-utils for Kestra).
    assert dates("0 0 1 * 1", datetime(2024, 1, 29, tzinfo=UTC), 3) == [
        "2024-02-01T00:00:00Z",
        "2024-02-05T00:00:00Z",
        "2024-02-12T00:00:00Z",
    ]
    # Only one restricted: that one decides.
    assert dates("0 0 * * MON", T0, 2) == ["2024-01-08T00:00:00Z", "2024-01-15T00:00:00Z"]
    assert dates("0 0 15 * *", T0, 2) == ["2024-01-15T00:00:00Z", "2024-02-15T00:00:00Z"]


def test_seven_and_zero_are_sunday_and_names_work() -> None:
    assert dates("0 9 * * 7", T0, 1) == dates("0 9 * * 0", T0, 1) == ["2024-01-07T09:00:00Z"]
    assert dates("0 9 1 FEB *", T0, 1) == ["2024-02-01T09:00:00Z"]


@pytest.mark.parametrize(
    ("nickname", "expected"),
    [
        ("@hourly", "2024-01-01T11:00:00Z"),
        ("@daily", "2024-01-02T00:00:00Z"),
        ("@midnight", "2024-01-02T00:00:00Z"),
        ("@weekly", "2024-01-07T00:00:00Z"),
        ("@monthly", "2024-02-01T00:00:00Z"),
        ("@yearly", "2025-01-01T00:00:00Z"),
        ("@annually", "2025-01-01T00:00:00Z"),
    ],
)
def test_nicknames(nickname: str, expected: str) -> None:
    assert dates(nickname, T0, 1) == [expected]
    assert dates(nickname, T0, 1, seconds=True) == [expected]


def test_with_seconds_reads_seconds_first() -> None:
    assert dates("30 */10 * * * *", T0, 2, seconds=True) == [
        "2024-01-01T10:00:30Z",
        "2024-01-01T10:10:30Z",
    ]


def test_spring_forward_fires_after_the_gap() -> None:
    start = datetime(2024, 3, 31, 1, 0, tzinfo=PARIS)
    # 02:00 and 02:30 do not exist: they land on 03:00 and 03:30, which fire once each.
    assert dates("*/30 * * * *", start, 4, zone=PARIS) == [
        "2024-03-31T01:30:00+01:00",
        "2024-03-31T03:00:00+02:00",
        "2024-03-31T03:30:00+02:00",
        "2024-03-31T04:00:00+02:00",
    ]


def test_fall_back_repeats_frequent_dates_only() -> None:
    start = datetime(2024, 10, 27, 1, 45, tzinfo=PARIS)
    assert dates("0 * * * *", start, 3, zone=PARIS) == [
        "2024-10-27T02:00:00+02:00",
        "2024-10-27T02:00:00+01:00",
        "2024-10-27T03:00:00+01:00",
    ]
    assert dates("0 2 * * *", start, 2, zone=PARIS) == [
        "2024-10-27T02:00:00+02:00",
        "2024-10-28T02:00:00+01:00",
    ]
    previous = CronDates("0 * * * *", False, PARIS).previous_before(
        datetime(2024, 10, 27, 1, 30, tzinfo=UTC)
    )
    # Python never finds a date of the repeated hour equal to one of another zone: compare
    # in UTC.
    assert previous.astimezone(UTC) == datetime(2024, 10, 27, 1, 0, tzinfo=UTC)


def test_an_impossible_date_raises() -> None:
    with pytest.raises(ValueError, match="no date"):
        schedule(cron="0 0 30 2 *").next_date(T0)


def test_variables_use_the_trigger_zone() -> None:
    trigger = schedule(cron="0 10 * * *", timezone="Europe/Paris")
    date = trigger.next_date(T0)
    assert date == datetime(2024, 1, 2, 9, 0, tzinfo=UTC)
    assert trigger.variables(date) == {
        "date": "2024-01-02T10:00:00+01:00",
        "next": "2024-01-03T10:00:00+01:00",
        "previous": "2024-01-01T10:00:00+01:00",
    }
    assert schedule(cron="0 10 * * *").zone() is UTC  # UTC unless a timezone is set


@pytest.mark.parametrize(
    ("zone_id", "offset"),
    [
        (None, timedelta(0)),
        ("Z", timedelta(0)),
        ("UTC", timedelta(0)),
        ("+02:00", timedelta(hours=2)),
        ("-0530", timedelta(hours=-5, minutes=-30)),
        ("GMT+3", timedelta(hours=3)),
        ("Asia/Kolkata", timedelta(hours=5, minutes=30)),
    ],
)
def test_zone_ids(zone_id: str | None, offset: timedelta) -> None:
    assert T0.astimezone(resolve_zone(zone_id)).utcoffset() == offset


def test_unknown_zone() -> None:
    with pytest.raises(ValueError, match="not a valid time-zone ID"):
        resolve_zone("Mars/Olympus")


def test_format_date() -> None:
    assert format_date(T0, UTC) == "2024-01-01T10:00:00Z"
    assert format_date(T0, timezone(timedelta(hours=-3))) == "2024-01-01T07:00:00-03:00"


def test_schedule_on_dates_parses_and_sorts() -> None:
    trigger = ScheduleOnDates.model_validate(
        {
            "id": "d",
            "type": "io.kestra.plugin.core.trigger.ScheduleOnDates",
            "dates": ["2024-01-02T10:00:00Z"],
        }
    )
    parsed = trigger.dates_in(
        [
            "2024-01-03T10:00:00",
            "2024-01-02T10:00:00.500+01:00[Europe/Paris]",
            datetime(2024, 1, 1, 8, tzinfo=UTC),
        ],
        PARIS,
    )
    assert [d.astimezone(UTC).isoformat() for d in parsed] == [
        "2024-01-01T08:00:00+00:00",
        "2024-01-02T09:00:00+00:00",
        "2024-01-03T09:00:00+00:00",
    ]
    assert first_after(parsed, parsed[0]) == parsed[1]
    assert last_before(parsed, parsed[1]) == parsed[1]
    assert first_after(parsed, parsed[2]) is None
    assert ScheduleOnDates.variables(parsed[0], PARIS) == {"date": "2024-01-01T09:00:00+01:00"}
    with pytest.raises(ValueError, match="not a date-time"):
        trigger.dates_in(["soon"], UTC)
