"""The web UI against the budgets of issue 13, in the real Chromium driven by Playwright.

Run: ``python bench/bench_ui.py [--quick]``. Starts ``tiercel server local`` on a free port,
writes executions straight into its store (tests/ui/seed.py), then measures:

- the first load of the executions list (a fresh browser context: nothing cached) until its rows
  show, median of several loads (budget 1 s);
- the JavaScript of that first page, gzipped as the server sends it (budget 300 KB);
- the opening of an execution with 10,000 task runs (Gantt rows shown) and of its 100,000 log
  lines (Logs tab counting them all, first lines shown) (budget 2 s each); of the Gantt's time,
  the wait for the API's answer and the page's own work after it (reading the answer, building
  and drawing the rows: budget 1.5 s, what is left of 2 s when the API answers in 0.5 s), from
  the browser's own clock (resource timing); and the longest frame while scrolling through the
  lines (budget 100 ms: a frozen page shows as a long frame);
- the latency of a log line (its timestamp to the moment the open Logs tab shows it) and of a
  state change (the task run's state history date to the moment the open Gantt shows it)
  (budget 0.5 s each).

``--quick`` scales the large execution down (1,000 task runs, 10,000 lines) and loads the list
fewer times. Needs Chromium (``/usr/bin/chromium`` or ``$TIERCEL_CHROMIUM``) and the built UI.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.ui.conftest import UiServer, start_server, stop_server  # noqa: E402
from tests.ui.seed import large_execution, many_executions  # noqa: E402

NAMESPACE = "bench.ui"

LATENCY_FLOW = f"""
id: ticker
namespace: {NAMESPACE}
tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: "{{{{ range(1, 30) }}}}"
    tasks:
      - id: mark
        type: io.kestra.plugin.core.log.Log
        message: "mark {{{{ taskrun.value }}}}"
      - id: pause
        type: io.kestra.plugin.core.flow.Sleep
        duration: PT0.4S
