"""serdes throughput: ``CsvToIon`` then ``IonToCsv`` on a generated CSV file (ten mixed
columns), each in a flow run in its own process, with its MB/s and peak memory (max RSS).

``python bench/bench_serdes.py [megabytes]`` (200 MB by default; the target is stated for
1 GB: at or above 50 MB/s with memory that does not grow with the file).
"""

import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MEGABYTES = int(sys.argv[1]) if len(sys.argv) > 1 else 200

FLOW = """
id: bench_serdes
namespace: bench
inputs:
  - id: file
    type: FILE
tasks:
  - id: convert
    type: io.kestra.plugin.serdes.csv.{task}
    from: "{{{{ inputs.file }}}}"
"""

SCRIPT = """
import resource, sys, time
from pathlib import Path
from tiercel.model import load_flows
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.wiring import local_services
flow_text, data, source, target = sys.argv[1:5]
(flow,) = load_flows(flow_text.encode(), "bench.yaml", default_registry()).valid_flows()
with local_services(Path(data)) as services:
    runner = LocalRunner(services)
    start = time.perf_counter()
    cpu = time.process_time()
    finished = runner.execute(flow, inputs={"file": source})
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    run = [r for r in finished.task_runs if r.task_id == "convert"][0]
    assert str(run.state.current) == "SUCCESS", [line.message for line in finished.logs]
    with services.storage.open(run.outputs["uri"]) as stored, open(target, "wb") as out:
        while block := stored.read(1 << 20):
            out.write(block)
print(seconds, run.outputs["size"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, cpu)
"""


def _generate(path: Path, megabytes: int) -> int:
    """A CSV file of about ``megabytes`` MB; its row count."""
    rng = random.Random(7)
    # Quoted fields (a separator, doubled quotes) as real files have them.
    words = ["alpha", "beta", '"gamma, delta"', '"say ""hi"""', "epsilon", "zeta"]
    block = []
    for i in range(10_000):
        block.append(
            f"{i},{rng.randint(0, 10**9)},{rng.choice(words) if i % 5 else ''},"
            f"{rng.random() * 1000:.2f},{rng.random():.6f},{'true' if i % 2 else 'false'},"
            f"2024-01-{1 + i % 28:02d}T10:{i % 60:02d}:00Z,2024-02-{1 + i % 28:02d},"
            f"user-{i % 977}@example.com,note number {i}\n"
        )
    header = "id,amount,label,price,ratio,flag,at,day,email,note\n"
    chunk = "".join(block)
    rows = 0
    with path.open("w") as out:
        out.write(header)
        while out.tell() < megabytes * 1_000_000:
            out.write(chunk)
            rows += len(block)
    return rows


def _run(task: str, source: Path, target: Path, data: Path) -> tuple[float, int, float, float]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, FLOW.format(task=task), str(data), str(source),
         str(target)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    seconds, size, rss, cpu = done.stdout.split()
    return float(seconds), int(size), float(rss), float(cpu)


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="tiercel-bench-serdes-") as work:
        root = Path(work)
        source = root / "input.csv"
        start = time.perf_counter()
        rows = _generate(source, MEGABYTES)
        print(f"generated {source.stat().st_size / 1e6:.0f} MB, {rows:,} rows in "
              f"{time.perf_counter() - start:.1f} s")  # fmt: skip
        # A reference measured on the same (possibly busy) machine: Python's csv module
        # reading the file, and a plain copy of it, converting nothing.
        start = time.perf_counter()
        cpu = time.process_time()
        with source.open(newline="") as text:
            for _ in csv.reader(text):
                pass
        parse = time.perf_counter() - start
        parse_cpu = time.process_time() - cpu
        start = time.perf_counter()
        shutil.copyfile(source, root / "copy.csv")
        copy = time.perf_counter() - start
        size = source.stat().st_size / 1e6
        print(
            f"reference: csv.reader alone {size / parse:.1f} MB/s ({size / parse_cpu:.1f} MB per "
            f"CPU second), file copy {size / copy:.0f} MB/s; load average {_load()}"
        )
        ion_file = root / "output.ion"
        csv_file = root / "output.csv"
        for task, src, dst in (
            ("CsvToIon", source, ion_file),
            ("IonToCsv", ion_file, csv_file),
        ):
            seconds, size, rss, cpu = _run(task, src, dst, root / f"data-{task}")
            assert size == rows, (size, rows)
            megabytes = src.stat().st_size / 1e6
            print(f"{task}: {megabytes:.0f} MB in {seconds:.1f} s = {megabytes / seconds:.1f} MB/s "
                  f"(read), {rows / seconds:,.0f} rows/s, {cpu:.1f} CPU s (all threads) = "
                  f"{megabytes / cpu:.1f} MB per CPU second, peak RSS {rss:.0f} MB "
                  f"(target >= 50 MB/s, flat memory); load average {_load()}")  # fmt: skip


if __name__ == "__main__":
    main()
