"""A folder of flow files kept deployed: added and edited files deploy, deleted ones undeploy.

The folder is polled (each file's size and modification time) rather than watched: the check
costs microseconds a file, works on every file system (network mounts and containers' bind
mounts included, where change notifications often do not arrive) and sees an editor's
write-then-rename as one change.
"""

import logging
import threading
from pathlib import Path

from tiercel.model.errors import Problem
from tiercel.ops.flows import FlowError, FlowNotFoundError, Flows

_log = logging.getLogger("tiercel.flows")

POLL_SECONDS = 1.0

_SUFFIXES = (".yaml", ".yml")


class FlowFolder:
    """Deploys the flows of ``root`` (and its sub-folders) and follows its changes."""

    def __init__(self, root: Path, flows: Flows) -> None:
        self.root = root
        self._flows = flows
        self._seen: dict[Path, tuple[int, int]] = {}
        self._deployed: dict[Path, tuple[str, str]] = {}

    def sync(self) -> list[Problem]:
        """Deploy what changed since the last call and delete the flows of removed files.

        Returns:
            The problems of files that could not be deployed (each keeps its last good
            revision deployed).
        """
        problems: list[Problem] = []
        current: dict[Path, tuple[int, int]] = {}
        for path in sorted(self.root.rglob("*")):
            if path.suffix in _SUFFIXES and path.is_file():
                stat = path.stat()
                current[path] = (stat.st_mtime_ns, stat.st_size)
        for path, signature in current.items():
            if self._seen.get(path) == signature:
                continue
            problems.extend(self._deploy(path))
        for path in set(self._seen) - set(current):
            self._undeploy(path)
        self._seen = current
        return problems

    def watch(self, stop: threading.Event) -> None:
        """Call ``sync`` every second until ``stop`` is set."""
        while not stop.wait(POLL_SECONDS):
            try:
                for problem in self.sync():
                    _log.error("%s", problem)
            except OSError as exc:  # the folder went away for a moment: try again later
                _log.warning("cannot read %s: %s", self.root, exc)
            except Exception:
                # Whatever happened, the watch goes on: files saved later must still deploy.
                _log.exception("cannot sync %s", self.root)

    def _deploy(self, path: Path) -> list[Problem]:
        name = str(path)
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return [Problem(name, 1, 1, "", f"cannot read the file: {exc}")]
        try:
            deployed = self._flows.deploy(source, name=name)
        except FlowError as exc:
            return exc.problems
        except Exception as exc:
            # A file that breaks the reader in a way nobody foresaw must not stop the server's
            # start or this folder's watch: it is reported, with its traceback in the log,
            # and the other files still deploy.
            _log.exception("cannot deploy %s", name)
            return [Problem(name, 1, 1, "", f"cannot deploy: {type(exc).__name__}: {exc}")]
        key = (deployed.flow.namespace, deployed.flow.id)
        previous = self._deployed.get(path)
        if previous is not None and previous != key:
            self._delete(previous)  # the file now declares another flow
        self._deployed[path] = key
        _log.info("deployed %s.%s revision %d from %s", *key, deployed.record.revision, name)
        return []

    def _undeploy(self, path: Path) -> None:
        key = self._deployed.pop(path, None)
        if key is not None and key not in self._deployed.values():
            self._delete(key)

    def _delete(self, key: tuple[str, str]) -> None:
        try:
            self._flows.delete(*key)
            _log.info("deleted %s.%s: its file is gone", *key)
        except FlowNotFoundError:
            pass
