"""``tiercel server``: the whole system in one process, or one role of it per process.

Settings come from ``--config FILE`` (YAML), then ``TIERCEL_*`` variables, then the flags
given here, each overriding the one before (see ``tiercel.wiring.config``).
"""

import logging
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import click
import uvicorn

from tiercel.api.serving import uvicorn_config
from tiercel.storage import StorageError
from tiercel.storage.secrets import SecretKeyError
from tiercel.wiring.config import ConfigError, load_settings
from tiercel.wiring.server import Role, ServerConfig, running_part

_log = logging.getLogger("tiercel.server")


def _options(function: Callable[..., Any]) -> Callable[..., Any]:
    """The settings every server command takes."""
    decorators = [
        click.option("--config", "config_file",
                     type=click.Path(path_type=Path, dir_okay=False, exists=True),
                     help="A YAML configuration file."),
        click.option("--port", type=int, help="The API's port [8080, or $TIERCEL_PORT]."),
        click.option("--host", help="The interface to listen on (0.0.0.0 for every one) "
                     "[127.0.0.1, or $TIERCEL_HOST]."),
        click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False),
                     help="Where the embedded database and internal storage live "
                     "[$TIERCEL_DATA_DIR, or $TIERCEL_HOME, or ~/.tiercel]."),
        click.option("--flows", "flows_dir",
                     type=click.Path(path_type=Path, file_okay=False, exists=True),
                     help="Deploy every flow of this folder and follow its changes."),
        click.option("--threads", type=int, help="Worker threads [8, or $TIERCEL_THREADS]."),
    ]  # fmt: skip
    for decorate in reversed(decorators):
        function = decorate(function)
    return function


@click.group()
def server() -> None:
    """Run Tiercel as a service."""


@server.command()
@_options
def local(**flags: Any) -> None:
    """Executor, workers, scheduler and API in one process, state in ~/.tiercel (SQLite)."""
    _serve(flags, Role.LOCAL)


@server.command()
@_options
def standalone(**flags: Any) -> None:
    """Every role in one process, on the configured backend; task runs go through the
    backend's work queue, so worker processes started elsewhere take a share."""
    _serve(flags, Role.STANDALONE)


@server.command()
@_options
def executor(**flags: Any) -> None:
    """The executor alone: applies events, hands task runs to workers, runs flow triggers."""
    _serve(flags, Role.EXECUTOR)


@server.command()
@_options
def worker(**flags: Any) -> None:
    """A worker alone: runs task runs from the backend's work queue."""
    _serve(flags, Role.WORKER)


@server.command()
@_options
def scheduler(**flags: Any) -> None:
    """The scheduler alone: schedules and polling triggers."""
    _serve(flags, Role.SCHEDULER)


@server.command()
@_options
def webserver(**flags: Any) -> None:
    """The API alone, over the backend that the other roles share."""
    _serve(flags, Role.WEBSERVER)


def _serve(flags: dict[str, Any], role: Role) -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)-5s %(name)s: %(message)s"
    )
    started = time.monotonic()
    config_file = flags.pop("config_file")
    try:
        settings = load_settings(config_file, **flags)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    config = ServerConfig.from_settings(settings)
    where = config.database_url or f"{config.data_dir} (SQLite)"
    try:
        with running_part(config, [role]) as part:
            if part.app is not None:
                _run_api(part.app, config, started, where)
                return
            _log.info("Tiercel %s is up on %s in %.2f s", role, where, time.monotonic() - started)
            _wait_for_signal()
    except (StorageError, SecretKeyError) as exc:
        raise click.ClickException(str(exc)) from None


def _run_api(app: Any, config: ServerConfig, started: float, where: str) -> None:
    api = uvicorn.Server(
        uvicorn_config(app, config.host, config.port, log_level="warning", lifespan="off")
    )
    _log.info(
        "Tiercel is up on http://%s:%d (data in %s) in %.2f s",
        config.host,
        config.port,
        where,
        time.monotonic() - started,
    )
    # uvicorn raises the signal it caught again once it has stopped, to the handler found
    # before it started: make that one return, so that the roles stop gracefully.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: None)
    api.run()  # returns after SIGINT or SIGTERM, once open requests are answered
    _log.info("stopping: running task runs get %.0f s to finish", config.shutdown_grace_seconds)


def _wait_for_signal() -> None:
    """Block until SIGTERM or SIGINT."""
    stop = threading.Event()

    def handle(signum: int, _frame: FrameType | None) -> None:
        _log.info("%s received: stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
    while not stop.wait(1.0):
        pass
