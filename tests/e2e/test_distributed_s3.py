"""Roles in processes of their own, on PostgreSQL and internal storage on S3 (a moto
server), each in a folder of its own: no shared disk. A FILE input uploaded to the API server
is read by a worker, and a file one task writes is read by the next, as an object in the
bucket."""

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import boto3
import httpx
import pytest
from tests.conftest import free_port
from tests.plugins.cloud_services import executable, service

FLOW = """\
id: relay
namespace: shared
inputs:
  - id: doc
    type: FILE
tasks:
  - id: write
    type: io.kestra.plugin.core.storage.Write
    content: "{{ read(inputs.doc) }} relayed"
    extension: .txt
  - id: check
    type: io.kestra.plugin.core.debug.Return
    format: "{{ read(outputs.write.uri) }}"
"""

TERMINAL = {"SUCCESS", "WARNING", "FAILED", "KILLED", "CANCELLED"}
BUCKET = "tiercel-storage"


@pytest.fixture
def moto(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    argv = [executable("moto_server"), "-H", "127.0.0.1", "-p", str(port)]
    with service(argv, port, tmp_path / "moto.log"):
        endpoint = f"http://127.0.0.1:{port}"
        s3(endpoint).create_bucket(Bucket=BUCKET)
        yield endpoint


def s3(endpoint: str) -> object:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="AKIAE2E",
        aws_secret_access_key="e2e-secret",
        region_name="us-east-1",
    )


def test_processes_share_files_through_s3_only(
    tmp_path: Path, postgres_url: str, moto: str
) -> None:
    port = free_port()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for role in ("executor", "webserver", "worker", "worker"):
            home = tmp_path / f"{role}-{len(processes)}"
            home.mkdir()
            config = home / "tiercel.yaml"
            config.write_text(
                "tiercel:\n"
                f"  database-url: {postgres_url}\n"
                f"  data-dir: {home / 'data'}\n"
                f"  port: {port}\n"
                "  storage:\n"
                "    type: s3\n"
                f"    bucket: {BUCKET}\n"
                "    prefix: internal\n"
                f"    endpoint: {moto}\n"
                "    region: us-east-1\n"
                "    access-key-id: AKIAE2E\n"
                "    secret-key-id: e2e-secret\n"
            )
            command = [sys.executable, "-m", "tiercel", "server", role, "--config", str(config)]
            with (home / "server.log").open("wb") as log:
                processes.append(
                    subprocess.Popen(command, cwd=home, stdout=log, stderr=subprocess.STDOUT)
                )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 240  # a loaded machine starts four processes slowly
        while True:
            try:
                if httpx.get(f"{url}/ping", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the API server did not start"
            time.sleep(0.2)
        with httpx.Client(base_url=f"{url}/api/v1/main", timeout=30) as client:
            deployed = client.post(
                "/flows", content=FLOW, headers={"Content-Type": "application/x-yaml"}
            )
            assert deployed.status_code == 200, deployed.text
            ids = []
            for i in range(4):
                created = client.post(
                    "/executions/shared/relay",
                    files={"doc": (f"doc{i}.txt", f"hello {i}".encode(), "text/plain")},
                )
                assert created.status_code == 200, created.text
                ids.append(created.json()["id"])
            final = {}
            deadline = time.monotonic() + 240
            while len(final) < len(ids) and time.monotonic() < deadline:
                for eid in ids:
                    body = client.get(f"/executions/{eid}").json()
                    if body["state"]["current"] in TERMINAL:
                        final[eid] = body
                time.sleep(0.2)
            assert len(final) == len(ids), "executions never ended"
            for i, eid in enumerate(ids):
                body = final[eid]
                assert body["state"]["current"] == "SUCCESS", body
                runs = {run["taskId"]: run for run in body["taskRunList"]}
                assert runs["check"]["outputs"]["value"] == f"hello {i} relayed"
                written = unquote(runs["write"]["outputs"]["uri"].removeprefix("kestra:///"))
                stored = s3(moto).get_object(Bucket=BUCKET, Key=f"internal/{written}")  # type: ignore[attr-defined]
                assert stored["Body"].read() == f"hello {i} relayed".encode()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    keys = [o["Key"] for o in s3(moto).list_objects_v2(Bucket=BUCKET)["Contents"]]  # type: ignore[attr-defined]
    assert all(key.startswith("internal/shared/relay/") for key in keys), keys
    assert len(keys) >= 8, "each execution stored its input and its written file on S3"
    assert not list(tmp_path.glob("*/data/storage/**/*.txt")), "no file went to a local disk"
