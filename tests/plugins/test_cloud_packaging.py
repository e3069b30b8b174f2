"""Each cloud family without its SDK: flows validate, tasks fail with the install command,
and loading the classes imports no SDK."""

import subprocess
import sys
from pathlib import Path

import pytest
from tests.plugins.cloud_flows import errors, run, task

FAMILIES = [
    (
        "aws",
        "boto3",
        "boto3",
        "io.kestra.plugin.aws.s3.List",
        "endpointOverride: http://127.0.0.1:9\nbucket: b\n",
    ),
    (
        "gcp",
        "google.cloud.storage",
        "google-cloud-storage",
        "io.kestra.plugin.gcp.gcs.List",
        "endpoint: http://127.0.0.1:9\nfrom: gs://b/\n",
    ),
    (
        "azure",
        "azure.storage.blob",
        "azure-storage-blob",
        "io.kestra.plugin.azure.storage.blob.List",
        "endpoint: http://127.0.0.1:9\ncontainer: c\n",
    ),
]


@pytest.mark.parametrize(("extra", "module", "package", "type_name", "body"), FAMILIES)
def test_a_flow_validates_and_fails_at_run_time_without_the_sdk(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    extra: str,
    module: str,
    package: str,
    type_name: str,
    body: str,
) -> None:
    for name in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, module, None)  # makes the import fail
    finished = run(tmp_path, task("list", type_name, "", body))
    assert errors(finished, "list") == [
        f"The {extra} plugins need {package}, which is not installed (no module "
        f"'{module}'): pip install 'tiercel[{extra}]'"
    ]


@pytest.mark.parametrize(
    ("extra", "sdk_modules"),
    [
        ("aws", ["boto3", "botocore"]),
        ("gcp", ["google.cloud", "google.auth"]),
        ("azure", ["azure.storage", "azure.core"]),
    ],
)
def test_loading_the_classes_imports_no_sdk(extra: str, sdk_modules: list[str]) -> None:
    code = (
        f"import sys, tiercel.plugins.{extra}.catalogue; "
        f"sys.exit(1 if any(m in sys.modules for m in {sdk_modules!r}) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
