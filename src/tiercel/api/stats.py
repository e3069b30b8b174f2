"""``/stats/executions/daily``: executions per bucket of time and per state, for the dashboard's
chart, as Kestra's ``StatsController`` answers it; counted in SQL (one grouped query)."""

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from tiercel.api.bodies import StrictJsonRoute
from tiercel.api.context import ApiContext
from tiercel.api.errors import ApiError
from tiercel.api.paging import aware
from tiercel.model.execution import format_instant
from tiercel.model.property import format_duration
from tiercel.model.state import State
from tiercel.storage.paging import ExecutionFilter
from tiercel.storage.stats import GroupBy, InvalidStatisticsError, StatisticsBucket, default_group

router = APIRouter(tags=["stats"], route_class=StrictJsonRoute)

DEFAULT_RANGE = timedelta(days=30)
"""The range counted when the request gives no start date, as Kestra does."""


class StatisticRequest(BaseModel):
    """Kestra's ``StatisticRequest``, with ``groupBy`` to choose the bucket width."""

    model_config = ConfigDict(populate_by_name=True)

    q: str | None = Field(None, description="A text in the execution id or the flow id.")
    namespace: str | None = Field(None, description="A namespace, and those under it.")
    flow_id: str | None = Field(None, alias="flowId", description="A flow id.")
    start_date: datetime | None = Field(
        None, alias="startDate", description="The first instant counted; 30 days ago if unset."
    )
    end_date: datetime | None = Field(
        None, alias="endDate", description="The end of the range (excluded); now if unset."
    )
    group_by: GroupBy | None = Field(
        None,
        alias="groupBy",
        description="MINUTE, HOUR, DAY, WEEK or MONTH; chosen from the range if unset, as "
        "Kestra does (by minute up to 6 hours, by hour up to a day, by day up to 180 days, "
        "by week up to a year, by month beyond).",
    )


class DurationStatistics(BaseModel):
    """The durations of a bucket's executions, as ISO-8601 durations (``PT1.5S``)."""

    min: str
    avg: str
    max: str
    sum: str
    count: int


class DailyExecutionStatistics(BaseModel):
    """One bucket: Kestra's ``DailyExecutionStatistics``."""

    model_config = ConfigDict(populate_by_name=True)

    start_date: str = Field(alias="startDate", description="The bucket's first instant (UTC).")
    duration: DurationStatistics
    execution_counts: dict[str, int] = Field(
        alias="executionCounts", description="Executions in each state, every state listed."
    )
    group_by: str = Field(alias="groupBy", description="The bucket width, in lower case.")


@router.post(
    "/stats/executions/daily",
    response_model=list[DailyExecutionStatistics],
    response_model_by_alias=True,
    summary="Executions per bucket of time (every bucket of the range) and per state",
)
def daily_statistics(request: Request, body: StatisticRequest) -> list[dict[str, Any]]:
    """Executions created in the range, counted per bucket and per state, with their
    durations; refused with a 422 for a reversed range or one of over 5,000 buckets."""
    ctx: ApiContext = request.app.state.ctx
    end = aware(body.end_date) or ctx.clock()
    try:
        start = aware(body.start_date) or end - DEFAULT_RANGE
    except OverflowError:
        raise ApiError(422, f"no 30 days before the end date ({end.isoformat()})") from None
    group = body.group_by or default_group(start, end)
    where = ExecutionFilter(
        namespace=body.namespace or None,
        namespace_prefix=True,
        flow_id=body.flow_id or None,
        text=body.q or None,
    )
    try:
        buckets = ctx.executions.statistics(where, start, end, group)
    except InvalidStatisticsError as exc:
        raise ApiError(422, str(exc)) from None
    return [_shown(bucket, group) for bucket in buckets]


def _shown(bucket: StatisticsBucket, group: GroupBy) -> dict[str, Any]:
    average = bucket.duration_sum / bucket.count if bucket.count else 0.0
    return {
        "startDate": format_instant(bucket.start),
        "duration": {
            "min": format_duration(timedelta(seconds=bucket.duration_min)),
            "avg": format_duration(timedelta(seconds=average)),
            "max": format_duration(timedelta(seconds=bucket.duration_max)),
            "sum": format_duration(timedelta(seconds=bucket.duration_sum)),
            "count": bucket.count,
        },
        "executionCounts": {state.value: bucket.counts.get(state.value, 0) for state in State},
        "groupBy": group.value.lower(),
    }
