"""Before/after ratios of a benchmark, measured in one run.

``python bench/compare.py --before OLD/src bench/bench_engine.py [ARGS...]`` runs the script
alternately against the source tree ``--before`` and against this checkout's ``src`` (each in
a process of its own, ``--rounds`` times each), so that both see the same machine and load;
then prints, for every figure the script prints in milliseconds (or ms/task, µs/task, MB,
executions/min), the median before, the median after and their ratio (after / before: below
1 is faster or smaller, except for rates).

Make a ``before`` tree with ``git archive BASE src | tar -x -C /tmp/before``.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
_NUMBER = re.compile(r"-?\d[\d,]*\.?\d*")
_FIGURE = re.compile(r"(-?\d[\d,]*\.?\d*)\s*(ms/task|µs/task|ms|MB|s\b|executions/min)")


def figures(output: str) -> dict[str, float]:
    """Each figure of ``output`` by its line's label and unit (targets left out)."""
    found: dict[str, float] = {}
    columns: list[str] = []
    for line in output.splitlines():
        cells = line.split()
        if cells and all(_NUMBER.fullmatch(cell) for cell in cells):
            # A row of a table (rate/s, ended/min, p50 ms...): named by its header's columns.
            for name, cell in zip(columns[1:], cells[1:], strict=False):
                found[f"{columns[0]} {cells[0]}: {name}"] = float(cell.replace(",", ""))
            continue
        # Targets are not measured; p50, p99 name a percentile, not a figure.
        measured = re.sub(r"\bp\d+\b", "p", line.split("target")[0])
        matches = list(_FIGURE.finditer(measured))
        if not matches:
            columns = re.split(r"\s{2,}", line.strip())  # a table's header, perhaps
            continue
        label = " ".join(measured[: matches[0].start()].split())
        for match in matches:
            key = f"{label} [{match.group(2)}]"
            while key in found:
                key += "'"
            found[key] = float(match.group(1).replace(",", ""))
    return found


def run(script: Path, args: list[str], src: Path) -> str:
    """The script's output with ``src`` first on the path."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(HERE)])}
    done = subprocess.run(
        [sys.executable, str(script), *args], env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"{script.name} failed on {src}:\n{done.stderr[-2000:]}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, required=True, help="the older source tree")
    parser.add_argument("--after", type=Path, default=HERE.parent / "src")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("script", type=Path)
    parser.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    seen: dict[str, dict[str, list[float]]] = {
        "before": defaultdict(list),
        "after": defaultdict(list),
    }
    for _ in range(options.rounds):
        for side, src in (("before", options.before), ("after", options.after)):
            for key, value in figures(run(options.script, options.args, src.resolve())).items():
                seen[side][key].append(value)
    print(f"{options.script.name}: {options.rounds} rounds each, interleaved")
    print(f"{'figure':58} {'before':>10} {'after':>10} {'ratio':>6}")
    for key, values in seen["after"].items():
        old = seen["before"].get(key)
        if not old:
            continue
        before, after = statistics.median(old), statistics.median(values)
        ratio = after / before if before else float("nan")
        print(f"{key[:58]:58} {before:10.1f} {after:10.1f} {ratio:6.2f}")


if __name__ == "__main__":
    main()
