"""Kestra's core plugins (``io.kestra.plugin.core.*``) and their legacy aliases.

Each group is a subpackage listing its classes in ``PLUGINS``; one type per module.
"""

from tiercel.plugins.core import (
    condition,
    debug,
    execution,
    flow,
    http,
    kv,
    log,
    namespace,
    output,
    runner,
    state,
    storage,
    templating,
    trigger,
)

PLUGINS = [
    *condition.PLUGINS,
    *debug.PLUGINS,
    *execution.PLUGINS,
    *flow.PLUGINS,
    *http.PLUGINS,
    *kv.PLUGINS,
    *log.PLUGINS,
    *namespace.PLUGINS,
    *output.PLUGINS,
    *runner.PLUGINS,
    *state.PLUGINS,
    *storage.PLUGINS,
    *templating.PLUGINS,
    *trigger.PLUGINS,
]
