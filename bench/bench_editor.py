"""The flow editor against the budgets of issue 15, in the real Chromium driven by Playwright.

Run: ``python bench/bench_editor.py [--tasks N] [--runs N] [--trace FILE]``. Starts ``tiercel
server local`` on a free port with one flow of 1,000 tasks (``--tasks``), opens it in the editor
``--runs`` times (a fresh page each time), and measures in the page:

- typing latency: each key's ``keydown`` to the next frame painted after it (the text shown),
  while typing in the large flow (budget 50 ms);
- the validation round trip: ``POST /flows/validate`` of the whole source (a different text
  each time, as typing makes it), from the request to the answer read (budget 300 ms); both as
  the editor makes it after a key (its ``tiercel:validate`` User Timing measure, then the
  markers applied, ``tiercel:markers``) and alone (``fetch``); the server's own wall and CPU
  time of each comes from its ``Server-Timing`` header;
- completion: the ``keydown`` of a key starting a property name to the completion list shown
  (budget 100 ms).

Each is printed as median, p95 and worst with the load average, since other work on the machine
moves them. Numbers that do not depend on that load come too: the server's CPU per validation,
the CPU of each part of the check (in this process), and the main thread's task durations while
typing, read from a Chrome performance trace (``--trace FILE`` keeps the last one, to open in
the browser's Performance panel).

Needs Chromium (``/usr/bin/chromium`` or ``$TIERCEL_CHROMIUM``) and the built UI.
"""

import argparse
import gc
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.ui.conftest import start_server, stop_server  # noqa: E402

NAMESPACE = "bench.editor"

# Each key's keydown to the paint after it; each completion list to the keydown that opened it.
RECORD = """() => {
  window.__typing = [];
  window.__completion = [];
  window.__armed = null;
  document.addEventListener('keydown', (event) => {
    const began = performance.now();
    if (window.__armed === event.key) window.__armedAt = began;
    const painted = () => window.__typing.push(performance.now() - began);
    requestAnimationFrame(() => setTimeout(painted, 0));
  }, true);
  new MutationObserver(() => {
    if (window.__armedAt && document.querySelector('.cm-tooltip-autocomplete')) {
      window.__completion.push(performance.now() - window.__armedAt);
      window.__armedAt = null;
      window.__armed = null;
    }
  }).observe(document.body, {subtree: true, childList: true});
}"""

# The source sent alone, a word changed each time (the server never sees the same text twice).
ROUND_TRIP = """async (round) => {
  const source = window.__source.replace('step 0 for', `step 0 (round ${round}) for`);
  const headers = {
    'Content-Type': 'application/x-yaml', 'X-Requested-With': 'XMLHttpRequest'
  };
  const began = performance.now();
  const path = '/api/v1/main/flows/validate';
  const answer = await fetch(path, {method: 'POST', body: source, headers});
  const body = await answer.json();
  return [performance.now() - began, body[0].problems.length, answer.headers.get('server-timing')];
}"""

# The editor's own measures, and the server's timing of each validation it sent.
EDITOR_TIMINGS = """() => ({
  validate: performance.getEntriesByName('tiercel:validate').map((e) => e.duration),
  markers: performance.getEntriesByName('tiercel:markers').map((e) => e.duration),
  server: performance.getEntriesByType('resource')
    .filter((e) => e.name.endsWith('/flows/validate') && e.serverTiming.length)
    .map((e) => Object.fromEntries(e.serverTiming.map((t) => [t.name, t.duration]))),
})"""

TRACE_CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8.execute",
    "blink.user_timing",
    "toplevel",
]
LONG_TASK_MS = 50.0


