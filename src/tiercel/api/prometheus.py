"""``GET /metrics``: the server's state in Prometheus' text format, for scraping.

Every value is read from the stores (or from the executor's ``stats`` callable) when the
scrape arrives, not counted as events happen: a restarted server, or one of several sharing
a database, reports the same numbers as the others.
"""

import re
from collections.abc import Iterable, Iterator, Mapping

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GCCollector,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from tiercel.api.context import ApiContext
from tiercel.model.state import State

router = APIRouter(tags=["metrics"])

PREFIX = "tiercel"
_INVALID = re.compile(r"[^a-zA-Z0-9_]")

DURATION_BOUNDS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0, 3600.0)
"""The buckets of the execution-duration histogram, in seconds."""


class StoreCollector(Collector):
    """Gauges computed from the stores at each scrape."""

    def __init__(self, ctx: ApiContext) -> None:
        """Read from ``ctx``'s stores.

        Args:
            ctx: The API's context.
        """
        self._ctx = ctx

    def collect(self) -> Iterable[Metric]:
        """The executions and task runs by state, the flows and triggers deployed, and the
        executor's own numbers when the context has them."""
        yield _by_state(
            "executions",
            "Executions stored, by current state.",
            self._ctx.executions.count_by_state(),
        )
        yield _by_state(
            "task_runs",
            "Task runs stored, by current state.",
            self._ctx.executions.count_by_state(task_runs=True),
        )
        yield GaugeMetricFamily(
            f"{PREFIX}_flows", "Flows deployed (current revisions).", len(self._ctx.flows.current())
        )
        records = self._ctx.triggers.find()
        triggers = GaugeMetricFamily(
            f"{PREFIX}_triggers", "Trigger records, by whether switched off.", labels=["disabled"]
        )
        disabled = sum(1 for record in records if record.disabled)
        triggers.add_metric(["false"], len(records) - disabled)
        triggers.add_metric(["true"], disabled)
        yield triggers
        counts, total, seconds = self._ctx.executions.durations(DURATION_BOUNDS)
        durations = HistogramMetricFamily(
            f"{PREFIX}_execution_duration_seconds",
            "Ended executions, by time from creation to end.",
            buckets=[
                *(
                    (repr(bound), count)
                    for bound, count in zip(DURATION_BOUNDS, counts, strict=True)
                ),
                ("+Inf", total),
            ],
            sum_value=seconds,
        )
        yield durations
        if self._ctx.stats is not None:
            yield from _stats(self._ctx.stats())


def _by_state(name: str, documentation: str, counts: Mapping[str, int]) -> GaugeMetricFamily:
    # Every state is reported, zeros included, so a series does not vanish between scrapes.
    family = GaugeMetricFamily(f"{PREFIX}_{name}", documentation, labels=["state"])
    for state in State:
        family.add_metric([state.value], counts.get(state.value, 0))
    for other in sorted(set(counts) - {state.value for state in State}):
        family.add_metric([other], counts[other])
    return family


def _stats(values: Mapping[str, float]) -> Iterator[GaugeMetricFamily]:
    for key in sorted(values):
        name = _INVALID.sub("_", key).strip("_").lower()
        if name:
            yield GaugeMetricFamily(f"{PREFIX}_{name}", f"Executor: {key}.", float(values[key]))


def metrics_registry(ctx: ApiContext) -> CollectorRegistry:
    """A registry of the store gauges and the process's own (CPU, memory, file descriptors,
    garbage collection), separate from the library's global one so that several
    applications in one process do not clash."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(ctx))
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    return registry


@router.get("/metrics", include_in_schema=False)
def scrape(request: Request) -> Response:
    """Prometheus' text exposition of every gauge."""
    state = request.app.state
    registry: CollectorRegistry | None = getattr(state, "prometheus", None)
    if registry is None:
        # Built at the first scrape: an application never scraped registers nothing.
        registry = state.prometheus = metrics_registry(state.ctx)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
