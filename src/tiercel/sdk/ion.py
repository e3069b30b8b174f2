"""Amazon Ion text, as Kestra's tasks read and write it in internal storage: one value per line.

The codec is the expression language's (``tiercel.expr.ion``, which ``fromIon`` uses too);
plugins import it from here, the SDK being the only part of Tiercel they import.
"""

from tiercel.expr.ion import IonError, Timestamp, blob, dumps, field_name, loads, loads_all

__all__ = ["IonError", "Timestamp", "blob", "dumps", "field_name", "loads", "loads_all"]