def big_flow(tasks: int) -> str:
    """A flow of ``tasks`` tasks: logs and returns reading inputs and earlier outputs."""
    lines = [
        "id: big",
        f"namespace: {NAMESPACE}",
        "inputs:",
        "  - id: who",
        "    type: STRING",
        "    defaults: world",
        "tasks:",
    ]
    for index in range(tasks):
        if index % 2 == 0:
            lines += [
                f"  - id: step_{index}",
                "    type: io.kestra.plugin.core.debug.Return",
                f'    format: "step {index} for {{{{ inputs.who }}}}"',
            ]
        else:
            lines += [
                f"  - id: step_{index}",
                "    type: io.kestra.plugin.core.log.Log",
                f'    message: "after {{{{ outputs.step_{index - 1}.value }}}}"',
                "    level: INFO",
            ]
    return "\n".join(lines) + "\n"


def _chromium() -> str:
    path = os.environ.get("TIERCEL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        sys.exit("bench_editor needs Chromium: apt-get install chromium (or $TIERCEL_CHROMIUM)")
    return path


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _report(name: str, values: list[float], budget: float | None = None) -> None:
    """One line: median, p95 and worst of ``values`` (ms), against ``budget`` when it has one."""
    if not values:
        sys.stdout.write(f"{name:<50} no sample\n")
        return
    median, p95, worst = statistics.median(values), _percentile(values, 0.95), max(values)
    line = (
        f"{name:<50} n={len(values):<4} median {median:7.1f}  p95 {p95:7.1f}  worst {worst:7.1f} ms"
    )
    if budget is not None:
        verdict = "ok" if worst <= budget else "p95 ok, worst OVER" if p95 <= budget else "OVER"
        line += f"   budget {budget:.0f} ms: {verdict}"
    sys.stdout.write(line + "\n")


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} cores"


