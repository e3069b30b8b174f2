"""Transfers through the S3 tasks against the same transfers made with boto3 directly, and
internal storage on S3 against local disk, all against a local moto server.

Run: ``python bench/bench_cloud.py [--size-mb 1024] [--small 10000]``. Each case runs in a
process of its own, so its peak resident memory (VmHWM) is its own. Prints, per case, the
seconds, the throughput and the peak memory, and for each pair the ratio of the SDK's time
to the task's (1.0: as fast as the SDK; the target is at least 0.8, with at most 150 MB).
The SDK's small-object baselines send one request per object, one after the other, as a
plain boto3 loop does; the tasks run several at once (Kestra's ``concurrentUploads``).

moto keeps every object in its own memory: a 1 GB case needs a few GB free.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
KEYS = {
    "aws_access_key_id": "AKIABENCH",
    "aws_secret_access_key": "bench",
    "region_name": "us-east-1",
}
_CHUNK = 8 * 1024 * 1024


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _client(endpoint: str) -> Any:
    import boto3
    from botocore.config import Config

    # moto assembles a multipart upload in Python: on a loaded machine completing 1 GB can
    # outlast botocore's 60-second read timeout, and the retry then fails.
    return boto3.client("s3", endpoint_url=endpoint, config=Config(read_timeout=600), **KEYS)


def _big_file(path: Path, size: int) -> None:
    block = os.urandom(1024 * 1024)
    with path.open("wb") as out:
        for _ in range(size // len(block)):
            out.write(block)


def _run_flow(root: Path, text: str) -> Any:
    from tiercel.model import load_flows
    from tiercel.registry import default_registry
    from tiercel.runtime import LocalRunner
    from tiercel.wiring import local_services

    (flow,) = load_flows(text, "bench.yaml", default_registry()).valid_flows()
    with local_services(root) as services:
        finished = LocalRunner(services).execute(flow)
    state = str(finished.execution.state.current)
    if state != "SUCCESS":
        raise SystemExit(f"the flow ended {state}: {[line.message for line in finished.logs]}")
    return finished


def _warm(root: Path, endpoint: str) -> None:
    """Import what running a flow of the S3 tasks needs and create the local services, as a
    running server has done long before: the cases time transfers, not a process start."""
    from tiercel.model import load_flows
    from tiercel.registry import default_registry
    from tiercel.runtime import LocalRunner  # noqa: F401 - imported for its import time
    from tiercel.wiring import local_services

    for kind in ("Upload", "Download", "Downloads"):
        text = _flow(f"io.kestra.plugin.aws.s3.{kind}", endpoint, {"bucket": "b", "key": "k"})
        load_flows(text, "warm.yaml", default_registry())  # imports the task's module
    with local_services(root):
        pass


def _flow(type_name: str, endpoint: str, props: dict[str, Any]) -> str:
    """A one-task flow, as JSON (which YAML reads)."""
    task = {
        "id": "transfer",
        "type": type_name,
        "endpointOverride": endpoint,
        "region": "us-east-1",
        "accessKeyId": "AKIABENCH",
        "secretKeyId": "bench",
        **props,
    }
    return json.dumps({"id": "bench", "namespace": "bench", "tasks": [task]})


def case(name: str, endpoint: str, bucket: str, size: int, small: int, work: Path) -> float:
    """Run one case in this process; its seconds."""
    from tiercel.wiring import local_services

    client = _client(endpoint)
    source = work / "big.bin"
    if name in ("sdk-upload", "task-upload", "storage-local", "storage-s3", "sdk-put-read"):
        _big_file(source, size)
    if name in ("task-small-upload", "sdk-small-upload"):
        for i in range(small):
            (work / f"s{i}.txt").write_bytes(b"x" * 1024)
    if name.startswith("task-"):
        _warm(work / "home", endpoint)
    started = time.perf_counter()
    if name == "sdk-upload":
        client.upload_file(str(source), bucket, "sdk/big.bin")
    elif name == "task-upload":
        with local_services(work / "home") as services, source.open("rb") as data:
            uri = services.storage.put("kestra:///bench/in/big.bin", data)
        started = time.perf_counter()
        _run_flow(
            work / "home",
            _flow(
                "io.kestra.plugin.aws.s3.Upload",
                endpoint,
                {"bucket": bucket, "key": "task/big.bin", "from": uri},
            ),
        )
    elif name == "sdk-download":
        # One GET streamed to disk. boto3's download_file sends parallel ranged GETs, and moto
        # reads the whole object for each of them: against moto that is quadratic (a 1 GB
        # file took longer than 15 minutes), which says nothing about S3.
        body = client.get_object(Bucket=bucket, Key="sdk/big.bin")["Body"]
        with (work / "down.bin").open("wb") as out:
            while block := body.read(_CHUNK):
                out.write(block)
    elif name == "task-download":
        _run_flow(
            work / "home",
            _flow(
                "io.kestra.plugin.aws.s3.Download",
                endpoint,
                {"bucket": bucket, "key": "task/big.bin"},
            ),
        )
    elif name == "sdk-small-upload":
        # One PUT per object, one after the other: the plain way to do it with boto3.
        for i in range(small):
            with (work / f"s{i}.txt").open("rb") as body:
                client.put_object(Bucket=bucket, Key=f"sdk-small/s{i}.txt", Body=body)
    elif name == "task-small-upload":
        uris = {}
        with local_services(work / "home") as services:
            for i in range(small):
                uris[f"s{i}.txt"] = services.storage.put(
                    f"kestra:///bench/in/s{i}.txt", (work / f"s{i}.txt").read_bytes()
                )
        started = time.perf_counter()
        _run_flow(
            work / "home",
            _flow(
                "io.kestra.plugin.aws.s3.Upload",
                endpoint,
                {"bucket": bucket, "key": "task-small", "from": uris},
            ),
        )
    elif name == "sdk-small-download":
        paginator = client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix="sdk-small/"):
            for item in page.get("Contents", []):
                body = client.get_object(Bucket=bucket, Key=item["Key"])["Body"]
                (work / "one.bin").write_bytes(body.read())
    elif name == "task-small-download":
        _run_flow(
            work / "home",
            _flow(
                "io.kestra.plugin.aws.s3.Downloads",
                endpoint,
                {
                    "bucket": bucket,
                    "prefix": "task-small/",
                    "maxKeys": small,
                    "maxFiles": small,
                    "action": "NONE",
                },
            ),
        )
    elif name == "sdk-put-read":
        # What the S3 internal storage does, written directly with boto3.
        with source.open("rb") as data:
            client.upload_fileobj(data, bucket, "sdk-storage/big.bin")
        body = client.get_object(Bucket=bucket, Key="sdk-storage/big.bin")["Body"]
        while body.read(_CHUNK):
            pass
    elif name in ("storage-local", "storage-s3"):
        from tiercel.storage import LocalInternalStorage
        from tiercel.storage.s3 import S3InternalStorage, S3Settings

        storage: Any
        if name == "storage-local":
            storage = LocalInternalStorage(work / "storage")
        else:
            storage = S3InternalStorage(
                S3Settings(
                    bucket=bucket,
                    prefix="internal",
                    endpoint=endpoint,
                    region="us-east-1",
                    access_key_id="AKIABENCH",
                    secret_key_id="bench",
                )
            )
        started = time.perf_counter()
        with source.open("rb") as data:
            uri = storage.put("kestra:///bench/storage/big.bin", data)
        with storage.open(uri) as stream:
            while stream.read(_CHUNK):
                pass
    else:
        raise SystemExit(f"unknown case {name}")
    return time.perf_counter() - started


def _child(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        seconds = case(args.case, args.endpoint, args.bucket, args.size, args.small, Path(tmp))
    print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb()}))


def _measure(name: str, endpoint: str, bucket: str, size: int, small: int) -> dict[str, float]:
    command = [sys.executable, str(HERE), "--case", name, "--endpoint", endpoint,
               "--bucket", bucket, "--size", str(size), "--small", str(small)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{name} failed: {done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _report(
    label: str, name: str, result: dict[str, float], megabytes: float, base: float = 0.0
) -> None:
    seconds, peak = result["seconds"], result["peak_mb"]
    ratio = f"   ratio {base / seconds:.2f}" if base else ""
    rate = megabytes / seconds
    print(f"{label:26} {name:>19} {seconds:7.2f} s {rate:7.1f} MB/s  peak {peak:6.1f} MB{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--only", nargs="*", help="run only these pairs (their first word)")
    parser.add_argument("--case")
    parser.add_argument("--endpoint")
    parser.add_argument("--bucket", default="bench")
    parser.add_argument("--size", type=int, default=0)
    args = parser.parse_args()
    if args.case:
        _child(args)
        return
    size = args.size_mb * 1024 * 1024
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    moto = Path(sys.executable).parent / "moto_server"
    server = subprocess.Popen([str(moto), "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                _client(endpoint).create_bucket(Bucket=args.bucket)
                break
            except Exception:
                time.sleep(0.2)
        print(f"one file of {args.size_mb} MB, and {args.small} objects of 1 KB, against moto")
        pairs = [
            ("upload", "sdk-upload", "task-upload", args.size_mb),
            ("download", "sdk-download", "task-download", args.size_mb),
            ("small upload", "sdk-small-upload", "task-small-upload", args.small / 1024),
            ("small download", "sdk-small-download", "task-small-download", args.small / 1024),
            ("internal storage put+read", "storage-local", "storage-s3", 2 * args.size_mb),
            ("internal against boto3", "sdk-put-read", "storage-s3", 2 * args.size_mb),
        ]
        for label, baseline, ours, megabytes in pairs:
            if args.only and label.split()[0] not in args.only:
                continue
            base = _measure(baseline, endpoint, args.bucket, size, args.small)
            mine = _measure(ours, endpoint, args.bucket, size, args.small)
            _report(label, baseline, base, megabytes)
            _report("", ours, mine, megabytes, base["seconds"])
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
