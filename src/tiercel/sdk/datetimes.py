"""Java ``DateTimeFormatter`` patterns for plugins that format dates as Kestra's do
(``yyyy-MM-dd'T'HH:mm:ss.SSS[XXX]``)."""

from tiercel.expr.javatime import format_pattern

__all__ = ["format_pattern"]
