"""The one exception type callers see, plus the internal kinds the evaluator tells apart."""

from __future__ import annotations

_MAX_SHOWN = 200


def _shorten(text: str) -> str:
    # A 10 kB template in an error message hides the message itself.
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def line_and_column(source: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of ``offset`` in ``source``."""
    offset = max(0, min(offset, len(source)))
    line = source.count("\n", 0, offset) + 1
    column = offset - (source.rfind("\n", 0, offset) + 1) + 1
    return line, column


class ExpressionError(Exception):
    """A template or expression could not be parsed or evaluated.

    Attributes:
        reason: What went wrong, without the location.
        source: The template (or expression) being processed, when known.
        line: 1-based line of the problem within ``source``, when known.
        column: 1-based column of the problem within ``source``, when known.
    """

    def __init__(
        self,
        reason: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        offset: int | None = None,
    ) -> None:
        self.reason = reason
        self.source = source
        self.line = line
        self.column = column
        self.offset = offset
        super().__init__(self._message())

    def _message(self) -> str:
        if self.source is None:
            return self.reason
        where = f" at line {self.line}" if self.line is not None else ""
        if self.column is not None:
            where += f", column {self.column}"
        return f"{self.reason} (in the expression `{_shorten(self.source)}`{where})"

    def at(self, offset: int) -> ExpressionError:
        """Record the offset of the node that failed, unless a deeper node already did."""
        if self.offset is None:
            self.offset = offset
        return self

    def locate(self, source: str) -> ExpressionError:
        """Attach the template and turn the recorded offset into a line and column."""
        if self.source is None:
            self.source = source
            if self.offset is not None and self.line is None:
                self.line, self.column = line_and_column(source, self.offset)
            self.args = (self._message(),)
        return self


class TemplateSyntaxError(ExpressionError):
    """The template text is not valid Pebble."""


class UndefinedError(ExpressionError):
    """A variable, attribute, key or index does not exist (strict variables).

    ``??``, ``???``, ``is defined`` and ``| default`` catch this kind and only this kind, as
    Pebble catches ``AttributeNotFoundException``.
    """

    def __init__(self, name: str, offset: int | None = None, *, detail: str = "") -> None:
        self.name = name
        reason = f"Unable to find `{name}`"
        super().__init__(reason + (f": {detail}" if detail else ""), offset=offset)

    def _message(self) -> str:
        # Kestra's own wording: "Unable to find `x` used in the expression `...` at line N".
        if self.source is None:
            return self.reason
        where = f" at line {self.line}" if self.line is not None else ""
        if self.column is not None:
            where += f", column {self.column}"
        head, _, detail = self.reason.partition(": ")
        tail = f" ({detail})" if detail else ""
        return f"{head} used in the expression `{_shorten(self.source)}`{where}{tail}"