def _main_thread_tasks(
    trace: dict[str, Any],
) -> tuple[list[float], list[float], Counter[str]]:
    """The renderer main thread's task durations and CPU times (ms), and what the long ones
    spent most in (wall time, which on a loaded machine waits for a core)."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    named = {
        (e["pid"], e["tid"]) for e in events
        if e.get("ph") == "M" and e.get("name") == "thread_name"
        and e.get("args", {}).get("name") == "CrRendererMain"
    }  # fmt: skip
    counts = Counter((e.get("pid"), e.get("tid")) for e in events)
    if not named:
        return [], [], Counter()
    main = max(named, key=lambda key: counts[key])
    mine = sorted(
        (e for e in events if (e.get("pid"), e.get("tid")) == main and e.get("ph") == "X"),
        key=lambda e: e["ts"],
    )
    tasks = [e for e in mine if e["name"] == "ThreadControllerImpl::RunTask"]
    causes: Counter[str] = Counter()
    for task in tasks:
        if task["dur"] / 1000 < LONG_TASK_MS:
            continue
        start, end = task["ts"], task["ts"] + task["dur"]
        spent: Counter[str] = Counter()
        for event in mine:
            if event["ts"] < start or event["ts"] >= end or event is task:
                continue
            data = (event.get("args") or {}).get("data") or {}
            if event["name"] == "FunctionCall":
                where = str(data.get("url", "")).rsplit("/", 1)[-1].split("-")[0]
                spent[f"script {data.get('functionName') or '?'} ({where})"] += event["dur"]
            elif event["name"] in ("MinorGC", "MajorGC", "Layout", "UpdateLayoutTree", "Paint"):
                spent[event["name"]] += event["dur"]
            elif event["name"] == "EventDispatch":
                spent[f"event {data.get('type', '?')}"] += event["dur"]
        if spent:
            causes[spent.most_common(1)[0][0]] += 1
    walls = [task["dur"] / 1000 for task in tasks]
    return walls, [task.get("tdur", 0) / 1000 for task in tasks], causes


def _type(page: Any, text: str) -> list[float]:
    page.evaluate("() => { window.__typing = []; }")
    page.keyboard.type(text, delay=40)
    return list(page.evaluate("() => window.__typing"))


def _run(browser: Any, url: str, source: str, trace: Path | None) -> dict[str, Any]:
    """One opening of the editor and every measure in it."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(120_000)
    page = context.new_page()
    began = time.perf_counter()
    page.goto(url)
    expect(page.get_by_test_id("validation-status")).to_have_text("Valid", timeout=120_000)
    opened = (time.perf_counter() - began) * 1000
    first = page.evaluate(EDITOR_TIMINGS)
    page.evaluate("(text) => { window.__source = text; }", source)
    page.evaluate(RECORD)
    page.get_by_test_id("flow-editor").click()
    keys = page.keyboard
    keys.press("Control+End")
    keys.press("Enter")
    keys.type("# ")
    # Typing right after opening (the topology and the rest still coming), untraced...
    typing = _type(page, "typing into a flow of a thousand tasks, one key at a time")
    # ...then traced, for the main thread's tasks.
    browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
    traced = _type(page, " and again while the browser records what its main thread does")
    raw = browser.stop_tracing()
    if trace is not None:
        trace.write_bytes(raw)
    tasks, tasks_cpu, causes = _main_thread_tasks(json.loads(raw))

    # The editor's own validation after a key: a comment changed, its answer awaited.
    before = len(page.evaluate(EDITOR_TIMINGS)["validate"])
    for round_ in range(8):
        keys.press("End")
        keys.type("x")
        page.wait_for_function(
            "(n) => performance.getEntriesByName('tiercel:validate').length > n",
            arg=before + round_,
        )
    editor = page.evaluate(EDITOR_TIMINGS)
    keys.press("Control+Shift+k")  # delete the line typed

    # Markers: a property the task type does not have, marked, then removed, unmarked.
    for _ in range(4):
        keys.press("Control+End")
        keys.press("Enter")
        keys.type("unknownProperty: 1")
        expect(page.get_by_test_id("validation-status")).to_contain_text("error")
        keys.press("Control+Shift+k")
        expect(page.get_by_test_id("validation-status")).to_have_text("Valid")
    markers = page.evaluate(EDITOR_TIMINGS)["markers"]

    alone, alone_server = [], []
    for round_ in range(10):
        elapsed, problems, timing = page.evaluate(ROUND_TRIP, round_)
        assert problems == 0, "the bench flow should be valid"
        alone.append(float(elapsed))
        alone_server.append(_server_timing(timing or ""))

    for _ in range(10):
        keys.press("Control+End")
        keys.press("Enter")
        page.evaluate("() => { window.__armed = 'l'; }")
        keys.type("l")
        page.locator(".cm-tooltip-autocomplete").wait_for()
        keys.press("Escape")
        keys.press("Control+Shift+k")
    completion = list(page.evaluate("() => window.__completion"))
    context.close()
    return {
        "opened": opened,
        "first_validation": first["validate"][:1],
        "typing": typing + traced,
        "tasks": tasks,
        "tasks_cpu": tasks_cpu,
        "causes": causes,
        "editor_trips": editor["validate"][before:],
        "markers": markers,
        "first_server": first["server"][:1],
        "editor_server": editor["server"][before:],
        "alone": alone,
        "alone_server": alone_server,
        "completion": completion,
    }


def _server_timing(header: str) -> dict[str, float]:
    found = {}
    for part in header.split(","):
        name, _, rest = part.strip().partition(";")
        for attribute in rest.split(";"):
            if attribute.startswith("dur="):
                found[name] = float(attribute[4:])
    return found


