"""The AWS family without boto3: flows validate, tasks fail with the install command."""

import sys
from pathlib import Path

import pytest
from aws_support import errors, run, task


def test_a_flow_validates_and_fails_at_run_time_without_boto3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m == "boto3" or m.startswith("boto3.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "boto3", None)  # makes ``import boto3`` fail
    finished = run(
        tmp_path,
        task("list", "io.kestra.plugin.aws.s3.List", "http://127.0.0.1:9", "bucket: b\n"),
    )
    assert errors(finished, "list") == [
        "The aws plugins need the Python package 'boto3', which is not installed: "
        "pip install 'tiercel[aws]'"
    ]


def test_loading_the_aws_classes_does_not_import_boto3() -> None:
    import subprocess

    code = (
        "import sys, tiercel.plugins.aws.catalogue; "
        "sys.exit(1 if 'boto3' in sys.modules or 'botocore' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
