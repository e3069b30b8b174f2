"""Kestra's date patterns in serdes: IonToAvro and IonToParquet read dates, times and
date-times given as text with ``dateFormat``, ``timeFormat`` and ``datetimeFormat`` (Java
patterns such as ``dd/MM/yyyy``); IonToCsv prints them with its patterns, in ``timeZoneId``."""

import io
import json
from datetime import UTC, date, datetime, time, timedelta, timezone

from tiercel.plugins.serdes.catalogue import IonToAvro, IonToCsv
from tiercel.sdk import State
from tiercel.sdk.testing import make_task, run_task

SCHEMA = {
    "type": "record",
    "name": "Sale",
    "fields": [
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "local", "type": {"type": "long", "logicalType": "local-timestamp-millis"}},
        {"name": "opens", "type": {"type": "int", "logicalType": "time-millis"}},
    ],
}
ROWS = (
    b'{day:"25/12/2024",at:"25/12/2024 10:30 +02:00",local:"25/12/2024 10:30",opens:"09h15"}\n'
    b'{day:2024-12-26,at:2024-12-26T08:00:00Z,local:"26/12/2024 23:59",opens:"18h00"}\n'
)


def test_ion_to_avro_reads_text_with_java_patterns() -> None:
    import fastavro

    task = make_task(
        IonToAvro,
        **{
            "from": "kestra:///sales.ion",
            "schema": json.dumps(SCHEMA),
            "dateFormat": "dd/MM/yyyy",
            "datetimeFormat": "dd/MM/yyyy HH:mm[ XXX]",
            "timeFormat": "HH'h'mm",
        },
    )
    result = run_task(task, files={"kestra:///sales.ion": ROWS})
    assert result.state is State.SUCCESS, result.messages()
    records = list(fastavro.reader(io.BytesIO(result.file(result.values["uri"]))))
    paris_winter = timezone(timedelta(hours=2))
    assert records == [
        {
            "day": date(2024, 12, 25),
            "at": datetime(2024, 12, 25, 10, 30, tzinfo=paris_winter).astimezone(UTC),
            "local": datetime(2024, 12, 25, 10, 30),
            "opens": time(9, 15),
        },
        {
            "day": date(2024, 12, 26),
            "at": datetime(2024, 12, 26, 8, 0, tzinfo=UTC),
            "local": datetime(2024, 12, 26, 23, 59),
            "opens": time(18, 0),
        },
    ]


def test_text_matching_no_pattern_fails_the_row_in_one_line() -> None:
    task = make_task(
        IonToAvro,
        **{"from": "kestra:///f", "schema": json.dumps(SCHEMA), "dateFormat": "dd/MM/yyyy"},
    )
    result = run_task(task, files={"kestra:///f": b'{day:"2024/12/25",at:null}\n'})
    assert result.state is State.FAILED
    assert result.error is not None and "\n" not in result.error


def test_ion_to_csv_prints_dates_with_patterns_in_the_time_zone() -> None:
    task = make_task(
        IonToCsv,
        **{
            "from": "kestra:///f",
            "dateFormat": "dd/MM/yyyy",
            "dateTimeFormat": "dd/MM/yyyy HH:mm XXX",
            "timeZoneId": "Europe/Paris",
        },
    )
    rows = b"{day:2024-12-25,at:2024-07-01T08:00:00Z,local:2024-07-01T08:00:00-00:00}\n"
    result = run_task(task, files={"kestra:///f": rows})
    assert result.state is State.SUCCESS, result.messages()
    assert result.file(result.values["uri"]).decode().splitlines() == [
        "day,at,local",
        "25/12/2024,01/07/2024 10:00 +02:00,01/07/2024 08:00 Z",
    ]
    bad = run_task(make_task(IonToCsv, **{"from": "kestra:///f", "timeZoneId": "Mars/Base"}),
                   files={"kestra:///f": rows})  # fmt: skip
    assert bad.state is State.FAILED and bad.error == "Invalid timeZoneId 'Mars/Base'"
