"""Built-in plugins, published through the ``tiercel.plugins`` entry points like any other.

Plugins import ``tiercel.sdk`` only.
"""
