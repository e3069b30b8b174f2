"""``tiercel server local``: executor, workers, scheduler and API in one process.

The pieces meet here and nowhere else: the API gets the executor as its ``ExecutionRunner``
port, the executor tells the API's waiters (and the scheduler) when executions end, and a
folder of flows given with ``--flows`` is deployed at start and kept in sync while it changes.
"""

import logging
import queue
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI

from tiercel.api import ApiContext, create_app
from tiercel.engine.inputs import InputError
from tiercel.model.execution import Execution
from tiercel.model.flow import Flow
from tiercel.ops.flows import Flows
from tiercel.ops.ports import EndSignal
from tiercel.registry import default_registry
from tiercel.runtime.executor import ServerExecutor
from tiercel.runtime.flow_triggers import FlowTriggers
from tiercel.runtime.ids import new_id
from tiercel.runtime.scheduler import Scheduler, StartRequest
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
        allowed_paths: Local folders file triggers may read (Kestra's ``allowed-paths``).
    """

    data_dir: Path = Path("data")
    host: str = "127.0.0.1"
    port: int = 8080
    threads: int = 8
    flows_dir: Path | None = None
    users: dict[str, str] = field(default_factory=dict)
    tokens: frozenset[str] = frozenset()
    max_upload_bytes: int = 100 * 1024 * 1024
    allowed_paths: tuple[str, ...] = ()


@dataclass
class Server:
    """The running pieces of a server, for the CLI and for tests."""

    services: Services
    flows: Flows
    executor: ServerExecutor
    scheduler: Scheduler
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
        reactions: queue.SimpleQueue[Execution | None] = queue.SimpleQueue()

        def ended(execution: Execution) -> None:
            # Called on the executor thread: waiters wake at once; the rest is done on the
            # reactions thread, off the executor's path.
            ends.ended(execution)
            reactions.put(execution)

        executor = ServerExecutor(services, flows.find, threads=config.threads, on_end=ended)

        def deployed() -> list[Flow]:
            return [d.flow for d in flows.current()]

        def start(request: StartRequest) -> str | None:
            try:
                execution = executor.create(
                    request.flow,
                    request.inputs,
                    request.labels,
                    trigger=request.trigger,
                    schedule_date=request.schedule_date,
                )
            except InputError as exc:
                _log.error(
                    "%s.%s: trigger %s cannot start an execution: %s",
                    request.flow.namespace,
                    request.flow.id,
                    request.trigger.id,
                    exc,
                )
                return None
            return execution.id

        scheduler = Scheduler(services, deployed, start, allowed_paths=config.allowed_paths)
        flow_triggers = FlowTriggers(services, deployed, start)

        def react() -> None:
            while (execution := reactions.get()) is not None:
                try:
                    scheduler.execution_ended(execution)
                    flow_triggers.execution_ended(execution)
                except Exception:  # one bad trigger must not stop the others
                    _log.exception("reacting to the end of %s failed", execution.id)

        folder = None
        if config.flows_dir is not None:
            folder = FlowFolder(config.flows_dir, flows)
            for problem in folder.sync():
                _log.error("%s", problem)
        executor.start()
        stack.callback(executor.stop)
        stop = threading.Event()
        stack.callback(stop.set)
        threads = [
            threading.Thread(target=react, name="tiercel-reactions", daemon=True),
            threading.Thread(
                target=scheduler.serve, args=(stop,), name="tiercel-scheduler", daemon=True
            ),
        ]
        if folder is not None:
            threads.append(
                threading.Thread(
                    target=folder.watch, args=(stop,), name="tiercel-flow-folder", daemon=True
                )
            )
        for thread in threads:
            thread.start()
        stack.callback(reactions.put, None)
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
            stats=executor.stats,
        )
        yield Server(services, flows, executor, scheduler, ends, create_app(context), folder)


__all__ = ["Server", "ServerConfig", "running_server"]
