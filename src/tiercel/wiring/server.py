"""A server's processes: every role in one (``server local``, ``server standalone``), or some
of them in each (``server executor|worker|scheduler|webserver``) over a shared backend.

The backend is opened here; ``tiercel.wiring.roles`` has one builder per role. The API and
the scheduler get an ``ExecutionRunner`` port (the executor itself when it runs in the same
process, else a ``RemoteRunner`` posting to its inbox); the executor tells the API's waiters,
the scheduler and flow triggers when executions end; and a folder of flows given with
``--flows`` is deployed at start and kept in sync while it changes.
"""

import logging
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from fastapi import FastAPI

from tiercel.host import processes
from tiercel.ops.flows import Flows
from tiercel.ops.ports import EndSignal
from tiercel.registry import default_registry
from tiercel.runtime.memory import tune_allocator
from tiercel.runtime.scheduler import Scheduler
from tiercel.runtime.service import ExecutorService
from tiercel.runtime.services import Services
from tiercel.runtime.shared_worker import SharedWorker
from tiercel.storage.secrets import KEY_FILE, key_in
from tiercel.wiring.flow_folder import FlowFolder
from tiercel.wiring.local import open_backend, sqlite_url
from tiercel.wiring.roles import Part, Role, build, remote_part, start
from tiercel.wiring.server_config import ServerConfig
from tiercel.wiring.storage import internal_storage

_log = logging.getLogger("tiercel.server")

ROLES = tuple(Role)
"""What a server process can run."""


@dataclass
class Server:
    """The running pieces of a whole server, for the CLI and for tests."""

    services: Services
    flows: Flows
    executor: ExecutorService
    scheduler: Scheduler
    ends: EndSignal
    app: FastAPI
    folder: FlowFolder | None
    worker: SharedWorker | None = None


@contextmanager
def running_server(config: ServerConfig, *, shared: bool = False) -> Iterator[Server]:
    """Every role in this process: start the executor (picking up unfinished executions),
    deploy ``flows_dir`` and watch it; yield the pieces, the API application among them;
    stop everything on exit.

    With ``shared``, task runs go through the backend's work queue, so that worker processes
    elsewhere can take a share (``server standalone``); this process runs ``threads`` workers
    of its own. Otherwise the executor hands them to its threads directly (``server local``).
    """
    with running_part(config, [Role.STANDALONE if shared else Role.LOCAL]) as part:
        assert part.executor is not None and part.scheduler is not None
        assert part.app is not None and isinstance(part.ends, EndSignal)
        yield Server(
            part.services,
            part.flows,
            part.executor,
            part.scheduler,
            part.ends,
            part.app,
            part.folder,
            part.worker,
        )


@contextmanager
def running_part(config: ServerConfig, roles: Iterable[Role | str]) -> Iterator[Part]:
    """Run ``roles`` in this process over the configured backend; stop them on exit.

    Raises:
        ValueError: a role is unknown.
        StorageError: the backend cannot be opened.
    """
    wanted = [Role(role) for role in roles]  # ValueError names an unknown one
    whole = {Role.LOCAL, Role.STANDALONE} & set(wanted)
    if whole and len(set(wanted)) > 1:
        raise ValueError(f"the role {min(whole)} runs every role: it takes no other")
    tune_allocator()
    with ExitStack() as stack:
        if config.database_url is None:
            config.data_dir.mkdir(parents=True, exist_ok=True)
        elif config.secret_key is None:
            _log.warning(
                "no secret-key is configured: SECRET inputs are encrypted with the key in %s, "
                "which every process of this backend must share (set secret-key or "
                "TIERCEL_SECRET_KEY to the same value everywhere)",
                config.data_dir / KEY_FILE,
            )
        default_storage = config.storage_path or config.data_dir / "storage"
        backend = stack.enter_context(
            open_backend(
                config.database_url or sqlite_url(config.data_dir),
                default_storage,
                pool_size=max(8, config.threads + 4),
                secret_key=config.secret_key or key_in(config.data_dir),
                allowed_env=config.allowed_env,
                allowed_paths=config.allowed_paths,
                storage=internal_storage(config.storage, default_storage),
            )
        )
        services = backend.services
        registry = default_registry()
        flows = Flows(services.flows, services.triggers, registry, services.clock)
        part = remote_part(services, flows, backend.work, registry, config)
        stack.callback(part.stop.set)
        build(part, _in_order(wanted), stack)
        # What the task processes of a killed server still run is killed before its task
        # runs are retried (its guard normally did it already).
        reaped = processes.reap_orphans()
        if reaped:
            _log.warning("killed %d task processes left by a server that died", reaped)
        start(part)
        # Stopped first: the scheduler and the flow folder start nothing more while the
        # workers and the executor wind down.
        stack.callback(part.stop.set)
        yield part


def _in_order(roles: list[Role]) -> list[Role]:
    """The roles in the order they are built: the executor first (the others use it)."""
    return sorted(set(roles), key=list(Role).index)


__all__ = [
    "ROLES",
    "Part",
    "Role",
    "Server",
    "ServerConfig",
    "running_part",
    "running_server",
]
