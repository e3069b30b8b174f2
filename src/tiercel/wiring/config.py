"""A server's settings: a YAML file, ``TIERCEL_*`` environment variables and command-line
flags, each overriding the one before.

The file holds one mapping, under a ``tiercel:`` key or at its root, with keys in snake_case
or kebab-case, as Kestra's own configuration is written::

    tiercel:
      database-url: postgresql+psycopg://tiercel:secret@db-host/tiercel
      storage-path: /var/lib/tiercel/storage
      port: 8080
      threads: 16
      auth:
        users: {admin: change-me}
        tokens: [a-long-random-token]
      secret-key: <32 bytes in URL-safe base64>
      allowed-env: [AWS_*, HTTPS_PROXY]

Variables name the same settings: ``TIERCEL_DATABASE_URL``, ``TIERCEL_PORT``,
``TIERCEL_AUTH__TOKENS='["..."]'`` (nested settings take ``__``, lists and maps JSON).
A wrong value is reported with where it came from: the file's line, or the variable's name.
"""

import os
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from tiercel.model.source import Document, SourceError, decode, read_documents
from tiercel.wiring.local import default_data_dir, sqlite_url

ENV_PREFIX = "TIERCEL_"


class ConfigError(Exception):
    """The settings cannot be used; the message says where each problem was written."""


class AuthSettings(BaseModel):
    """Who may call the API: none of either means no authentication."""

    model_config = ConfigDict(extra="forbid")

    users: dict[str, str] = Field(default_factory=dict)
    """Basic-auth users and their passwords."""
    tokens: list[str] = Field(default_factory=list)
    """Bearer tokens."""


class StorageSettings(BaseModel):
    """Where internal storage lives: a local folder (the default), or an S3 or Cloud Storage
    bucket or an Azure Blob container, which executors and workers on several machines share
    without a shared disk::

        storage:
          type: s3
          bucket: tiercel-storage
          endpoint: https://s3.eu-west-1.amazonaws.com   # or a compatible server
          region: eu-west-1
          access-key-id: ...        # without keys: the default credential chain
          secret-key-id: ...

        storage:
          type: gcs
          bucket: tiercel-storage
          project-id: my-project
          service-account: ...      # a JSON key; without it: application default credentials

        storage:
          type: azure
          container: tiercel-storage
          connection-string: ...    # or endpoint, with shared-key-account-name and
                                    # shared-key-account-access-key, or sas-token
    """

    model_config = ConfigDict(extra="forbid")

    type: Literal["local", "s3", "gcs", "azure"] = "local"
    path: Path | None = None
    """``local``: the folder (``storage-path``, then ``data_dir/storage``, when unset)."""
    bucket: str | None = None
    """``s3``, ``gcs``: the bucket."""
    container: str | None = None
    """``azure``: the container."""
    prefix: str = ""
    """``s3``, ``gcs``, ``azure``: the key prefix every file is stored under."""
    endpoint: str | None = None
    """The service URL (an emulator or a compatible server); for ``azure`` the Blob service
    URL, used with a shared key or a SAS token."""
    region: str | None = None
    access_key_id: str | None = Field(default=None, repr=False)
    secret_key_id: str | None = Field(default=None, repr=False)
    session_token: str | None = Field(default=None, repr=False)
    force_path_style: bool = False
    project_id: str | None = None
    """``gcs``: the project; by default the service account's."""
    service_account: str | None = Field(default=None, repr=False)
    """``gcs``: a service account's JSON key."""
    connection_string: str | None = Field(default=None, repr=False)
    shared_key_account_name: str | None = None
    shared_key_account_access_key: str | None = Field(default=None, repr=False)
    sas_token: str | None = Field(default=None, repr=False)

    @model_validator(mode="after")
    def _complete(self) -> "StorageSettings":
        if self.type == "s3" and not self.bucket:
            raise ValueError("an S3 internal storage needs a bucket")
        if self.type == "gcs" and not self.bucket:
            raise ValueError("a GCS internal storage needs a bucket")
        if self.type == "azure":
            if not self.container:
                raise ValueError("an Azure Blob internal storage needs a container")
            if not (self.connection_string or self.endpoint):
                raise ValueError(
                    "an Azure Blob internal storage needs a connection-string or an endpoint"
                )
            if bool(self.shared_key_account_name) != bool(self.shared_key_account_access_key):
                raise ValueError(
                    "a shared key needs both shared-key-account-name and "
                    "shared-key-account-access-key"
                )
        return self


