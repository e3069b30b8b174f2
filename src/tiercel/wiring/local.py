"""Backends: the embedded one (SQLite and local disk) or a shared one (PostgreSQL); and what
tasks borrow from them."""

import base64
import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.engine import URL

from tiercel.model.secrets import Masker
from tiercel.model.source import SourceError, read_documents
from tiercel.model.task import AnyTask, Task
from tiercel.registry import Registry, default_registry
from tiercel.runtime import Services
from tiercel.runtime.environment import HIDDEN_PREFIXES, task_environment
from tiercel.sdk import TaskFailure
from tiercel.storage import (
    Database,
    InternalStorage,
    LocalInternalStorage,
    SqlExecutionStore,
    SqlFlowStore,
    SqlKVStore,
    SqlLogStore,
    SqlMetricStore,
    SqlTriggerStore,
    SqlWorkQueue,
)
from tiercel.storage.secrets import SecretCipher, key_in

JOURNAL_FOLDER = "running"
"""The folder of a data directory where processes journal the task-run attempts they begin
(``RunJournal``), read by the next start and by ``tiercel recover``."""


def default_data_dir() -> Path:
    """The one default home of the embedded backend, for ``flow test``, ``namespace files``,
    ``recover`` and ``server local`` alike: ``$TIERCEL_HOME``, or ``~/.tiercel``. A flow run
    with ``flow test`` and a server started in any folder see the same executions, KV pairs
    and namespace files."""
    return Path(os.environ.get("TIERCEL_HOME") or Path.home() / ".tiercel")


def data_dir(explicit: Path | None = None) -> Path:
    """Where the embedded backend keeps its data, created if need be: ``--data-dir``, else
    ``$TIERCEL_DATA_DIR`` (the server's setting), else the default home."""
    chosen = explicit or Path(os.environ.get("TIERCEL_DATA_DIR") or default_data_dir())
    chosen.mkdir(parents=True, exist_ok=True)
    return chosen


def secret_function(environ: Mapping[str, str] | None = None) -> Callable[[str], Any]:
    """``secret(key)``: Kestra's open-source secrets, base64 in ``SECRET_<KEY>`` variables."""
    source = dict(os.environ if environ is None else environ)

    def secret(key: str) -> str:
        encoded = source.get(f"SECRET_{key.upper()}") or source.get(f"SECRET_{key}")
        if encoded is None:
            raise ValueError(f"Cannot find secret for key '{key}'")
        return base64.b64decode(encoded).decode()

    return secret


def known_secrets(environ: Mapping[str, str] | None = None) -> list[str]:
    """The clear values of every ``SECRET_*`` variable (those that decode), to mask them."""
    source = os.environ if environ is None else environ
    values = []
    for name, encoded in source.items():
        if name.startswith("SECRET_"):
            with suppress(ValueError):  # not base64, or not UTF-8: secret() refuses it too
                values.append(base64.b64decode(encoded, validate=True).decode())
    return values


