"""The cron syntax of the Schedule trigger: Kestra's cron-utils definition (five fields, six
with seconds, nicknames), checked without evaluating the expression."""

import pytest

from tiercel.plugins.core.trigger.cron import cron_problem


@pytest.mark.parametrize(
    "cron",
    [
        "* * * * *",
        "*/5 * * * *",
        "0 0 1 * *",
        "30 6 * * *",
        "0 11 * * 1",
        "0 9 * * MON-FRI",
        "0 0 1 jan,jul *",
        "0-30/10 8-18 1,15 1-12 0-7",
        "@hourly",
        "@daily",
        "@midnight",
        "@weekly",
        "@monthly",
        "@yearly",
        "@annually",
        "  0 0 * * *  ",
    ],
)
def test_accepted(cron: str) -> None:
    assert cron_problem(cron) is None


@pytest.mark.parametrize(
    ("cron", "reason"),
    [
        ("", "expected 5 fields, got 0"),
        ("* * * *", "expected 5 fields, got 4"),
        ("* * * * * * *", "expected 5 fields, got 7"),
        ("60 * * * *", "minutes value 60 is out of range 0-59"),
        ("* 24 * * *", "hours value 24 is out of range 0-23"),
        ("* * 0 * *", "day of month value 0 is out of range 1-31"),
        ("* * * 13 *", "month value 13 is out of range 1-12"),
        ("* * * * 8", "day of week value 8 is out of range 0-7"),
        ("*/0 * * * *", "invalid step '0' in minutes field '*/0'"),
        ("a * * * *", "invalid value 'a' in minutes field 'a'"),
        ("0 0 L * *", "invalid value 'L' in day of month field 'L'"),
        ("0 0 * * MON#2", "invalid value 'MON#2' in day of week field 'MON#2'"),
        ("1,,2 * * * *", "invalid value '' in minutes field '1,,2'"),
        ("@reboot", "unknown nickname '@reboot'"),
    ],
)
def test_refused_with_the_cron_named(cron: str, reason: str) -> None:
    problem = cron_problem(cron)
    assert problem == f"invalid cron expression '{cron}': {reason}"


def test_with_seconds_takes_six_fields() -> None:
    assert cron_problem("*/30 * * * * *", with_seconds=True) is None
    assert cron_problem("@daily", with_seconds=True) is None
    assert cron_problem("60 * * * * *", with_seconds=True) == (
        "invalid cron expression '60 * * * * *': seconds value 60 is out of range 0-59"
    )
    assert cron_problem("* * * * *", with_seconds=True) == (
        "invalid cron expression '* * * * *': expected 6 fields (withSeconds is true), got 5"
    )
