"""The S3 tasks in real flows against a moto server."""

from pathlib import Path

import pytest
from aws_support import (
    SECRET_KEY,
    all_logs,
    client,
    errors,
    outputs,
    run,
    state,
    stored,
    task,
    unique,
    write,
)


@pytest.fixture
def s3(moto_endpoint: str):  # type: ignore[no-untyped-def]
    return client(moto_endpoint, "s3")


@pytest.fixture
def bucket(s3) -> str:  # type: ignore[no-untyped-def]
    name = unique("bucket")
    s3.create_bucket(Bucket=name)
    return name


def test_create_bucket_then_upload_one_file_under_the_seed_alias(
    tmp_path: Path, moto_endpoint: str, s3
) -> None:  # type: ignore[no-untyped-def]
    name = unique("created")
    finished = run(
        tmp_path,
        task("create", "io.kestra.plugin.aws.s3.CreateBucket", moto_endpoint, f"bucket: {name}"),
        write("file", "hello s3"),
        task(
            "upload",
            "io.kestra.plugin.fs.s3.Upload",
            moto_endpoint,
            f"""\
            bucket: {name}
            key: in/hello.txt
            from: "{{{{ outputs.file.uri }}}}"
            contentType: text/plain
            metadata:
              origin: tiercel
            """,
        ),
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    assert outputs(finished, "create")["bucket"] == name
    uploaded = outputs(finished, "upload")
    assert uploaded["bucket"] == name and uploaded["key"] == "in/hello.txt"
    assert uploaded["eTag"].strip('"')
    body = s3.get_object(Bucket=name, Key="in/hello.txt")
    assert body["Body"].read() == b"hello s3"
    assert body["ContentType"] == "text/plain"
    assert body["Metadata"] == {"origin": "tiercel"}


def test_upload_a_map_of_files_under_a_prefix(
    tmp_path: Path, moto_endpoint: str, s3, bucket: str
) -> None:  # type: ignore[no-untyped-def]
    finished = run(
        tmp_path,
        write("a", "first"),
        write("b", "second"),
        task(
            "upload",
            "io.kestra.plugin.aws.s3.Upload",
            moto_endpoint,
            f"""\
            bucket: {bucket}
            key: batch
            from:
              one.txt: "{{{{ outputs.a.uri }}}}"
              two.txt: "{{{{ outputs.b.uri }}}}"
            """,
        ),
    )
    assert state(finished, "upload") == "SUCCESS", all_logs(finished)
    files = outputs(finished, "upload")["files"]
    assert set(files) == {"one.txt", "two.txt"}
    assert files["two.txt"]["contentLength"] == len("second")
    assert s3.get_object(Bucket=bucket, Key="batch/two.txt")["Body"].read() == b"second"


def test_list_download_and_downloads_with_move(
    tmp_path: Path, moto_endpoint: str, s3, bucket: str
) -> None:  # type: ignore[no-untyped-def]
    for key, body in {"in/a.csv": b"a", "in/b.csv": b"bb", "in/skip.txt": b"x"}.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    archive = unique("archive")
    s3.create_bucket(Bucket=archive)
    finished = run(
        tmp_path,
        task(
            "list",
            "io.kestra.plugin.aws.s3.List",
            moto_endpoint,
            f"bucket: {bucket}\nprefix: in/\nregexp: '.*\\.csv'\n",
        ),
        task(
            "one",
            "io.kestra.plugin.aws.s3.Download",
            moto_endpoint,
            f"bucket: {bucket}\nkey: in/b.csv\n",
        ),
        task(
            "many",
            "io.kestra.plugin.aws.s3.Downloads",
            moto_endpoint,
            f"""\
            bucket: {bucket}
            prefix: in/
            regexp: '.*\\.csv'
            action: MOVE
            moveTo:
              bucket: {archive}
              key: done
            """,
        ),
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    listed = outputs(finished, "list")["objects"]
    assert [item["key"] for item in listed] == ["in/a.csv", "in/b.csv"]
    assert listed[1]["size"] == 2 and listed[1]["lastModified"].endswith("Z")
    one = outputs(finished, "one")
    assert one["contentLength"] == 2 and one["eTag"]
    assert stored(tmp_path, one["uri"]) == b"bb"
    many = outputs(finished, "many")
    assert set(many["outputFiles"]) == {"in/a.csv", "in/b.csv"}
    assert stored(tmp_path, many["outputFiles"]["in/a.csv"]) == b"a"
    assert [(item["key"], item["uri"]) for item in many["objects"]] == list(
        many["outputFiles"].items()
    )
    totals = {m.name: m.value for m in finished.metrics if m.name.startswith("files.")}
    assert totals == {"files.count": 2.0, "files.size.total": 3.0}  # a.csv "a", b.csv "bb"
    left = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert left == ["in/skip.txt"]
    moved = [o["Key"] for o in s3.list_objects_v2(Bucket=archive)["Contents"]]
    assert moved == ["done/a.csv", "done/b.csv"]


def test_copy_delete_and_delete_list(tmp_path: Path, moto_endpoint: str, s3, bucket: str) -> None:  # type: ignore[no-untyped-def]
    s3.put_object(Bucket=bucket, Key="src/one", Body=b"1")
    s3.put_object(Bucket=bucket, Key="logs/x", Body=b"xyz")
    s3.put_object(Bucket=bucket, Key="logs/y", Body=b"yz")
    finished = run(
        tmp_path,
        task(
            "copy",
            "io.kestra.plugin.aws.s3.Copy",
            moto_endpoint,
            f"""\
            from:
              bucket: {bucket}
              key: src/one
            to:
              bucket: {bucket}
              key: dst/one
            delete: true
            """,
        ),
        task(
            "delete",
            "io.kestra.plugin.aws.s3.Delete",
            moto_endpoint,
            f"bucket: {bucket}\nkey: dst/one\n",
        ),
        task(
            "purge",
            "io.kestra.plugin.aws.s3.DeleteList",
            moto_endpoint,
            f"bucket: {bucket}\nprefix: logs/\n",
        ),
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    assert outputs(finished, "copy")["key"] == "dst/one"
    assert outputs(finished, "purge") == {"count": 2, "size": 5}
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_a_missing_bucket_or_key_fails_with_the_provider_message(
    tmp_path: Path, moto_endpoint: str, bucket: str
) -> None:
    finished = run(
        tmp_path,
        task(
            "get",
            "io.kestra.plugin.aws.s3.Download",
            moto_endpoint,
            f"bucket: {bucket}\nkey: no/such/key\n",
        ),
    )
    assert state(finished, "get") == "FAILED"
    (message,) = errors(finished, "get")
    assert message.startswith(f"Unable to download 's3://{bucket}/no/such/key': ")
    assert "NoSuchKey" in message and "\n" not in message

    finished = run(
        tmp_path / "2",
        task("list", "io.kestra.plugin.aws.s3.List", moto_endpoint, "bucket: nope-404\n"),
    )
    (message,) = errors(finished, "list")
    assert "NoSuchBucket" in message and "nope-404" in message


def test_wrong_credentials_fail_in_one_line_without_the_secret(
    tmp_path: Path, moto_auth_endpoint: str
) -> None:
    finished = run(
        tmp_path,
        task("list", "io.kestra.plugin.aws.s3.List", moto_auth_endpoint, "bucket: any\n"),
    )
    assert state(finished, "list") == "FAILED"
    (message,) = errors(finished, "list")
    assert "InvalidAccessKeyId" in message and "\n" not in message
    assert SECRET_KEY not in all_logs(finished)
    assert "Traceback" not in all_logs(finished)


def test_download_needs_a_key_or_a_filter(tmp_path: Path, moto_endpoint: str, bucket: str) -> None:
    finished = run(
        tmp_path,
        task("get", "io.kestra.plugin.aws.s3.Download", moto_endpoint, f"bucket: {bucket}\n"),
    )
    (message,) = errors(finished, "get")
    assert message.startswith("Invalid configuration: either specify 'key'")


def test_a_multipart_upload_and_a_download_by_prefix(
    tmp_path: Path, moto_endpoint: str, s3, bucket: str
) -> None:  # type: ignore[no-untyped-def]
    content = bytes(range(256)) * (9 * 4096)  # 9 MiB: above boto3's 8 MiB multipart threshold
    finished = run(
        tmp_path,
        task(
            "up",
            "io.kestra.plugin.aws.s3.Upload",
            moto_endpoint,
            f"bucket: {bucket}\nkey: big/one.bin\nfrom: kestra:///company/team/big.bin\n",
        ),
        task(
            "down",
            "io.kestra.plugin.aws.s3.Download",
            moto_endpoint,
            f"bucket: {bucket}\nprefix: big/\n",
        ),
        files={"kestra:///company/team/big.bin": content},
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    assert outputs(finished, "up")["eTag"].strip('"').endswith("-2"), "two parts"
    files = outputs(finished, "down")["files"]
    assert list(files) == ["big/one.bin"]
    assert files["big/one.bin"]["contentLength"] == len(content)
    assert stored(tmp_path, files["big/one.bin"]["uri"]) == content


def test_many_files_upload_at_once_and_come_down_at_once(
    tmp_path: Path, moto_endpoint: str, s3, bucket: str
) -> None:  # type: ignore[no-untyped-def]
    files = {f"kestra:///company/team/many/f{i:02}.txt": f"file {i}".encode() for i in range(40)}
    big = bytes(range(256)) * (9 * 4096)  # one multipart file among the small ones
    files["kestra:///company/team/many/big.bin"] = big
    listed = "\n".join(f"  - {uri}" for uri in files)
    finished = run(
        tmp_path,
        task(
            "up",
            "io.kestra.plugin.aws.s3.Upload",
            moto_endpoint,
            f"bucket: {bucket}\nkey: many\nconcurrentUploads: 8\nfrom:\n{listed}\n",
        ),
        task(
            "down",
            "io.kestra.plugin.aws.s3.Downloads",
            moto_endpoint,
            f"bucket: {bucket}\nprefix: many/\nmaxFiles: 100\naction: DELETE\n",
        ),
        files=files,
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    uploaded = outputs(finished, "up")["files"]
    assert len(uploaded) == 41 and uploaded["big.bin"]["contentLength"] == len(big)
    downloaded = outputs(finished, "down")["outputFiles"]
    assert sorted(downloaded) == sorted(f"many/{uri.rsplit('/', 1)[1]}" for uri in files)
    assert stored(tmp_path, downloaded["many/f07.txt"]) == b"file 7"
    assert stored(tmp_path, downloaded["many/big.bin"]) == big
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="many/")


def test_one_missing_file_among_many_fails_the_upload_in_one_line(
    tmp_path: Path, moto_endpoint: str, bucket: str
) -> None:
    files = {f"kestra:///company/team/some/f{i}.txt": b"x" for i in range(10)}
    listed = "\n".join(f"  - {uri}" for uri in [*files, "kestra:///company/team/some/gone.txt"])
    finished = run(
        tmp_path,
        task(
            "up",
            "io.kestra.plugin.aws.s3.Upload",
            moto_endpoint,
            f"bucket: {bucket}\nkey: some\nfrom:\n{listed}\n",
        ),
        files=files,
    )
    assert state(finished, "up") == "FAILED"
    (message,) = errors(finished, "up")
    assert "gone.txt" in message and "\n" not in message
