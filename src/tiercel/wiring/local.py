"""Backends: the embedded one (SQLite and local disk) or a shared one (PostgreSQL); and what
tasks borrow from them."""

import base64
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.engine import URL

from tiercel.model.source import SourceError, read_documents
from tiercel.model.task import AnyTask, Task
from tiercel.registry import Registry, default_registry
from tiercel.runtime import Services
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


def data_dir(explicit: Path | None = None) -> Path:
    """Where the embedded backend keeps its data: ``--data-dir``, ``$TIERCEL_HOME``, or
    ``~/.tiercel``."""
    chosen = explicit or Path(os.environ.get("TIERCEL_HOME") or Path.home() / ".tiercel")
    chosen.mkdir(parents=True, exist_ok=True)
    return chosen


def secret_function(environ: dict[str, str] | None = None) -> Callable[[str], Any]:
    """``secret(key)``: Kestra's open-source secrets, base64 in ``SECRET_<KEY>`` variables."""
    source = dict(os.environ if environ is None else environ)

    def secret(key: str) -> str:
        encoded = source.get(f"SECRET_{key.upper()}") or source.get(f"SECRET_{key}")
        if encoded is None:
            raise ValueError(f"Cannot find secret for key '{key}'")
        return base64.b64decode(encoded).decode()

    return secret


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
    storage: InternalStorage | None = None,
) -> Iterator[Backend]:
    """The backend at ``database_url`` (SQLite or PostgreSQL), files under ``storage_path``
    (or in ``storage``, an internal storage built by the caller: S3, say).

    ``envs`` come from variables prefixed ``$TIERCEL_ENV_PREFIX`` (``ENV_`` by default).

    Raises:
        StorageError: the database cannot be opened or migrated.
    """
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
            functions={"secret": secret_function()},
            task_parser=task_parser(default_registry()),
            envs=env_variables(os.environ.get("TIERCEL_ENV_PREFIX", "ENV_")),
            globals=dict(globals_ or {}),
        )
        yield Backend(services, SqlWorkQueue(database))
    finally:
        database.close()


def sqlite_url(root: Path) -> str:
    """The URL of the embedded database under ``root``."""
    return URL.create("sqlite", database=os.fspath(root / "tiercel.db")).render_as_string()


@contextmanager
def local_services(root: Path, *, globals_: Mapping[str, Any] | None = None) -> Iterator[Services]:
    """The embedded backend under ``root``: SQLite for state, local disk for files."""
    root.mkdir(parents=True, exist_ok=True)
    with open_backend(sqlite_url(root), root / "storage", globals_=globals_) as backend:
        yield backend.services


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
