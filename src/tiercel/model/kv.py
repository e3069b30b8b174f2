"""The value types of Kestra's key-value store, shared by the KV tasks and the stores."""

from enum import StrEnum


class KVType(StrEnum):
    """The type a KV value is stored as, named as in Kestra's ``kvType``."""

    STRING = "STRING"
    NUMBER = "NUMBER"
    BOOLEAN = "BOOLEAN"
    DATETIME = "DATETIME"
    DATE = "DATE"
    DURATION = "DURATION"
    JSON = "JSON"
