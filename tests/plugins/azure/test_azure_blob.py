"""The Blob Storage tasks in real flows against Azurite."""

import base64
import hashlib
from pathlib import Path
from typing import Any

import pytest
from azure_support import client, task
from tests.plugins import cloud_flows
from tests.plugins.azure.conftest import ACCOUNT, KEY
from tests.plugins.cloud_flows import (
    TriggerProbe,
    all_logs,
    errors,
    load_trigger,
    outputs,
    run,
    stored,
    unique,
    write,
)

BLOB = "io.kestra.plugin.azure.storage.blob"


@pytest.fixture
def service(connection_string: str) -> Any:
    return client(connection_string)


@pytest.fixture
def container(service: Any) -> str:
    name = unique("container")
    service.create_container(name)
    return name


def put(service: Any, container: str, name: str, body: bytes) -> None:
    service.get_blob_client(container, name).upload_blob(body, overwrite=True)


def names(service: Any, container: str) -> list[str]:
    return sorted(blob.name for blob in service.get_container_client(container).list_blobs())


def test_upload_by_the_seed_alias_then_download(
    tmp_path: Path, connection_string: str, service: Any, container: str
) -> None:
    finished = run(
        tmp_path,
        write("file", "hello azure"),
        task(
            "upload",
            "io.kestra.plugin.azure.blob.Upload",
            connection_string,
            f"""\
            container: {container}
            name: dir/hello.txt
            from: "{{{{ outputs.file.uri }}}}"
            metadata:
              origin: tiercel
            """,
        ),
        task(
            "download",
            f"{BLOB}.Download",
            connection_string,
            f"container: {container}\nname: dir/hello.txt\n",
        ),
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    blob = outputs(finished, "upload")["blob"]
    assert blob["container"] == container and blob["name"] == "dir/hello.txt"
    assert blob["size"] == len("hello azure") and blob["eTag"]
    uploaded = service.get_blob_client(container, "dir/hello.txt")
    assert uploaded.download_blob().readall() == b"hello azure"
    assert uploaded.get_blob_properties().metadata == {"origin": "tiercel"}
    downloaded = outputs(finished, "download")["blob"]
    assert stored(tmp_path, downloaded["uri"]) == b"hello azure"


def test_list_downloads_with_move_copy_delete_and_delete_list(
    tmp_path: Path, connection_string: str, service: Any, container: str
) -> None:
    for name, body in {"in/a.csv": b"a", "in/b.csv": b"bb", "in/x.txt": b"x"}.items():
        put(service, container, name, body)
    finished = run(
        tmp_path,
        task(
            "list",
            f"{BLOB}.List",
            connection_string,
            f"container: {container}\nprefix: in/\nregexp: '.*\\.csv'\n",
        ),
        task(
            "many",
            f"{BLOB}.Downloads",
            connection_string,
            f"""\
            container: {container}
            prefix: in/
            regexp: '.*\\.csv'
            action: MOVE
            moveTo:
              container: {container}
              name: done
            """,
        ),
        task(
            "copy",
            f"{BLOB}.Copy",
            connection_string,
            f"""\
            from:
              container: {container}
              name: done/a.csv
            to:
              container: {container}
              name: copy/a.csv
            delete: true
            """,
        ),
        task(
            "delete",
            f"{BLOB}.Delete",
            connection_string,
            f"container: {container}\nname: in/x.txt\n",
        ),
        task(
            "purge",
            f"{BLOB}.DeleteList",
            connection_string,
            f"container: {container}\nprefix: done/\n",
        ),
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    listed = outputs(finished, "list")["blobs"]
    assert [b["name"] for b in listed] == ["in/a.csv", "in/b.csv"]
    assert listed[1]["size"] == 2 and listed[1]["lastModified"].endswith("Z")
    many = outputs(finished, "many")
    assert stored(tmp_path, many["outputFiles"]["in/b.csv"]) == b"bb"
    assert outputs(finished, "copy")["blob"]["name"] == "copy/a.csv"
    assert outputs(finished, "delete")["blob"]["name"] == "in/x.txt"
    assert outputs(finished, "purge") == {"count": 1, "size": 2}
    assert names(service, container) == ["copy/a.csv"]


def test_shared_key_and_sas_token_connect_too(
    tmp_path: Path, azurite: str, service: Any, container: str
) -> None:
    from datetime import UTC, datetime, timedelta

    from azure.storage.blob import AccountSasPermissions, ResourceTypes, generate_account_sas

    put(service, container, "k.txt", b"key")
    sas = generate_account_sas(
        ACCOUNT,
        KEY,
        ResourceTypes(service=True, container=True, object=True),
        AccountSasPermissions(read=True, list=True),
        datetime.now(UTC) + timedelta(hours=1),
    )
    shared = (
        f"endpoint: {azurite}\nsharedKeyAccountName: {ACCOUNT}\nsharedKeyAccountAccessKey: {KEY}\n"
    )
    finished = run(
        tmp_path,
        cloud_flows.task("key", f"{BLOB}.List", shared, f"container: {container}\n"),
        cloud_flows.task(
            "sas",
            f"{BLOB}.Download",
            f'endpoint: {azurite}\nsasToken: "{sas}"\n',
            f"container: {container}\nname: k.txt\n",
        ),
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    assert [b["name"] for b in outputs(finished, "key")["blobs"]] == ["k.txt"]
    assert stored(tmp_path, outputs(finished, "sas")["blob"]["uri"]) == b"key"


def test_errors_are_one_line_and_show_no_credential(
    tmp_path: Path, azurite: str, connection_string: str, container: str
) -> None:
    finished = run(
        tmp_path,
        task(
            "get",
            f"{BLOB}.Download",
            connection_string,
            f"container: {container}\nname: none.txt\n",
        ),
    )
    (missing,) = errors(finished, "get")
    assert missing.startswith(f"Unable to download '{container}/none.txt': ")
    assert "BlobNotFound" in missing and "\n" not in missing
    wrong = "V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXk="
    finished = run(
        tmp_path / "2",
        cloud_flows.task(
            "list",
            f"{BLOB}.List",
            f"endpoint: {azurite}\nsharedKeyAccountName: {ACCOUNT}\n"
            f"sharedKeyAccountAccessKey: {wrong}\n",
            f"container: {container}\n",
        ),
    )
    (refused,) = errors(finished, "list")
    assert refused.startswith(f"Unable to list the container '{container}': ")
    assert "AuthorizationFailure" in refused or "authenticate" in refused.lower()
    logs = all_logs(finished)
    finished = run(
        tmp_path / "3",
        cloud_flows.task(
            "malformed",
            f"{BLOB}.List",
            'connectionString: "AccountKey=s3cr3t;nonsense"\n',
            "container: c\n",
        ),
    )
    (malformed,) = errors(finished, "malformed")
    assert malformed.startswith("Unable to create the Blob service client: ")
    logs += all_logs(finished)
    assert wrong not in logs and KEY not in logs and "s3cr3t" not in logs


def test_the_trigger_fires_once_per_etag_and_deletes(
    connection_string: str, service: Any, container: str
) -> None:
    put(service, container, "in/a.json", b"{}")
    base = {
        "type": f"{BLOB}.Trigger",
        "connectionString": connection_string,
        "container": container,
        "prefix": "in/",
    }
    watch = load_trigger({**base, "action": "NONE"})
    probe = TriggerProbe()
    (emission,) = watch.evaluate(probe)
    (fired,) = emission.variables["blobs"]
    assert fired["name"] == "in/a.json" and fired["changeType"] == "CREATE"
    assert probe.stored[fired["uri"]] == b"{}"
    assert watch.evaluate(probe) == []
    put(service, container, "in/a.json", b"{1}")
    (emission,) = watch.evaluate(probe)
    assert emission.variables["blobs"][0]["changeType"] == "UPDATE"
    (emission,) = load_trigger({**base, "action": "DELETE"}).evaluate(TriggerProbe())
    assert [b["name"] for b in emission.variables["blobs"]] == ["in/a.json"]
    assert names(service, container) == []


def test_a_file_larger_than_one_block_goes_up_and_down_whole(
    tmp_path: Path, connection_string: str, service: Any, container: str
) -> None:
    content = bytes(range(256)) * (9 * 4096)  # 9 MiB: several 4 MiB blocks
    finished = run(
        tmp_path,
        task(
            "up",
            f"{BLOB}.Upload",
            connection_string,
            f"container: {container}\nname: big.bin\nfrom: kestra:///company/team/big.bin\n",
        ),
        task(
            "down",
            f"{BLOB}.Download",
            connection_string,
            f"container: {container}\nname: big.bin\n",
        ),
        files={"kestra:///company/team/big.bin": content},
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    assert service.get_blob_client(container, "big.bin").get_blob_properties().size == len(content)
    assert stored(tmp_path, outputs(finished, "down")["blob"]["uri"]) == content


def test_download_checksums_against_the_server_or_an_expected_digest(
    tmp_path: Path, connection_string: str, service: Any, container: str
) -> None:
    body = b"checked content"
    put(service, container, "one.txt", body)  # one Put Blob: Azure stores its Content-MD5
    sha256 = hashlib.sha256(body).hexdigest()
    download = f"container: {container}\nname: one.txt\n"
    finished = run(
        tmp_path,
        task(
            "server", f"{BLOB}.Download", connection_string, download + "validateChecksum: true\n"
        ),
        task(
            "sha",
            f"{BLOB}.Download",
            connection_string,
            download + f"checksumAlgorithm: SHA_256\nexpectedChecksum: {sha256.upper()}\n",
        ),
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    assert stored(tmp_path, outputs(finished, "sha")["blob"]["uri"]) == body

    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    finished = run(
        tmp_path / "2",
        task(
            "bad", f"{BLOB}.Download", connection_string, download + f"expectedChecksum: {wrong}\n"
        ),
    )
    (message,) = errors(finished, "bad")
    assert message.startswith(f"Checksum mismatch for '{container}/one.txt' using MD5 ")
    assert hashlib.md5(body).hexdigest() in message and "\n" not in message


def test_downloads_can_require_a_stored_checksum(
    tmp_path: Path, connection_string: str, service: Any, container: str
) -> None:
    # Blocks staged then committed: the blob has no Content-MD5, as after a streamed upload.
    blob = service.get_blob_client(container, "in/staged.txt")
    blob.stage_block("YmxvY2s=", b"staged")
    blob.commit_block_list(["YmxvY2s="])
    listing = f"container: {container}\nprefix: in/\naction: NONE\nvalidateChecksum: true\n"
    finished = run(
        tmp_path,
        task("lenient", f"{BLOB}.Downloads", connection_string, listing),
        task(
            "strict",
            f"{BLOB}.Downloads",
            connection_string,
            listing + "failOnMissingChecksum: true\n",
        ),
    )
    assert cloud_flows.state(finished, "lenient") == "SUCCESS", all_logs(finished)
    assert "Skipping checksum validation" in all_logs(finished)
    (message,) = errors(finished, "strict")
    assert message.startswith(f"No Content-MD5 stored on server for '{container}/in/staged.txt'")
