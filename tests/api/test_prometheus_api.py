"""``GET /metrics`` at the root: Prometheus text with executions and task runs by state read
from the stores, flows and triggers, the executor's own gauges, and the process's."""

from prometheus_client.parser import text_string_to_metric_families
from tests.api.conftest import LiveServer

HELLO = """\
id: hello
namespace: company.team
tasks:
  - id: one
    type: io.kestra.plugin.core.log.Log
    message: one
  - id: two
    type: io.kestra.plugin.core.log.Log
    message: two
triggers:
  - id: yearly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 0 1 1 *"
"""


def scrape(live: LiveServer) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = live.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_gauges_follow_the_stores(live: LiveServer) -> None:
    empty = scrape(live)
    assert empty[("tiercel_executions", (("state", "SUCCESS"),))] == 0
    assert empty[("tiercel_flows", ())] == 0
    assert ("process_resident_memory_bytes", ()) in empty
    assert any(name.startswith("python_gc_") for name, _ in empty)

    live.deploy(HELLO)
    for _ in range(2):
        created = live.client.post("/api/v1/main/executions/company.team/hello").json()
        assert live.wait_ended(created["id"])["state"]["current"] == "SUCCESS"
    samples = scrape(live)
    assert samples[("tiercel_executions", (("state", "SUCCESS"),))] == 2
    assert samples[("tiercel_executions", (("state", "RUNNING"),))] == 0
    assert samples[("tiercel_task_runs", (("state", "SUCCESS"),))] == 4
    assert samples[("tiercel_flows", ())] == 1
    assert samples[("tiercel_triggers", (("disabled", "false"),))] == 1
    assert samples[("tiercel_triggers", (("disabled", "true"),))] == 0


def test_executor_stats_are_exposed_when_wired(live: LiveServer) -> None:
    live.server.app.state.ctx.stats = lambda: {"queue_depth": 3, "worker busy-threads": 1.0}
    samples = scrape(live)
    assert samples[("tiercel_queue_depth", ())] == 3
    assert samples[("tiercel_worker_busy_threads", ())] == 1


def test_metrics_is_only_at_the_root(live: LiveServer) -> None:
    # Under the API prefix, /metrics/{id} is an execution's metrics, not Prometheus'.
    response = live.client.get("/api/v1/main/metrics/unknown-execution")
    assert response.status_code == 404 and "unknown-execution" in response.json()["message"]
    assert live.client.post("/metrics").status_code == 405


SLOW = """\
id: slow
namespace: company.team
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT0.3S
"""


def test_execution_durations_are_a_histogram(live: LiveServer) -> None:
    live.deploy(HELLO)
    live.deploy(SLOW)
    for flow in ("hello", "slow", "slow"):
        created = live.client.post(f"/api/v1/main/executions/company.team/{flow}").json()
        live.wait_ended(created["id"])
    # Long enough to be running when scraped, however slow the machine; killed afterwards.
    live.deploy(SLOW.replace("id: slow", "id: long").replace("PT0.3S", "PT60S"))
    running = live.client.post("/api/v1/main/executions/company.team/long").json()
    samples = scrape(live)
    name = "tiercel_execution_duration_seconds"
    assert samples[(f"{name}_count", ())] == 3  # the running one is not counted
    assert samples[(f"{name}_bucket", (("le", "0.25"),))] == 1  # hello
    assert samples[(f"{name}_bucket", (("le", "5.0"),))] == 3
    assert samples[(f"{name}_bucket", (("le", "+Inf"),))] == 3
    assert 0.6 <= samples[(f"{name}_sum", ())] < 5
    live.client.post(f"/api/v1/main/executions/{running['id']}/kill")
    live.wait_ended(running["id"])