class Settings(BaseSettings):
    """Every setting of a server process, whatever its role."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid"
    )

    data_dir: Path = Field(default_factory=default_data_dir)
    """Where the embedded backend lives: its database and, by default, internal storage
    (``$TIERCEL_HOME`` or ``~/.tiercel``, as for ``flow test``)."""
    database_url: str | None = None
    """A SQLAlchemy URL (``postgresql+psycopg://...``); SQLite in ``data_dir`` when unset."""
    storage_path: Path | None = None
    """Internal storage's folder; ``data_dir/storage`` when unset."""
    storage: StorageSettings | None = None
    """Internal storage's backend (a local folder, S3, GCS or Azure Blob); ``storage_path``
    when unset."""
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)
    threads: int = Field(8, ge=0)
    """Worker threads (0: a standalone server runs no worker of its own)."""
    flows_dir: Path | None = None
    """A folder of flows to deploy at start and keep in sync."""
    allowed_paths: list[str] = Field(default_factory=list)
    """Local folders the file tasks and triggers may use (Kestra's ``allowed-paths``)."""
    max_upload_bytes: int = Field(100 * 1024 * 1024, gt=0)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    lease_seconds: float = Field(30.0, gt=0)
    """How long a worker holds a job without renewing its lease."""
    shutdown_grace_seconds: float = Field(30.0, ge=0)
    """On SIGTERM, how long running task runs may go on before they are handed back."""
    secret_key: SecretStr | None = None
    """The key SECRET inputs are encrypted with (Fernet: 32 bytes in URL-safe base64); one is
    generated in ``data_dir/secret.key`` on first start when unset. Every process of a shared
    backend needs the same."""
    allowed_env: list[str] = Field(default_factory=list)
    """Environment variables task processes may see besides ``PATH``, ``HOME``, the locale
    and ``TZ`` (globs such as ``AWS_*``); Tiercel's settings and secrets never pass."""
    log_line_max_chars: int = Field(64 * 1024, gt=0)
    """The longest log line stored; a longer one is truncated, with a marker saying so."""
    log_max_bytes_per_task_run: int = Field(10 * 1024 * 1024, gt=0)
    """How much one task run may log; the excess is dropped, with one WARN line."""
    output_max_bytes: int = Field(1024 * 1024, gt=0)
    """The largest outputs stored with a task run; larger values go to internal storage."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags, then variables, then the file (set by ``load_settings``)."""
        return (init_settings, env_settings, _FileSource(settings_cls, _file_data.get({})))

    @property
    def resolved_database_url(self) -> str:
        """The database to use: ``database_url``, or SQLite in ``data_dir``."""
        if self.database_url:
            return self.database_url
        return sqlite_url(self.data_dir)

    @property
    def resolved_storage_path(self) -> Path:
        """Internal storage's folder."""
        return self.storage_path or self.data_dir / "storage"


_file_data: ContextVar[Mapping[str, Any]] = ContextVar("tiercel_config_file")
"""The file's data while ``load_settings`` builds the settings (pydantic-settings asks the
class for its sources, not the instance)."""


class _FileSource(PydanticBaseSettingsSource):
    """Settings read from the configuration file."""

    def __init__(self, settings_cls: type[BaseSettings], data: Mapping[str, Any]) -> None:
        super().__init__(settings_cls)
        self._data = dict(data)

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """One field's value from the file."""
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return self._data


def load_settings(config_file: Path | None = None, **flags: Any) -> Settings:
    """The settings from ``config_file`` (if any), the environment and ``flags`` (None values
    are left out, so that an unset flag does not hide a variable).

    Raises:
        ConfigError: the file cannot be read, or a value is wrong; the message names the file
            and line, or the variable.
    """
    document: Document | None = None
    data: dict[str, Any] = {}
    prefix: tuple[str, ...] = ()
    if config_file is not None:
        document, data, prefix = _read_file(config_file)
    given = {key: value for key, value in flags.items() if value is not None}
    token = _file_data.set(data)
    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = [
            _where(error, config_file, document, prefix, data, given) for error in exc.errors()
        ]
        raise ConfigError("\n".join(problems)) from None
    finally:
        _file_data.reset(token)


def _read_file(path: Path) -> tuple[Document | None, dict[str, Any], tuple[str, ...]]:
    try:
        documents = read_documents(decode(path.read_bytes()))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration file: {exc.strerror}") from None
    except SourceError as exc:
        raise ConfigError(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None
    if not documents:
        return None, {}, ()
    document = documents[0]
    root = document.data
    prefix: tuple[str, ...] = ()
    if isinstance(root, dict) and set(root) == {"tiercel"}:
        root, prefix = root["tiercel"], ("tiercel",)
    if not isinstance(root, dict):
        line, column = document.position(prefix)
        raise ConfigError(f"{path}:{line}:{column}: the configuration must be a mapping")
    return document, _snake_keys(root), prefix


def _snake_keys(data: Mapping[str, Any]) -> dict[str, Any]:
    """``database-url`` as ``database_url``, in the settings' own mappings (not in maps of
    names, such as the users)."""
    result: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key).replace("-", "_")
        if name in ("auth", "storage") and isinstance(value, Mapping):
            value = {str(k).replace("-", "_"): v for k, v in value.items()}
        result[name] = value
    return result


def _where(
    error: Any,
    path: Path | None,
    document: Document | None,
    prefix: tuple[str, ...],
    data: Mapping[str, Any],
    flags: Mapping[str, Any],
) -> str:
    location = tuple(str(part) for part in error["loc"])
    dotted = ".".join(location) or "(settings)"
    message = error["msg"]
    if location and location[0] in flags:
        return f"--{location[0].replace('_', '-')}: {message}"
    variable = ENV_PREFIX + "__".join(location).upper()
    variables = {name.upper() for name in os.environ}
    for depth in range(len(location), 0, -1):
        name = ENV_PREFIX + "__".join(location[:depth]).upper()
        if name in variables:
            return f"${name}: {message}"
    if path is not None and document is not None and location and location[0] in data:
        written = _written_keys(document, prefix, location)
        line, column = document.position((*prefix, *written))
        return f"{path}:{line}:{column}: {'.'.join((*prefix, *location))}: {message}"
    return f"{dotted} (or ${variable}): {message}"


def _written_keys(
    document: Document, prefix: tuple[str, ...], location: tuple[str, ...]
) -> tuple[Any, ...]:
    """The path of ``location`` as the file spells it (kebab-case or snake_case)."""
    node: Any = document.data
    for part in prefix:
        node = node.get(part) if isinstance(node, dict) else None
    written: list[Any] = []
    for part in location:
        if isinstance(node, dict):
            key = next(
                (k for k in node if str(k).replace("-", "_") == part),
                part,
            )
            written.append(key)
            node = node.get(key)
        elif isinstance(node, list) and part.isdigit():
            written.append(int(part))
            node = node[int(part)] if int(part) < len(node) else None
        else:
            break
    return tuple(written)
