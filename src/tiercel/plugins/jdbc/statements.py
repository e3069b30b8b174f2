"""SQL text as Kestra's JDBC tasks read it: statements split at semicolons, and ``:name``
parameters turned into the driver's placeholders."""

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

# One token of SQL: a quoted string or identifier, a comment, a dollar-quoted body, a cast
# (``::``), a named parameter, a semicolon, or anything else up to the next of these.
_TOKEN = re.compile(
    r"""
    (?P<quoted>'(?:[^']|'')*'?|"(?:[^"]|"")*"?|`[^`]*`?)
  | (?P<comment>--[^\n]*|/\*.*?(?:\*/|$))
  | (?P<dollar>(?P<tag>\$[A-Za-z_]*\$).*?(?:(?P=tag)|$))
  | (?P<cast>::)
  | (?P<param>:[A-Za-z_]\w*)
  | (?P<semicolon>;)
  | (?P<other>[^'"`\-/$:;]+|.)
    """,
    re.VERBOSE | re.DOTALL,
)


def _tokens(sql: str) -> Iterator[tuple[str, str]]:
    for match in _TOKEN.finditer(sql):
        yield match.lastgroup or "other", match.group()


def split(sql: str) -> list[str]:
    """The statements of ``sql``: cut at semicolons outside strings and comments, trimmed,
    empty ones dropped."""
    statements: list[str] = []
    current: list[str] = []
    for kind, text in _tokens(sql):
        if kind == "tag":
            continue
        if kind == "semicolon":
            statements.append("".join(current))
            current = []
        else:
            current.append(text)
    statements.append("".join(current))
    return [statement.strip() for statement in statements if _has_code(statement)]


def _has_code(statement: str) -> bool:
    return any(kind not in ("comment",) and text.strip() for kind, text in _tokens(statement))


def bind(
    sql: str, parameters: Mapping[str, Any] | None, placeholder: str
) -> tuple[str, Sequence[Any] | None]:
    """``sql`` with each ``:name`` replaced by ``placeholder`` and the values in order.

    Without parameters the SQL is left as written and no values are passed, so that a ``%``
    or a ``:word`` in it means nothing special. A name the map lacks is bound to NULL, as in
    Kestra. With the ``%s`` placeholder, literal ``%`` are doubled for the driver.
    """
    if parameters is None:
        return sql, None
    out: list[str] = []
    values: list[Any] = []
    percent = "%" in placeholder
    for kind, text in _tokens(sql):
        if kind == "tag":
            continue
        if kind == "param":
            out.append(placeholder)
            values.append(parameters.get(text[1:]))
        else:
            out.append(text.replace("%", "%%") if percent else text)
    return "".join(out), values


def question_marks(sql: str, placeholder: str) -> str:
    """``sql`` written with ``?`` placeholders (a ``Batch`` insert) in the driver's style."""
    if placeholder == "?":
        return sql
    out: list[str] = []
    percent = "%" in placeholder
    for kind, text in _tokens(sql):
        if kind == "tag":
            continue
        escaped = text.replace("%", "%%") if percent else text
        out.append(escaped.replace("?", placeholder) if kind == "other" else escaped)
    return "".join(out)
