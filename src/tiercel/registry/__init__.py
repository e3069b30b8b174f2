"""The plugin registry: finds plugin classes through the ``tiercel.plugins`` entry points.

It implements the model's ``TypeCatalog`` port (type names and legacy aliases to classes) and
generates the JSON Schema of the whole flow language. It imports ``sdk`` and ``model`` only.
"""

from tiercel.registry.catalog import DuplicateTypeError, Registry, default_registry

__all__ = ["DuplicateTypeError", "Registry", "default_registry"]