"""

# Records, in the page, when each log line of the Logs tab and each Gantt row state first shows.
OBSERVE = """() => {
  window.__seen = {logs: [], states: {}};
  let first = true;  // what shows already is marked, not measured
  const note = () => {
    const now = Date.now();
    for (const el of document.querySelectorAll('.line[data-stamp]')) {
      if (el.__noted) continue;
      el.__noted = true;
      if (first || !el.textContent.includes('mark ')) continue;
      window.__seen.logs.push(now - Date.parse(el.dataset.stamp));
    }
    for (const el of document.querySelectorAll('.row[data-run-id]')) {
      const key = el.dataset.runId + '|' + el.dataset.state;
      if (!(key in window.__seen.states)) window.__seen.states[key] = first ? 0 : now;
    }
    first = false;
  };
  const what = {subtree: true, childList: true, attributes: true, characterData: true};
  new MutationObserver(note).observe(document.body, what);
  note();
}"""


def _chromium() -> str:
    path = os.environ.get("TIERCEL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        sys.exit("bench_ui needs Chromium: apt-get install chromium (or set $TIERCEL_CHROMIUM)")
    return path


# Notes, on the page's clock, when the first element matching a selector shows.
FIRST_SHOWN = """(selector) => {
  new MutationObserver(() => {
    if (!window.__shown && document.querySelector(selector)) window.__shown = performance.now();
  }).observe(document, {subtree: true, childList: true});
}"""

# The API's answer for the execution: when it was asked for and when it had fully arrived.
ANSWER_TIMING = """(id) => {
  const entry = performance.getEntriesByType('resource')
    .find((e) => new URL(e.name).pathname.endsWith('/executions/' + id));
  return entry ? [entry.startTime, entry.responseEnd, window.__shown] : null;
}"""


def _new_page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(120_000)
    return context.new_page()


def _first_list_load(browser: Any, server: UiServer, loads: int) -> tuple[float, int]:
    """Median seconds to the executions list's rows in a cold context; the page's JS gzipped."""
    timings = []
    scripts: set[str] = set()
    for _ in range(loads):
        page = _new_page(browser)
        page.on("response", lambda r: scripts.add(r.url) if r.url.endswith(".js") else None)
        began = time.perf_counter()
        page.goto(server.ui(f"executions?namespace={NAMESPACE}"))
        page.locator("table tbody tr").nth(24).wait_for()
        timings.append(time.perf_counter() - began)
        page.context.close()
    sent = 0
    for url in scripts:
        answer = httpx.get(url, headers={"Accept-Encoding": "gzip"})
        sent += answer.num_bytes_downloaded
    return statistics.median(timings), sent


def _large(
    browser: Any, server: UiServer, execution_id: str, runs: int, lines: int
) -> dict[str, float]:
    page = _new_page(browser)
    base = server.ui(f"executions/{NAMESPACE}/large/{execution_id}")
    page.goto(server.ui("dashboard"))  # the shell's code is cached: the execution is timed
    page.locator("main h1").wait_for()
    page.add_init_script(f"({FIRST_SHOWN})('.row')")
    began = time.perf_counter()
    page.goto(f"{base}/gantt")
    page.get_by_text(f"{runs:,} task runs").wait_for()
    page.locator(".row").first.wait_for()
    gantt = time.perf_counter() - began
    asked, answered, shown = page.evaluate(ANSWER_TIMING, execution_id)
    began = time.perf_counter()
    page.goto(f"{base}/logs")
    page.locator(".line[data-stamp]").first.wait_for()
    logs = time.perf_counter() - began
    # An ended execution's lines are read a page at a time; the count takes a few requests.
    page.get_by_text(f"{lines:,} lines", exact=True).wait_for()
    counted = time.perf_counter() - began
    # Scroll the whole log in 120 frames and keep the longest frame.
    longest = page.evaluate("""() => new Promise((done) => {
      const el = document.querySelector('[role=log]');
      const step = el.scrollHeight / 120;
      let last = performance.now(), worst = 0, n = 0;
      const frame = (t) => {
        worst = Math.max(worst, t - last); last = t;
        el.scrollTop += step;
        if (++n < 120) requestAnimationFrame(frame); else done(worst);
      };
      requestAnimationFrame(frame);
    })""")
    page.context.close()
    began = time.perf_counter()
    httpx.get(f"{server.api}/executions/{execution_id}", timeout=300).raise_for_status()
    api = time.perf_counter() - began
    return {
        "gantt": gantt, "logs": logs, "counted": counted, "frame": float(longest) / 1000,
        "api": api, "waited": (answered - asked) / 1000, "after": (shown - answered) / 1000,
    }  # fmt: skip


def _latencies(browser: Any, server: UiServer) -> tuple[list[float], list[float]]:
    started = httpx.post(f"{server.api}/executions/{NAMESPACE}/ticker", data={}).json()
    path = f"executions/{NAMESPACE}/ticker/{started['id']}"
    logs_page = _new_page(browser)
    gantt_page = _new_page(browser)
    logs_page.goto(server.ui(f"{path}/logs"))
    gantt_page.goto(server.ui(f"{path}/gantt"))
    logs_page.locator(".line").first.wait_for()
    gantt_page.locator(".row").first.wait_for()
    logs_page.evaluate(OBSERVE)
    gantt_page.evaluate(OBSERVE)
    opened = time.time() * 1000
    deadline = time.monotonic() + 120
    while True:
        execution = httpx.get(f"{server.api}/executions/{started['id']}").json()
        if execution["state"]["endDate"] or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    gantt_page.wait_for_timeout(1000)
    log_latency = [v / 1000 for v in logs_page.evaluate("window.__seen.logs")]
    seen: dict[str, float] = gantt_page.evaluate("window.__seen.states")
    state_latency = []
    for run in execution["taskRunList"]:
        for entry in run["state"]["histories"]:
            at = seen.get(f"{run['id']}|{entry['state']}")
            changed = _epoch_ms(entry["date"])
            if at and changed > opened:
                state_latency.append((at - changed) / 1000)
    logs_page.context.close()
    gantt_page.context.close()
    return log_latency, state_latency


def _epoch_ms(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000


def _row(name: str, value: str, budget: str, ok: bool) -> None:
    sys.stdout.write(f"{name:<52} {value:>12}   budget {budget:<10} {'ok' if ok else 'OVER'}\n")


def _summary(values: list[float]) -> tuple[float, float]:
    if not values:
        return float("nan"), float("nan")
    return statistics.median(values), max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smaller execution, fewer loads")
    args = parser.parse_args()
    runs, lines, loads = (1_000, 10_000, 3) if args.quick else (10_000, 100_000, 5)
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="tiercel-bench-ui-") as folder:
        tmp = Path(folder)
        flows = tmp / "flows"
        flows.mkdir()
        (flows / "ticker.yaml").write_text(LATENCY_FLOW)
        process, server = start_server(tmp, flows)
        try:
            data = tmp / "data"
            began = time.perf_counter()
            many_executions(data, 1_000, namespace=NAMESPACE, flow_id="many")
            execution_id = large_execution(
                data, namespace=NAMESPACE, flow_id="large", task_runs=runs, log_lines=lines
            )
            sys.stdout.write(f"seeded in {time.perf_counter() - began:.1f}s\n")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=executable,
                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
                )
                first, js = _first_list_load(browser, server, loads)
                large = _large(browser, server, execution_id, runs, lines)
                log_latency, state_latency = _latencies(browser, server)
                browser.close()
        finally:
            stop_server(process)
    load = os.getloadavg()[0]
    sys.stdout.write(f"load average while measuring: {load:.1f} on {os.cpu_count()} cores\n")
    _row("executions list, first load (median)", f"{first:.2f} s", "1 s", first <= 1)
    _row("JavaScript of the first page, gzipped", f"{js / 1024:.0f} KB", "300 KB", js <= 300 * 1024)
    _row(f"open an execution of {runs:,} task runs (Gantt)", f"{large['gantt']:.2f} s", "2 s",
         large["gantt"] <= 2)  # fmt: skip
    _row("  of which waiting for the API's answer", f"{large['waited']:.2f} s", "-", True)
    _row("  the page's work after the answer (parse, rows)", f"{large['after']:.2f} s", "1.5 s",
         large["after"] <= 1.5)  # fmt: skip
    _row("  the API's answer alone (GET /executions/{id})", f"{large['api']:.2f} s", "-", True)
    _row(f"open its {lines:,} log lines (Logs tab, first lines)", f"{large['logs']:.2f} s",
         "2 s", large["logs"] <= 2)  # fmt: skip
    _row("  ... and their count known", f"{large['counted']:.2f} s", "-", True)
    _row("longest frame scrolling through the log lines", f"{large['frame'] * 1000:.0f} ms",
         "100 ms", large["frame"] <= 0.1)  # fmt: skip
    median, worst = _summary(log_latency)
    _row(f"log line -> shown (median of {len(log_latency)})", f"{median:.2f} s", "0.5 s",
         median <= 0.5)  # fmt: skip
    _row("log line -> shown (worst)", f"{worst:.2f} s", "0.5 s", worst <= 0.5)
    median, worst = _summary(state_latency)
    _row(f"state change -> Gantt (median of {len(state_latency)})", f"{median:.2f} s", "0.5 s",
         median <= 0.5)  # fmt: skip
    _row("state change -> Gantt (worst)", f"{worst:.2f} s", "0.5 s", worst <= 0.5)


if __name__ == "__main__":
    main()
