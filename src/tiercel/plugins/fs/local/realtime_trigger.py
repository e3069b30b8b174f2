"""``io.kestra.plugin.fs.local.RealtimeTrigger``: start an execution for each file created,
updated or deleted in a local directory, as the operating system reports it.

The events come from ``watchdog``: inotify on Linux (kqueue or FSEvents elsewhere, polling as
a last resort), the counterpart of the Java ``WatchService`` Kestra uses, and a library kept
up to date by its maintainers.
"""

import os
import queue
import re
import threading
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from pydantic import Field
from watchdog.events import (
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from tiercel.plugins.fs.local.files import compiled, confined, file_object, rendered
from tiercel.sdk import (
    Emission,
    LogLevel,
    Property,
    RealtimeTrigger,
    TaskFailure,
    Text,
    TriggerContext,
    plugin,
)

QUIET_PERIOD = 0.5
"""Seconds without a new write before an UPDATE is emitted: Kestra coalesces a file's
updates over 500 ms, so a file written in many chunks starts one execution, not dozens."""

_TICK = 0.05  # how often the listening thread looks at ``stop`` and the pending updates
_ROOT_CHECK = 1.0  # how often it checks that the watched directory still exists


class EventType(StrEnum):
    """Which events start an execution."""

    CREATE = "CREATE"
    UPDATE = "UPDATE"
    CREATE_OR_UPDATE = "CREATE_OR_UPDATE"
    DELETE = "DELETE"


_WANTED = {
    EventType.CREATE: {"CREATE"},
    EventType.UPDATE: {"UPDATE"},
    EventType.CREATE_OR_UPDATE: {"CREATE", "UPDATE"},
    EventType.DELETE: {"DELETE"},
}


@plugin("io.kestra.plugin.fs.local.RealtimeTrigger")
class LocalRealtimeTrigger(RealtimeTrigger):
    """Watch a local directory under the allowed paths; one execution per file event."""

    from_: Text = Field(alias="from", description="The directory to watch.")
    recursive: Property[bool] = Field(default=False, description="Watch subdirectories too.")
    reg_exp: Text | None = Field(
        default=None, description="Only files whose absolute path matches this expression."
    )
    on: Property[EventType] = Field(
        default=EventType.CREATE_OR_UPDATE,
        description="CREATE, UPDATE, CREATE_OR_UPDATE or DELETE.",
    )

    def listen(
        self, ctx: TriggerContext, emit: Callable[[Emission], None], stop: threading.Event
    ) -> None:
        """Emit ``file`` (Kestra's file object) and ``changeType`` for each matching event of
        a regular file, until ``stop`` is set.

        CREATE and DELETE are emitted at once; updates of a file are emitted as one UPDATE
        once the file has been quiet for half a second.

        Raises:
            TaskFailure: The directory is not allowed, does not exist, or went away.
        """
        root = confined(ctx, rendered(ctx, self.from_, str), "from")
        wanted = _WANTED[rendered(ctx, self.on, EventType)]
        pattern = compiled(ctx, self.reg_exp)
        recursive = rendered(ctx, self.recursive, bool)
        if not root.is_dir():
            raise TaskFailure(f"Directory does not exist: {root}")

        events: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
        observer = Observer()
        observer.schedule(_Handler(events), str(root), recursive=recursive)
        observer.start()
        ctx.log(LogLevel.INFO, f"Watching directory: {root}")
        try:
            _Loop(ctx, emit, root, wanted, pattern).run(events, stop)
        finally:
            observer.stop()
            observer.join(timeout=5)


class _Handler(FileSystemEventHandler):
    """Turns watchdog's events, on the observer's thread, into (change, path) pairs."""

    def __init__(self, events: "queue.SimpleQueue[tuple[str, str]]") -> None:
        super().__init__()
        self.events = events

    def dispatch(self, event: FileSystemEvent) -> None:
        # Directories never fire, as in Kestra; a rename is a deletion and a creation, as the
        # Java WatchService reports it.
        if isinstance(event, FileCreatedEvent):
            self.events.put(("CREATE", _text(event.src_path)))
        elif isinstance(event, FileModifiedEvent):
            self.events.put(("UPDATE", _text(event.src_path)))
        elif isinstance(event, FileDeletedEvent):
            self.events.put(("DELETE", _text(event.src_path)))
        elif isinstance(event, FileMovedEvent):
            self.events.put(("DELETE", _text(event.src_path)))
            self.events.put(("CREATE", _text(event.dest_path)))


def _text(path: str | bytes) -> str:
    return os.fsdecode(path)


class _Loop:
    """The listening thread's work: filter events, hold updates back, emit."""

    def __init__(
        self,
        ctx: TriggerContext,
        emit: Callable[[Emission], None],
        root: Path,
        wanted: set[str],
        pattern: re.Pattern[str] | None,
    ) -> None:
        self.ctx = ctx
        self.emit = emit
        self.root = root
        self.wanted = wanted
        self.pattern = pattern
        self.pending: dict[str, float] = {}  # path -> when its UPDATE is due

    def run(self, events: "queue.SimpleQueue[tuple[str, str]]", stop: threading.Event) -> None:
        next_check = time.monotonic() + _ROOT_CHECK
        while not stop.is_set():
            try:
                change, path = events.get(timeout=_TICK)
            except queue.Empty:
                pass
            else:
                self.receive(change, path)
            now = time.monotonic()
            for path, due in list(self.pending.items()):
                if due <= now:
                    del self.pending[path]
                    self.send("UPDATE", path)
            if now >= next_check:
                next_check = now + _ROOT_CHECK
                if not self.root.is_dir():
                    raise TaskFailure(f"The watched directory {self.root} no longer exists")

    def receive(self, change: str, path: str) -> None:
        if change not in self.wanted:
            return
        if self.pattern is not None and not self.pattern.fullmatch(path):
            return
        if change == "UPDATE":
            self.pending[path] = time.monotonic() + QUIET_PERIOD
            return
        if change == "DELETE":
            self.pending.pop(path, None)
        self.send(change, path)

    def send(self, change: str, path: str) -> None:
        file = Path(path)
        if not self.ctx.allowed_path(os.path.realpath(file)):
            self.ctx.log(LogLevel.WARN, f"Rejecting an event outside the allowed paths: {file}")
            return
        info: os.stat_result | None = None
        if change != "DELETE":
            try:
                info = file.lstat()
            except FileNotFoundError:  # gone before we could look at it
                return
            if file.is_symlink():
                self.ctx.log(LogLevel.WARN, f"Rejecting an event on a symbolic link: {file}")
                return
            if not file.is_file():
                return
        self.emit(Emission(variables={"file": file_object(file, info), "changeType": change}))
