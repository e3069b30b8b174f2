"""The runtime: the executor loop and the workers around the pure engine.

The executor applies events to executions through ``tiercel.engine`` and stores every change
before acting on it; workers run runnable tasks with a ``RunContext``. The loop is composed of
ports (an inbox, a dispatcher, timers, admission), assembled per role by ``tiercel.wiring``.
They meet through the storage ports, so one process can be a worker only, an executor only,
or both. Imports ``ops``, ``engine``, ``storage``, ``sdk``, ``model`` and ``expr``.
"""

from tiercel.runtime.local import LocalRunner
from tiercel.runtime.services import Finished, LogLine, Services

__all__ = ["Finished", "LocalRunner", "LogLine", "Services"]
