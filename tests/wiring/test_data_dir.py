"""One default home for the embedded backend: the CLI's commands and ``server local`` agree."""

from pathlib import Path

import pytest

from tiercel.wiring import data_dir
from tiercel.wiring.config import load_settings
from tiercel.wiring.server import ServerConfig


def test_the_server_and_flow_test_share_one_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TIERCEL_HOME", raising=False)
    monkeypatch.delenv("TIERCEL_DATA_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    home = tmp_path / ".tiercel"
    assert data_dir() == home  # flow test, namespace files, recover
    assert load_settings(None).data_dir == home  # server local
    assert ServerConfig().data_dir == home


def test_tiercel_home_and_data_dir_move_it_for_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TIERCEL_DATA_DIR", raising=False)
    monkeypatch.setenv("TIERCEL_HOME", str(tmp_path / "home"))
    assert data_dir() == load_settings(None).data_dir == tmp_path / "home"
    monkeypatch.setenv("TIERCEL_DATA_DIR", str(tmp_path / "data"))
    assert data_dir() == load_settings(None).data_dir == tmp_path / "data"
    assert data_dir(tmp_path / "flag") == tmp_path / "flag"
    assert load_settings(None, data_dir=tmp_path / "flag").data_dir == tmp_path / "flag"
