"""The cost of script tasks on the embedded backend.

Run: ``python bench/bench_scripts.py``. Prints:
  - a trivial ``python.Script`` task against ``python -c`` of the same code with the same
    interpreter: the orchestration overhead of a script task (median of 20 runs each);
  - a flow with ``dependencies: [pandas]``: its first run (the environment is built) and its
    second (reused), against the same flow without dependencies.
The Python environments are built in a fresh cache directory, so the first run is a real one.
"""

import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from tiercel.model import Flow, load_flows
from tiercel.plugins.scripts.python_env import ensure_env
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.runtime.services import Services
from tiercel.wiring import local_services

CODE = "import sys\nprint(sys.prefix)"


def flow(text: str) -> Flow:
    return load_flows(text, "bench.yaml", default_registry()).valid_flows()[0]


def script_flow(dependencies: str = "") -> Flow:
    return flow(
        "id: script\nnamespace: bench\ntasks:\n"
        "  - id: py\n    type: io.kestra.plugin.scripts.python.Script\n"
        f"{dependencies}"
        "    script: |\n"
        "      import sys\n"
        "      print(sys.prefix)\n"
    )


def run(services: Services, target: Flow) -> float:
    start = time.perf_counter()
    finished = LocalRunner(services).execute(target)
    elapsed = time.perf_counter() - start
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as root:
        os.environ["TIERCEL_CACHE_DIR"] = cache
        with local_services(Path(root)) as services:
            plain = script_flow()
            run(services, plain)  # builds the plain environment once
            task = statistics.median(run(services, plain) for _ in range(20))
            # The same interpreter the task runs: the plain environment's.
            python = str(ensure_env([]).python)
            direct = []
            for _ in range(20):
                start = time.perf_counter()
                subprocess.run([python, "-c", CODE], check=True, capture_output=True)
                direct.append(time.perf_counter() - start)
            bare = statistics.median(direct)
            print(f"python.Script task (whole flow)   {task * 1000:7.1f} ms")
            print(f"python -c                         {bare * 1000:7.1f} ms")
            print(f"overhead per script task          {(task - bare) * 1000:7.1f} ms   target < 60")
            with_deps = script_flow("    dependencies: [pandas]\n")
            first = run(services, with_deps)
            second = statistics.median(run(services, with_deps) for _ in range(5))
            print(f"dependencies [pandas], first run  {first * 1000:7.1f} ms")
            extra = (second - task) * 1000
            print(f"dependencies [pandas], second run {second * 1000:7.1f} ms   "
                  f"{extra:+.1f} ms against none   target < +1500")  # fmt: skip


if __name__ == "__main__":
    main()
