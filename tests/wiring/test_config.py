"""Server settings: a YAML file, ``TIERCEL_*`` variables and flags, and where a wrong value
was written."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from tiercel.cli.main import cli
from tiercel.wiring.config import ConfigError, load_settings
from tiercel.wiring.server import ServerConfig


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TIERCEL_PORT", "TIERCEL_HOST", "TIERCEL_THREADS", "TIERCEL_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tiercel.yaml"
    path.write_text(text)
    return path


def test_a_file_in_kebab_case_under_tiercel(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
tiercel:
  database-url: postgresql+psycopg://u:p@db/tiercel
  storage-path: /srv/storage
  port: 9090
  threads: 3
  allowed-paths: [/srv/in]
  auth:
    users: {admin-user: pw}
    tokens: [abc]
""",
    )
    settings = load_settings(path)
    assert settings.database_url == "postgresql+psycopg://u:p@db/tiercel"
    assert settings.resolved_storage_path == Path("/srv/storage")
    assert (settings.port, settings.threads, settings.allowed_paths) == (9090, 3, ["/srv/in"])
    config = ServerConfig.from_settings(settings)
    assert config.users == {"admin-user": "pw"}  # names in a map keep their dashes
    assert config.tokens == frozenset({"abc"})


def test_defaults_are_the_embedded_backend(tmp_path: Path) -> None:
    settings = load_settings(None, data_dir=tmp_path)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path}/tiercel.db"
    assert settings.resolved_storage_path == tmp_path / "storage"
    assert settings.port == 8080


def test_variables_override_the_file_and_flags_override_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "port: 9090\nthreads: 2\nhost: 10.0.0.1\n")
    monkeypatch.setenv("TIERCEL_PORT", "7070")
    monkeypatch.setenv("TIERCEL_THREADS", "5")
    monkeypatch.setenv("TIERCEL_AUTH__TOKENS", '["from-env"]')
    settings = load_settings(path, threads=9, host=None)
    assert settings.port == 7070
    assert settings.threads == 9
    assert settings.host == "10.0.0.1"  # an unset flag hides nothing
    assert settings.auth.tokens == ["from-env"]


def test_a_wrong_value_in_the_file_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "tiercel:\n  port: eighty\n  auth:\n    tokenz: [x]\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert f"{path}:2:3: tiercel.port: Input should be a valid integer" in message
    assert f"{path}:4:5: tiercel.auth.tokenz: Extra inputs are not permitted" in message


def test_a_wrong_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERCEL_THREADS", "many")
    with pytest.raises(ConfigError, match=r"^\$TIERCEL_THREADS: Input should be a valid integer"):
        load_settings(None)


def test_broken_yaml_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "port: 1\nauth: [\n")
    with pytest.raises(ConfigError, match=rf"^{path}:\d+:\d+: invalid YAML"):
        load_settings(path)


def test_the_cli_reports_a_bad_file_without_a_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "port: -1\n")
    result = CliRunner().invoke(cli, ["server", "standalone", "--config", str(path)])
    assert result.exit_code == 1
    assert f"Error: {path}:1:1: port: Input should be greater than or equal to 0" in result.output
    assert "Traceback" not in result.output


def test_the_secret_key_and_the_allowed_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tiercel.yaml"
    path.write_text("tiercel:\n  allowed-env: [AWS_*, HTTPS_PROXY]\n  secret-key: from-file\n")
    config = ServerConfig.from_settings(load_settings(path))
    assert config.allowed_env == ("AWS_*", "HTTPS_PROXY")
    assert config.secret_key == "from-file"
    monkeypatch.setenv("TIERCEL_SECRET_KEY", "from-variable")
    monkeypatch.setenv("TIERCEL_ALLOWED_ENV", '["LANG_EXTRA"]')
    settings = load_settings(path)
    assert "from-variable" not in repr(settings)  # never printed with the settings
    config = ServerConfig.from_settings(settings)
    assert (config.secret_key, config.allowed_env) == ("from-variable", ("LANG_EXTRA",))


def test_a_bad_secret_key_stops_the_server_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["server", "local", "--data-dir", str(tmp_path / "data"), "--port", "0"],
        env={"TIERCEL_SECRET_KEY": "not-a-fernet-key"},
    )
    assert result.exit_code == 1
    assert "secret key must be 32 bytes" in result.output
    assert "Traceback" not in result.output
