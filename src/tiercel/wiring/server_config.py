"""How a server runs: its settings, resolved from the file, the variables and the flags."""

from dataclasses import dataclass, field
from pathlib import Path

from tiercel.runtime.services import RunLimits
from tiercel.wiring.config import Settings, StorageSettings
from tiercel.wiring.local import default_data_dir


@dataclass
class ServerConfig:
    """How a server runs.

    Attributes:
        data_dir: Where the embedded backend keeps its database and files.
        host: The interface the API listens on.
        port: The API's port.
        threads: Worker threads.
        flows_dir: A folder of flows to deploy at start and keep in sync.
        users: Basic-auth users; none means no authentication.
        tokens: API tokens.
        max_upload_bytes: The largest request body the API accepts.
        allowed_paths: Local folders file tasks and triggers may use (Kestra's ``allowed-paths``).
        database_url: The shared backend's database; SQLite in ``data_dir`` when None.
        storage_path: Internal storage's folder; ``data_dir/storage`` when None.
        storage: Internal storage's backend (local, S3, GCS, Azure); ``storage_path`` when None.
        lease_seconds: How long a worker holds a job without renewing its lease.
        shutdown_grace_seconds: On shutdown, how long running task runs may go on.
        secret_key: The key SECRET inputs are encrypted with; the one kept in ``data_dir``
            (made on first start) when None.
        allowed_env: Environment variables task processes may see beyond the base ones.
        limits: How much a task run may log and output.
    """

    data_dir: Path = field(default_factory=default_data_dir)
    host: str = "127.0.0.1"
    port: int = 8080
    threads: int = 8
    flows_dir: Path | None = None
    users: dict[str, str] = field(default_factory=dict)
    tokens: frozenset[str] = frozenset()
    max_upload_bytes: int = 100 * 1024 * 1024
    allowed_paths: tuple[str, ...] = ()
    database_url: str | None = None
    storage_path: Path | None = None
    storage: StorageSettings | None = None
    lease_seconds: float = 30.0
    shutdown_grace_seconds: float = 30.0
    secret_key: str | None = None
    allowed_env: tuple[str, ...] = ()
    limits: RunLimits = field(default_factory=RunLimits)

    @classmethod
    def from_settings(cls, settings: Settings) -> "ServerConfig":
        """The configuration that ``settings`` (file, variables, flags) describe."""
        return cls(
            data_dir=settings.data_dir,
            host=settings.host,
            port=settings.port,
            threads=settings.threads,
            flows_dir=settings.flows_dir,
            users=dict(settings.auth.users),
            tokens=frozenset(settings.auth.tokens),
            max_upload_bytes=settings.max_upload_bytes,
            allowed_paths=tuple(settings.allowed_paths),
            database_url=settings.database_url,
            storage_path=settings.storage_path,
            storage=settings.storage,
            lease_seconds=settings.lease_seconds,
            shutdown_grace_seconds=settings.shutdown_grace_seconds,
            secret_key=settings.secret_key.get_secret_value() if settings.secret_key else None,
            allowed_env=tuple(settings.allowed_env),
            limits=RunLimits(
                log_line_chars=settings.log_line_max_chars,
                log_bytes_per_task_run=settings.log_max_bytes_per_task_run,
                output_bytes=settings.output_max_bytes,
            ),
        )
