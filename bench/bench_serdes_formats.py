"""serdes Avro, Parquet, Excel and XML: each writer on a generated Ion file (ten mixed
columns), then its reader on the result, each in a flow run in its own process, with rows/s
and peak memory (max RSS): run at two sizes to see whether memory grows with the file.

``python bench/bench_serdes_formats.py [rows ...]`` (100000 and 300000 by default).
"""

import subprocess
import sys
import tempfile
from pathlib import Path

SIZES = [int(a) for a in sys.argv[1:]] or [100_000, 300_000]
PAIRS = [
    ("avro.IonToAvro", "avro.AvroToIon"),
    ("parquet.IonToParquet", "parquet.ParquetToIon"),
    ("excel.IonToExcel", "excel.ExcelToIon"),
    ("xml.IonToXml", "xml.XmlToIon"),
]
EXTRA = {"xml.XmlToIon": "    query: /items/item\n"}

FLOW = """
id: bench_formats
namespace: bench
inputs:
  - id: file
    type: FILE
tasks:
  - id: convert
    type: io.kestra.plugin.serdes.{task}
    from: "{{{{ inputs.file }}}}"
{extra}"""

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
    start = time.perf_counter()
    finished = LocalRunner(services).execute(flow, inputs={"file": source})
    seconds = time.perf_counter() - start
    run = [r for r in finished.task_runs if r.task_id == "convert"][0]
    assert str(run.state.current) == "SUCCESS", [line.message for line in finished.logs]
    uri = run.outputs.get("uri") or next(iter(run.outputs["uris"].values()))
    with services.storage.open(uri) as stored, open(target, "wb") as out:
        while block := stored.read(1 << 20):
            out.write(block)
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def _generate(path: Path, rows: int) -> None:
    with path.open("w") as out:
        for i in range(rows):
            note = "null" if i % 3 else '"n"'
            out.write(
                f'{{id:{i},amount:{i * 7919 % 10**9},label:"label {i % 97}",price:{i % 1000}.25,'
                f"ratio:{(i % 1000) / 1000}e0,flag:{'true' if i % 2 else 'false'},"
                f"at:2024-01-{1 + i % 28:02d}T10:{i % 60:02d}:00Z,day:2024-02-{1 + i % 28:02d},"
                f'email:"user-{i % 977}@example.com",note:{note}}}\n'
            )


def _run(task: str, source: Path, target: Path, data: Path) -> tuple[float, float]:
    flow = FLOW.format(task=task, extra=EXTRA.get(task, ""))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, flow, str(data), str(source), str(target)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    seconds, rss = done.stdout.split()
    return float(seconds), float(rss)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="tiercel-bench-formats-") as work:
        root = Path(work)
        for rows in SIZES:
            source = root / f"rows-{rows}.ion"
            _generate(source, rows)
            print(f"{rows:,} rows, {source.stat().st_size / 1e6:.0f} MB of Ion")
            for writer, reader in PAIRS:
                middle = root / f"{writer}-{rows}.out"
                back = root / f"{reader}-{rows}.ion"
                for task, src, dst in ((writer, source, middle), (reader, middle, back)):
                    seconds, rss = _run(task, src, dst, root / f"data-{task}-{rows}")
                    print(f"  {task:22} {seconds:6.1f} s  {rows / seconds:9,.0f} rows/s  "
                          f"peak RSS {rss:4.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