def env_variables(prefix: str = "ENV_", environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``envs``: the environment variables starting with ``prefix``, named without it and in
    lower case (``ENV_FOO`` is ``envs.foo``), as Kestra exposes them."""
    source = os.environ if environ is None else environ
    return {
        name[len(prefix) :].lower(): value
        for name, value in source.items()
        if name.startswith(prefix) and len(name) > len(prefix)
    }


@dataclass(frozen=True, slots=True)
class Backend:
    """The stores of one backend, and the work queue its processes share."""

    services: Services
    work: SqlWorkQueue


@contextmanager
def open_backend(
    database_url: str,
    storage_path: Path,
    *,
    globals_: Mapping[str, Any] | None = None,
    pool_size: int = 8,
    secret_key: str | None = None,
    allowed_env: Sequence[str] = (),
    allowed_paths: Sequence[str] = (),
    storage: InternalStorage | None = None,
) -> Iterator[Backend]:
    """The backend at ``database_url`` (SQLite or PostgreSQL), files under ``storage_path``
    (or in ``storage``, an internal storage built by the caller: S3, say).

    ``envs`` come from variables prefixed ``$TIERCEL_ENV_PREFIX`` (``ENV_`` by default).
    SECRET inputs are encrypted with ``secret_key`` (kept in clear without one). Task
    processes see the base environment and the ``allowed_env`` names, never Tiercel's settings,
    the ``envs`` variables, secrets or the database URL. File tasks may use local paths under
    ``allowed_paths`` besides their working directory.

    Raises:
        StorageError: the database cannot be opened or migrated.
        SecretKeyError: ``secret_key`` is not a valid key.
    """
    cipher = SecretCipher(secret_key) if secret_key is not None else None
    env_prefix = os.environ.get("TIERCEL_ENV_PREFIX", "ENV_")
    secrets = known_secrets()
    allowed = tuple(allowed_env)

    def task_env() -> dict[str, str]:
        return task_environment(
            os.environ,
            allowed,
            hidden_prefixes=(*HIDDEN_PREFIXES, env_prefix),
            hidden_values=(database_url, *secrets),
        )

    database = Database(database_url, pool_size=pool_size)
    try:
        services = Services(
            storage=storage if storage is not None else LocalInternalStorage(storage_path),
            kv=SqlKVStore(database),
            executions=SqlExecutionStore(database),
            logs=SqlLogStore(database),
            metrics=SqlMetricStore(database),
            triggers=SqlTriggerStore(database),
            flows=SqlFlowStore(database),
            catalog=default_registry(),
            functions={"secret": secret_function()},
            task_parser=task_parser(default_registry()),
            envs=env_variables(env_prefix),
            globals=dict(globals_ or {}),
            cipher=cipher,
            masker=Masker(secrets),
            task_env=task_env,
            allowed_paths=tuple(allowed_paths),
            release_memory=database.release_memory,
        )
        yield Backend(services, SqlWorkQueue(database))
    finally:
        database.close()


def sqlite_url(root: Path) -> str:
    """The URL of the embedded database under ``root``."""
    return URL.create("sqlite", database=os.fspath(root / "tiercel.db")).render_as_string()


@contextmanager
def local_services(
    root: Path,
    *,
    globals_: Mapping[str, Any] | None = None,
    allowed_env: Sequence[str] = (),
    allowed_paths: Sequence[str] | None = None,
) -> Iterator[Services]:
    """The embedded backend under ``root``: SQLite for state, local disk for files, SECRET
    inputs encrypted with ``$TIERCEL_SECRET_KEY`` or the key kept in ``root``; file tasks may
    use the local folders of ``allowed_paths`` (``$TIERCEL_ALLOWED_PATHS`` when None)."""
    root.mkdir(parents=True, exist_ok=True)
    key = os.environ.get("TIERCEL_SECRET_KEY") or key_in(root)
    paths = allowed_paths_variable() if allowed_paths is None else allowed_paths
    with open_backend(
        sqlite_url(root), root / "storage", globals_=globals_, secret_key=key,
        allowed_env=allowed_env, allowed_paths=paths,
    ) as backend:  # fmt: skip
        yield backend.services


def allowed_env_variable(environ: Mapping[str, str] | None = None) -> list[str]:
    """``$TIERCEL_ALLOWED_ENV``: a JSON list as the server's settings take it, or names
    separated by commas or spaces."""
    raw = _list_variable("TIERCEL_ALLOWED_ENV", environ)
    return raw if isinstance(raw, list) else raw.replace(",", " ").split()


def allowed_paths_variable(environ: Mapping[str, str] | None = None) -> list[str]:
    """``$TIERCEL_ALLOWED_PATHS``: a JSON list as the server's settings take it, or folders
    separated by the system's path separator (``:``)."""
    raw = _list_variable("TIERCEL_ALLOWED_PATHS", environ)
    return raw if isinstance(raw, list) else [path for path in raw.split(os.pathsep) if path]


def _list_variable(name: str, environ: Mapping[str, str] | None) -> list[str] | str:
    """The variable's JSON list, or its raw text when it holds no JSON list."""
    raw = (os.environ if environ is None else environ).get(name, "").strip()
    if raw.startswith("["):
        with suppress(ValueError):
            parsed = json.loads(raw)
            if isinstance(parsed, list):
                return [str(item) for item in parsed if str(item)]
    return raw


def task_parser(registry: Registry) -> Callable[[str], Any]:
    """Parse one task from YAML, for ``TemplatedTask``; problems become a task failure."""
    adapters: list[TypeAdapter[Task]] = []  # built on first use: it costs start-up time

    def parse(source: str) -> Any:
        if not adapters:
            adapters.append(TypeAdapter(AnyTask))
        adapter = adapters[0]
        try:
            documents = read_documents(source)
            data = documents[0].data if documents else None
            return adapter.validate_python(data, context=registry.context())
        except (SourceError, ValidationError) as exc:
            raise TaskFailure(f"the rendered spec is not a valid task: {exc}") from None

    return parse
