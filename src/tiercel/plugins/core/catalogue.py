"""Every class of Kestra's core plugins, imported: for the index generator and the tests.

The registry reads ``tiercel.plugins.core.index`` instead, and imports a class when needed.
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