def _phases(source: str, rounds: int = 10) -> dict[str, list[float]]:
    """CPU ms of each part of the server's check of ``source``, in this process."""
    from tiercel.api.flow_checks import checked
    from tiercel.model import checks, defaults, flow, loader
    from tiercel.model import source as sources
    from tiercel.model.catalog import CATALOG_CONTEXT_KEY
    from tiercel.registry import default_registry

    registry = default_registry()
    checked(source, 0, registry)  # the classes used imported, as in a running server
    spent: dict[str, list[float]] = {}

    def timed(name: str, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        cpu = time.process_time()
        value = work(*args, **kwargs)
        spent.setdefault(name, []).append((time.process_time() - cpu) * 1000)
        return value

    context = {CATALOG_CONTEXT_KEY: registry}
    paused = gc.isenabled()
    gc.disable()  # as the route does
    try:
        for _ in range(rounds):
            document = timed("parse YAML", sources.read_documents, source)[0]
            data = defaults.apply_plugin_defaults(document.data, registry)
            timed("expression checks", checks.expression_violations, data, registry)
            model = timed("build and check models", flow.Flow.model_validate, data, context=context)
            timed("flow rules", checks.check_flow, model)
            timed("deprecation notices", loader._notices, model, document, "x", registry)
            timed("whole check (route)", checked, source, 0, registry)
    finally:
        if paused:
            gc.enable()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=1_000, help="tasks in the flow opened")
    parser.add_argument("--runs", type=int, default=3, help="times the editor is opened")
    parser.add_argument("--trace", type=Path, help="keep the last run's typing trace here")
    args = parser.parse_args()
    executable = _chromium()
    source = big_flow(args.tasks)
    from playwright.sync_api import sync_playwright

    runs: list[dict[str, Any]] = []
    loads = [_load()]
    with tempfile.TemporaryDirectory(prefix="tiercel-bench-editor-") as folder:
        tmp = Path(folder)
        flows = tmp / "flows"
        flows.mkdir()
        (flows / "big.yaml").write_text(source)
        process, server = start_server(tmp, flows)
        try:
            # The server builds the flow schema on its first request: not part of the budgets.
            began = time.perf_counter()
            httpx.get(f"{server.api}/plugins/schemas/flow", timeout=300)
            sys.stdout.write(f"flow schema built in {time.perf_counter() - began:.1f}s\n")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=executable,
                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
                )
                for index in range(args.runs):
                    url = server.ui(f"flows/edit/{NAMESPACE}/big")
                    runs.append(_run(browser, url, source, args.trace))
                    loads.append(_load())
                    sys.stdout.write(f"run {index + 1}/{args.runs} done; {loads[-1]}\n")
                browser.close()
        finally:
            stop_server(process)

    def every(key: str) -> list[Any]:
        return [value for run in runs for value in run[key]]

    sys.stdout.write(
        f"\nflow of {args.tasks:,} tasks, {len(source.splitlines()):,} lines, "
        f"{len(source) / 1024:.0f} KB; {args.runs} runs; before: {loads[0]}; after: {loads[-1]}\n"
    )
    sys.stdout.write("-- wall times (move with the machine's load)\n")
    _report("typing latency, keydown to paint", every("typing"), 50)
    _report("validation round trip, editor (after a key)", every("editor_trips"), 300)
    _report("validation round trip, request alone", every("alone"), 300)
    _report("completion opens, keydown to list shown", every("completion"), 100)
    _report("editor opened, to 'Valid' shown", [run["opened"] for run in runs])
    _report("first validation after opening", every("first_validation"))
    _report("  its server wall time", [t["validate"] for t in every("first_server") if t])
    _report("  its server CPU", [t["cpu"] for t in every("first_server") if t])
    server_wall = [t["validate"] for t in every("editor_server") + every("alone_server") if t]
    _report("server wall time per validation", server_wall)
    sys.stdout.write("-- CPU-side (independent of the load, as far as a shared CPU allows)\n")
    server_cpu = [t["cpu"] for t in every("editor_server") + every("alone_server") if t]
    _report("server CPU per validation (Server-Timing)", server_cpu)
    for name, values in _phases(source).items():
        _report(f"  check part: {name} (CPU, in process)", values)
    _report("client: markers applied (tiercel:markers)", every("markers"))
    tasks = every("tasks")
    _report("main-thread task CPU while typing (trace)", every("tasks_cpu"), 50)
    _report("main-thread task wall while typing (trace)", tasks)
    long_tasks = [t for t in tasks if t >= LONG_TASK_MS]
    causes = Counter[str]()
    for run in runs:
        causes.update(run["causes"])
    sys.stdout.write(
        f"main-thread tasks over {LONG_TASK_MS:.0f} ms while typing: {len(long_tasks)} of "
        f"{len(tasks)}; most time in: "
        + (", ".join(f"{name} x{count}" for name, count in causes.most_common(5)) or "none")
        + "\n"
    )


if __name__ == "__main__":
    main()
