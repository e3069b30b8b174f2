"""The GCS tasks in real flows against gcp-storage-emulator."""

from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
import yaml
from gcp_support import client, task
from tests.plugins.cloud_flows import (
    TriggerProbe,
    all_logs,
    errors,
    load_trigger,
    outputs,
    run,
    state,
    stored,
    unique,
    write,
)

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.gcp.gcs.create_bucket import CreateBucket
from tiercel.sdk.testing import TestRunContext, make_task


@pytest.fixture
def gcs(gcs_endpoint: str) -> Any:
    return client(gcs_endpoint)


@pytest.fixture
def bucket(gcs: Any) -> str:
    name = unique("gbucket")
    gcs.create_bucket(name)
    return name


def put(gcs: Any, bucket: str, name: str, body: bytes) -> None:
    gcs.bucket(bucket).blob(name).upload_from_string(body)


def names(gcs: Any, bucket: str) -> list[str]:
    return sorted(blob.name for blob in gcs.list_blobs(bucket))


def test_create_bucket_upload_and_download_by_the_seed_alias(
    tmp_path: Path, gcs_endpoint: str, gcs: Any
) -> None:
    name = unique("created")
    finished = run(
        tmp_path,
        task("create", "io.kestra.plugin.gcp.gcs.CreateBucket", gcs_endpoint, f"name: {name}"),
        write("file", "hello gcs"),
        task(
            "upload",
            "io.kestra.plugin.gcp.gcs.Upload",
            gcs_endpoint,
            f"""\
            from: "{{{{ outputs.file.uri }}}}"
            to: gs://{name}/dir/hello.txt
            contentType: text/plain
            """,
        ),
        task(
            "download",
            "io.kestra.plugin.fs.gcs.Download",
            gcs_endpoint,
            f"from: gs://{name}/dir/hello.txt\n",
        ),
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    created = outputs(finished, "create")
    assert created["created"] is True and created["bucket"]["name"] == name
    uploaded = outputs(finished, "upload")
    assert uploaded["uri"] == f"gs://{name}/dir/hello.txt" and uploaded["md5"]
    blob = gcs.bucket(name).get_blob("dir/hello.txt")
    assert blob.download_as_bytes() == b"hello gcs" and blob.content_type == "text/plain"
    downloaded = outputs(finished, "download")
    assert downloaded["bucket"] == name and downloaded["path"] == "dir/hello.txt"
    assert stored(tmp_path, downloaded["uri"]) == b"hello gcs"


def test_create_bucket_refuses_an_existing_one_unless_told(
    tmp_path: Path, gcs_endpoint: str, bucket: str
) -> None:
    finished = run(
        tmp_path,
        task("again", "io.kestra.plugin.gcp.gcs.CreateBucket", gcs_endpoint, f"name: {bucket}"),
    )
    assert errors(finished, "again") == [
        f"Bucket {bucket} already exists and ifExists policy is set to ERROR !"
    ]
    finished = run(
        tmp_path / "2",
        task(
            "skip",
            "io.kestra.plugin.gcp.gcs.CreateBucket",
            gcs_endpoint,
            f"name: {bucket}\nifExists: SKIP\n",
        ),
    )
    assert outputs(finished, "skip")["created"] is False


def test_list_downloads_with_move_and_copy_delete(
    tmp_path: Path, gcs_endpoint: str, gcs: Any, bucket: str
) -> None:
    for name, body in {"in/a.csv": b"a", "in/b.csv": b"bb", "in/sub/c.csv": b"c"}.items():
        put(gcs, bucket, name, body)
    finished = run(
        tmp_path,
        task("list", "io.kestra.plugin.gcp.gcs.List", gcs_endpoint, f"from: gs://{bucket}/in/\n"),
        task(
            "all",
            "io.kestra.plugin.gcp.gcs.List",
            gcs_endpoint,
            f"from: gs://{bucket}/in/\nlistingType: RECURSIVE\nregExp: '.*/c\\.csv'\n",
        ),
        task(
            "many",
            "io.kestra.plugin.gcp.gcs.Downloads",
            gcs_endpoint,
            f"from: gs://{bucket}/in/\naction: MOVE\nmoveDirectory: gs://{bucket}/done\n",
        ),
        task(
            "copy",
            "io.kestra.plugin.gcp.gcs.Copy",
            gcs_endpoint,
            f"from: gs://{bucket}/done/a.csv\nto: gs://{bucket}/copy/a.csv\n",
        ),
        task(
            "delete",
            "io.kestra.plugin.gcp.gcs.Delete",
            gcs_endpoint,
            f"uri: gs://{bucket}/done/a.csv\n",
        ),
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    listed = outputs(finished, "list")["blobs"]
    assert [b["name"] for b in listed] == ["in/a.csv", "in/b.csv"]
    assert listed[1]["size"] == 2 and listed[1]["uri"] == f"gs://{bucket}/in/b.csv"
    assert [b["name"] for b in outputs(finished, "all")["blobs"]] == ["in/sub/c.csv"]
    many = outputs(finished, "many")
    assert stored(tmp_path, many["outputFiles"]["in/b.csv"]) == b"bb"
    assert outputs(finished, "copy") == {"uri": f"gs://{bucket}/copy/a.csv"}
    assert outputs(finished, "delete")["deleted"] is True
    assert names(gcs, bucket) == ["copy/a.csv", "done/b.csv", "in/sub/c.csv"]


def test_delete_list_counts_what_it_deleted(
    tmp_path: Path, gcs_endpoint: str, gcs: Any, bucket: str
) -> None:
    put(gcs, bucket, "logs/1", b"123")
    put(gcs, bucket, "logs/2", b"45")
    put(gcs, bucket, "keep", b"k")
    finished = run(
        tmp_path,
        task(
            "purge",
            "io.kestra.plugin.gcp.gcs.DeleteList",
            gcs_endpoint,
            f"from: gs://{bucket}/logs/\n",
        ),
    )
    assert outputs(finished, "purge") == {"count": 2, "size": 5}
    assert names(gcs, bucket) == ["keep"]


def test_missing_blob_and_malformed_service_account_fail_in_one_line(
    tmp_path: Path, gcs_endpoint: str, bucket: str
) -> None:
    finished = run(
        tmp_path,
        task(
            "get",
            "io.kestra.plugin.gcp.gcs.Download",
            gcs_endpoint,
            f"from: gs://{bucket}/none.txt\n",
        ),
    )
    (missing,) = errors(finished, "get")
    assert missing == f"Unable to find blob on bucket '{bucket}' with path 'none.txt'"
    finished = run(
        tmp_path / "2",
        task(
            "bad",
            "io.kestra.plugin.gcp.gcs.List",
            gcs_endpoint,
            'from: gs://x/\nserviceAccount: \'{"type": "service_account", '
            '"private_key": "s3cr3t-key-material"}\'\n',
        ),
    )
    assert state(finished, "bad") == "FAILED"
    (bad,) = errors(finished, "bad")
    assert bad.startswith("Invalid service account JSON key: ") and "\n" not in bad
    assert "s3cr3t-key-material" not in all_logs(finished)


def test_listing_a_missing_bucket_gives_the_provider_message(
    tmp_path: Path, gcs_endpoint: str
) -> None:
    finished = run(
        tmp_path,
        task("list", "io.kestra.plugin.gcp.gcs.List", gcs_endpoint, "from: gs://no-bucket/\n"),
    )
    (message,) = errors(finished, "list")
    assert message.startswith("Unable to list 'gs://no-bucket/': 404 ")


def test_the_trigger_fires_once_per_generation_and_deletes(
    gcs_endpoint: str, gcs: Any, bucket: str
) -> None:
    put(gcs, bucket, "in/x.json", b"{}")
    probe = TriggerProbe()
    base = {
        "type": "io.kestra.plugin.gcp.gcs.Trigger",
        "endpoint": gcs_endpoint,
        "projectId": "test",
        "from": f"gs://{bucket}/in/",
    }
    watch = load_trigger(base)
    (emission,) = watch.evaluate(probe)
    (fired,) = emission.variables["blobs"]
    assert fired["name"] == "in/x.json" and fired["changeType"] == "CREATE"
    assert probe.stored[fired["uri"]] == b"{}"
    assert watch.evaluate(probe) == []
    put(gcs, bucket, "in/x.json", b"{1}")
    (emission,) = watch.evaluate(probe)
    assert emission.variables["blobs"][0]["changeType"] == "UPDATE"
    deleting = load_trigger({**base, "action": "DELETE"})
    put(gcs, bucket, "in/y.json", b"y")
    (emission,) = deleting.evaluate(TriggerProbe())
    assert {b["name"] for b in emission.variables["blobs"]} == {"in/x.json", "in/y.json"}
    assert names(gcs, bucket) == []


def test_a_file_larger_than_one_chunk_goes_up_and_down_whole(
    tmp_path: Path, gcs_endpoint: str, gcs: Any, bucket: str
) -> None:
    content = bytes(range(256)) * (9 * 4096)  # 9 MiB: two resumable chunks of 8 MiB
    finished = run(
        tmp_path,
        task(
            "up",
            "io.kestra.plugin.gcp.gcs.Upload",
            gcs_endpoint,
            f"from: kestra:///company/team/big.bin\nto: gs://{bucket}/big.bin\n",
        ),
        task(
            "down",
            "io.kestra.plugin.gcp.gcs.Download",
            gcs_endpoint,
            f"from: gs://{bucket}/big.bin\n",
        ),
        files={"kestra:///company/team/big.bin": content},
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    assert gcs.bucket(bucket).get_blob("big.bin").size == len(content)
    assert stored(tmp_path, outputs(finished, "down")["uri"]) == content


def test_create_bucket_with_kestra_bucket_settings(
    tmp_path: Path, gcs_endpoint: str, gcs: Any
) -> None:
    name = unique("configured")
    settings = f"""\
    name: {name}
    indexPage: index.html
    notFoundPage: 404.html
    defaultEventBasedHold: false
    retentionPeriod: 3600
    lifecycleRules:
      - condition: {{age: 30}}
        action: {{type: DELETE}}
      - condition: {{age: 7}}
        action: {{type: SET_STORAGE_CLASS, value: NEARLINE}}
    cors:
      - maxAgeSeconds: 60
        methods: [GET, HEAD]
        origins: [{{value: "https://example.com"}}]
        responseHeaders: [Content-Type]
    iamConfiguration: {{uniformBucketLevelAccessEnabled: true}}
    logging: {{logBucket: logs, logObjectPrefix: {name}}}
    acl:
      - entity: {{type: USER, value: ada@example.com}}
        role: OWNER
    """
    finished = run(
        tmp_path,
        task(
            "create",
            "io.kestra.plugin.gcp.gcs.CreateBucket",
            gcs_endpoint,
            settings,
        ),
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    # gcp-storage-emulator accepts these settings and keeps none of them: what the task
    # sends is checked on the SDK's bucket it builds.
    assert outputs(finished, "create")["created"] is True
    task_ = make_task(CreateBucket, yaml.safe_load(dedent(settings)))
    built = task_._configured(Env.of_task(TestRunContext()), gcs.bucket(name))
    assert built.cors == [
        {
            "maxAgeSeconds": 60,
            "method": ["GET", "HEAD"],
            "origin": ["https://example.com"],
            "responseHeader": ["Content-Type"],
        }
    ]
    rules = [(rule["action"]["type"], rule["condition"]["age"]) for rule in built.lifecycle_rules]
    assert rules == [("Delete", 30), ("SetStorageClass", 7)]
    assert built.get_logging() == {"logBucket": "logs", "logObjectPrefix": name}
    assert built.iam_configuration.uniform_bucket_level_access_enabled is True
    assert (built.retention_period, built.default_event_based_hold) == (3600, False)
    assert built._properties["website"] == {
        "mainPageSuffix": "index.html",
        "notFoundPage": "404.html",
    }
    assert built._properties["acl"] == [{"entity": "user-ada@example.com", "role": "OWNER"}]
