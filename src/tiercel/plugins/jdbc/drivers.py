"""Driver modules, imported when a task runs: a flow that uses a database whose driver is not
installed still validates, and fails at run time with the line that installs it."""

import importlib
from types import ModuleType

from tiercel.sdk import TaskFailure


def load(module: str, extra: str, what: str) -> ModuleType:
    """Import a driver module.

    Args:
        module: The module to import (``psycopg``).
        extra: Tiercel's optional extra that installs it (``jdbc-postgresql``).
        what: The driver's name for the message (``the PostgreSQL driver (psycopg)``).

    Raises:
        TaskFailure: The module is not installed; the message gives the pip line.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise TaskFailure(
            f"{what} is not installed; install it with: pip install 'tiercel[{extra}]'"
        ) from None
