"""The environment a task's process starts from.

Scripts run user code: they must not see the server's settings, its credentials or its
secrets. They get what a process needs to run (``PATH``, ``HOME``, the locale and time zone)
and the variables the operator lists in ``allowed-env``; the task then adds its own ``env``
and the working-directory variables.
"""

import os
from collections.abc import Collection, Mapping
from fnmatch import fnmatchcase

BASE_NAMES = ("PATH", "HOME", "LANG", "LANGUAGE", "TZ")
"""Always passed on, with every ``LC_*`` variable."""

HIDDEN_PREFIXES = ("TIERCEL_", "SECRET_")
"""Never passed on, even when allowed: Tiercel's settings and Kestra-style secrets."""


def task_environment(
    environ: Mapping[str, str],
    allowed: Collection[str] = (),
    *,
    hidden_prefixes: Collection[str] = HIDDEN_PREFIXES,
    hidden_values: Collection[str] = (),
) -> dict[str, str]:
    """The variables of ``environ`` a task's process may see.

    Args:
        environ: The server's environment.
        allowed: Names the operator allows besides the base ones; ``*`` and ``?`` match as in
            shell globs (``AWS_*``).
        hidden_prefixes: Variables never passed on, allowed or not.
        hidden_values: Values never passed on, whatever variable holds them (the database
            URL, secret values).
    """
    hidden = {value for value in hidden_values if value}
    chosen: dict[str, str] = {}
    for name, value in environ.items():
        if name.startswith(tuple(hidden_prefixes)) or value in hidden:
            continue
        if (
            name in BASE_NAMES
            or name.startswith("LC_")
            or any(fnmatchcase(name, pattern) for pattern in allowed)
        ):
            chosen[name] = value
    chosen.setdefault("PATH", os.defpath)
    return chosen


def default_task_env() -> dict[str, str]:
    """The base environment of this process, with nothing allowed beyond it."""
    return task_environment(os.environ)
