"""YAML read as Kestra reads it (safe, dates left as text), for plugins that parse YAML.

The loader is the expression language's (``tiercel.expr.yaml_text``, which the ``yaml``
function uses); plugins import it from here, the SDK being the only part they import.
"""

from tiercel.expr.yaml_text import TextDatesLoader

__all__ = ["TextDatesLoader"]
