"""The one place that picks the backends and joins the pieces: where data lives, which
adapters serve it, and how a server's executor, scheduler and API meet."""

from tiercel.wiring.local import (
    JOURNAL_FOLDER,
    data_dir,
    env_variables,
    local_services,
    secret_function,
    task_parser,
)

__all__ = [
    "JOURNAL_FOLDER",
    "data_dir",
    "env_variables",
    "local_services",
    "secret_function",
    "task_parser",
]
