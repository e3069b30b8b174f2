"""``tiercel server local``: executor, workers, scheduler and API in one process.

The pieces meet here and nowhere else: the API gets the executor as its ``ExecutionRunner``
port, the executor tells the API's waiters (and the scheduler) when executions end, and a
folder of flows given with ``--flows`` is deployed at start and kept in sync while it changes.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI

from tiercel.api import ApiContext, create_app
from tiercel.model.execution import Execution
from tiercel.ops.flows import FlowError, Flows
from tiercel.ops.ports import EndSignal
from tiercel.registry import default_registry
from tiercel.runtime.executor import ServerExecutor
from tiercel.runtime.ids import new_id
from tiercel.runtime.services import Services
from tiercel.wiring.flow_folder import FlowFolder
from tiercel.wiring.local import local_services

_log = logging.getLogger("tiercel.server")


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
    """

    data_dir: Path = Path("data")
    host: str = "127.0.0.1"
    port: int = 8080
    threads: int = 8
    flows_dir: Path | None = None
    users: dict[str, str] = field(default_factory=dict)
    tokens: frozenset[str] = frozenset()
    max_upload_bytes: int = 100 * 1024 * 1024


@dataclass
class Server:
    """The running pieces of a server, for the CLI and for tests."""

    services: Services
    flows: Flows
    executor: ServerExecutor
    ends: EndSignal
    app: FastAPI
    folder: FlowFolder | None


@contextmanager
def running_server(config: ServerConfig) -> Iterator[Server]:
    """Start the executor (picking up unfinished executions), deploy ``flows_dir`` and watch
    it; yield the pieces, the API application among them; stop everything on exit."""
    with ExitStack() as stack:
        services = stack.enter_context(local_services(config.data_dir))
        registry = default_registry()
        flows = Flows(services.flows, services.triggers, registry, services.clock)
        ends = EndSignal()

        def ended(execution: Execution) -> None:
            ends.ended(execution)

        executor = ServerExecutor(services, flows.find, threads=config.threads, on_end=ended)
        folder = None
        if config.flows_dir is not None:
            folder = FlowFolder(config.flows_dir, flows)
            for problem in folder.sync():
                _log.error("%s", problem)
        executor.start()
        stack.callback(executor.stop)
        stop_watching = threading.Event()
        if folder is not None:
            watcher = threading.Thread(
                target=folder.watch, args=(stop_watching,), name="tiercel-flow-folder", daemon=True
            )
            watcher.start()
            stack.callback(stop_watching.set)
        context = ApiContext(
            flows=flows,
            runner=executor,
            ends=ends,
            executions=services.executions,
            logs=services.logs,
            metrics=services.metrics,
            triggers=services.triggers,
            storage=services.storage,
            kv=services.kv,
            registry=registry,
            new_id=new_id,
            clock=services.clock,
            max_upload_bytes=config.max_upload_bytes,
            users=dict(config.users),
            tokens=config.tokens,
        )
        yield Server(services, flows, executor, ends, create_app(context), folder)


__all__ = ["FlowError", "Server", "ServerConfig", "running_server"]
