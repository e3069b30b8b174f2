"""Every task and trigger type Kestra's plugin-fs has for local files, SFTP, FTP and FTPS is
registered, and resolving them does not import paramiko."""

import subprocess
import sys

import pytest

from tiercel.model import PluginKind
from tiercel.registry import default_registry

TASKS = ["Upload", "Uploads", "Download", "Downloads", "Delete", "List", "Move"]


@pytest.mark.parametrize(
    "name",
    [f"io.kestra.plugin.fs.{family}.{kind}" for family in ("sftp", "ftp", "ftps") for kind in TASKS]
    + [f"io.kestra.plugin.fs.local.{kind}" for kind in [*TASKS, "Copy"]],
)
def test_the_task_is_registered(name: str) -> None:
    assert default_registry().resolve(PluginKind.TASK, name) is not None


@pytest.mark.parametrize("family", ["sftp", "ftp", "ftps", "local"])
def test_the_trigger_is_registered(family: str) -> None:
    name = f"io.kestra.plugin.fs.{family}.Trigger"
    assert default_registry().resolve(PluginKind.TRIGGER, name) is not None


def test_loading_the_sftp_classes_does_not_import_paramiko() -> None:
    code = (
        "import sys, tiercel.plugins.fs.catalogue\n"
        "assert 'paramiko' not in sys.modules, 'paramiko imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
