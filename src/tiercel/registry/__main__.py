"""``python -m tiercel.registry MODULE``: print the plugin index of ``MODULE.PLUGINS``."""

import sys

from tiercel.registry.index import render_index

sys.stdout.write(
    render_index(sys.argv[1] if len(sys.argv) > 1 else "tiercel.plugins.core.catalogue")
)
