"""Kestra's JDBC URLs (``jdbc:postgresql://host:5432/db?sslmode=require``), read into parts
that a Python driver takes."""

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from tiercel.sdk import TaskFailure


@dataclass(frozen=True, slots=True)
class JdbcUrl:
    """The parts of a JDBC URL.

    ``jdbc:postgresql://h1:5432/db?a=b`` has the subprotocol ``postgresql``, the host ``h1``,
    the port 5432, the database ``db`` and the parameters ``{"a": "b"}``. A URL without ``//``
    (``jdbc:sqlite:/tmp/x.db``, ``jdbc:duckdb:``) has only a ``path``.
    """

    subprotocol: str
    host: str | None = None
    port: int | None = None
    database: str | None = None
    path: str = ""
    params: dict[str, str] = field(default_factory=dict)
    user: str | None = None
    password: str | None = None


def parse(url: str, schemes: tuple[str, ...]) -> JdbcUrl:
    """Read ``url``, which must start with ``jdbc:`` and one of ``schemes``.

    Raises:
        TaskFailure: A blank URL, another scheme, or a port that is not a number. The message
            never repeats the URL, which may hold a password.
    """
    text = url.strip()
    if not text:
        raise TaskFailure("Rendered value of `url` is blank.")
    if not any(text.startswith(f"jdbc:{scheme}:") for scheme in schemes):
        raise TaskFailure(f"URL scheme is invalid. URL should start with `jdbc:{schemes[0]}`")
    rest = text[len("jdbc:") :]
    subprotocol, _, remainder = rest.partition(":")
    if not remainder.startswith("//"):
        path, _, query = remainder.partition("?")
        return JdbcUrl(subprotocol, path=path, params=dict(parse_qsl(query)))
    parts = urlsplit("x:" + remainder)
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    try:
        port = parts.port
    except ValueError:
        raise TaskFailure("The port in `url` is not a number") from None
    database = unquote(parts.path.lstrip("/")) or None
    return JdbcUrl(
        subprotocol,
        host=parts.hostname,
        port=port,
        database=database,
        path=parts.path,
        params=params,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )
