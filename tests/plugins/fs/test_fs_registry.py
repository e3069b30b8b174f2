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


def test_defaults_match_kestra() -> None:
    from tiercel.plugins.fs.ftp.upload import Upload as FtpUpload
    from tiercel.plugins.fs.ftps.list_files import List as FtpsList
    from tiercel.plugins.fs.local.copy import LocalCopy
    from tiercel.plugins.fs.sftp.downloads import Downloads as SftpDownloads
    from tiercel.plugins.fs.sftp.move import Move as SftpMove

    common = {"host": "h", "from": "/x"}
    ftp = FtpUpload.model_validate({"id": "a", "type": "io.kestra.plugin.fs.ftp.Upload", **common})
    assert (ftp.port, ftp.root_dir, ftp.passive_mode, ftp.overwrite) == ("21", True, True, True)
    ftps = FtpsList.model_validate({"id": "a", "type": "io.kestra.plugin.fs.ftps.List", **common})
    assert (ftps.port, ftps.mode, ftps.data_channel_protection_level) == ("990", "EXPLICIT", "P")
    assert (ftps.insecure_trust_all_certificates, ftps.max_files, ftps.sort) == (False, 25, "NONE")
    sftp = SftpDownloads.model_validate(
        {"id": "a", "type": "io.kestra.plugin.fs.sftp.Downloads", **common}
    )
    assert (sftp.port, sftp.root_dir, sftp.enable_ssh_rsa1, sftp.action) == (
        "22",
        True,
        False,
        "NONE",
    )
    move = SftpMove.model_validate(
        {"id": "a", "type": "io.kestra.plugin.fs.sftp.Move", "to": "/y", **common}
    )
    copy = LocalCopy.model_validate(
        {"id": "a", "type": "io.kestra.plugin.fs.local.Copy", "from": "/x", "to": "/y"}
    )
    assert move.overwrite is False and copy.overwrite is False
