"""The date conditions: the day, the weekday, holidays, date and time ranges."""

from typing import Any

import pytest
from condition_support import at, check

CORE = "io.kestra.plugin.core.condition."


@pytest.mark.parametrize(
    ("date", "day", "expected"),
    [
        ("2024-02-21", "WEDNESDAY", True),
        ("2024-02-21", "THURSDAY", False),
        # The day of a moment is read in its own zone, not in UTC.
        ("2024-02-21T23:30:00-05:00", "WEDNESDAY", True),
        ("2024-02-22T00:30:00+01:00[Europe/Paris]", "THURSDAY", True),
        ("2024-02-22T00:30Z", "WEDNESDAY", False),
    ],
)
def test_day_week(date: str, day: str, expected: bool) -> None:
    assert check({"type": CORE + "DayWeek", "dayOfWeek": day}, at(date)) is expected


def test_day_week_reads_the_date_property_and_legacy_alias() -> None:
    condition = {
        "type": "io.kestra.core.models.conditions.types.DayWeekCondition",
        "date": "{{ trigger.date | dateAdd(1, 'DAYS') }}",
        "dayOfWeek": "{{ 'THURSDAY' }}",
    }
    assert check(condition, at("2024-02-21T10:00:00Z"))


@pytest.mark.parametrize(
    ("date", "day", "which", "expected"),
    [
        ("2021-04-01", "MONDAY", "FIRST", False),
        ("2021-04-05", "MONDAY", "FIRST", True),
        ("2021-04-01", "THURSDAY", "FIRST", True),
        ("2021-04-01", "MONDAY", "LAST", False),
        ("2021-04-26", "MONDAY", "LAST", True),
        ("2021-04-12", "MONDAY", "SECOND", True),
        ("2021-04-19", "MONDAY", "THIRD", True),
        ("2021-04-26", "MONDAY", "FOURTH", True),
        ("2021-04-19", "MONDAY", "FOURTH", False),
        ("2021-04-29", "THURSDAY", "LAST", True),
        ("2021-04-30T09:00:00+02:00", "FRIDAY", "LAST", True),
    ],
)
def test_day_week_in_month(date: str, day: str, which: str, expected: bool) -> None:
    condition = {"type": CORE + "DayWeekInMonth", "dayOfWeek": day, "dayInMonth": which}
    assert check(condition, at(date)) is expected


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2024-02-24", True),
        ("2024-02-25T23:59:59+01:00", True),
        ("2024-02-26", False),
        # Sunday night in New York is Monday in UTC: the date's own zone decides.
        ("2024-02-25T22:00:00-05:00", True),
        ("2024-02-26T03:00:00Z", False),
    ],
)
def test_weekend(date: str, expected: bool) -> None:
    assert check({"type": CORE + "Weekend"}, at(date)) is expected


@pytest.mark.parametrize(
    ("date", "country", "subdivision", "expected"),
    [
        ("2023-07-14", "FR", None, True),
        ("2023-03-08", "DE", "BE", True),
        ("2023-01-02", "FR", None, False),
        ("2023-03-08", "DE", None, False),
        ("2023-12-25T10:00:00+01:00", "fr", None, True),
    ],
)
def test_public_holiday(date: str, country: str, subdivision: str | None, expected: bool) -> None:
    condition: dict[str, Any] = {"type": CORE + "PublicHoliday", "country": country}
    if subdivision:
        condition["subDivision"] = subdivision
    assert check(condition, at(date)) is expected


def test_public_holiday_refuses_an_unknown_country() -> None:
    with pytest.raises(ValueError, match="XX"):
        check({"type": CORE + "PublicHoliday", "country": "XX"}, at("2023-07-14"))


def test_public_holiday_can_be_negated_to_mean_work_days() -> None:
    work_days = {
        "type": CORE + "Not",
        "conditions": [
            {"type": CORE + "PublicHoliday", "country": "FR"},
            {"type": CORE + "Weekend"},
        ],
    }
    assert check(work_days, at("2023-07-13T11:00:00+02:00"))
    assert not check(work_days, at("2023-07-14T11:00:00+02:00"))
    assert not check(work_days, at("2023-07-15T11:00:00+02:00"))


DATE = "2013-09-08T16:19:12+02:00"


@pytest.mark.parametrize(
    ("after", "before", "expected"),
    [
        ("2013-09-08T16:18:12+02:00", "2013-09-08T16:20:12+02:00", True),
        ("2013-09-08T16:18:12+02:00", None, True),
        (None, "2013-09-08T16:20:12+02:00", True),
        (None, "2013-09-08T16:18:12+02:00", False),
        ("2013-09-08T16:20:12+02:00", None, False),
        # Both ends are included.
        (DATE, DATE, True),
        # Compared as instants, whatever the zones.
        ("2013-09-08T14:19:12Z", None, True),
        ("2013-09-08T14:19:13Z", None, False),
        # A bound without a zone is read in the date's.
        ("2013-09-08T16:19:00", "2013-09-08T16:20:00", True),
        ("{{ trigger.date | dateAdd(-1, 'HOURS') }}", None, True),
    ],
)
def test_date_time_between(after: str | None, before: str | None, expected: bool) -> None:
    condition: dict[str, Any] = {"type": CORE + "DateTimeBetween"}
    if after:
        condition["after"] = after
    if before:
        condition["before"] = before
    assert check(condition, at(DATE)) is expected


def test_date_time_between_needs_a_bound() -> None:
    with pytest.raises(ValueError, match="no before nor after"):
        check({"type": CORE + "DateTimeBetween"}, at(DATE))


@pytest.mark.parametrize("date", ["2013-09-08T16:19:12", "tomorrow", "2013-09-08"])
def test_date_time_between_needs_a_zoned_date(date: str) -> None:
    condition = {"type": CORE + "DateTimeBetween", "after": "2013-01-01T00:00:00Z"}
    with pytest.raises(ValueError, match=r"could not be parsed|no time-zone"):
        check(condition, at(date))


TIME = "2024-02-21T16:19:12+02:00"


@pytest.mark.parametrize(
    ("after", "before", "expected"),
    [
        ("16:19:11+02:00", None, True),
        ("17:19:12+02:00", None, False),
        ("16:18:12+02:00", "16:20:12+02:00", True),
        (None, "16:20:12+02:00", True),
        (None, "16:18:12+02:00", False),
        # Both ends are excluded.
        ("16:19:12+02:00", None, False),
        (None, "16:19:12+02:00", False),
        # Other offsets: 14:19:12 UTC lies between 15:00+01:00 and 15:30+01:00.
        ("15:00:00+01:00", "15:30:00+01:00", True),
        ("14:00:00Z", "14:30:00Z", True),
        # A time without an offset is read at the date's offset.
        ("16:00:00", "17:00:00", True),
    ],
)
def test_time_between(after: str | None, before: str | None, expected: bool) -> None:
    condition: dict[str, Any] = {"type": CORE + "TimeBetween"}
    if after:
        condition["after"] = after
    if before:
        condition["before"] = before
    assert check(condition, at(TIME)) is expected


def test_time_between_needs_a_bound() -> None:
    with pytest.raises(ValueError, match="no before nor after"):
        check({"type": CORE + "TimeBetween"}, at(TIME))
