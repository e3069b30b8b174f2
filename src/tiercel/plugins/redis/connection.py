"""Connecting to Redis (not a plugin): the ``url`` property, the client, and its errors as one
line without the password."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from pydantic import Field

from tiercel.sdk import KestraModel, TaskFailure, Text
from tiercel.sdk.credentials import masked_url

INSTALL = "pip install 'tiercel[redis]'"
T = TypeVar("T")


class RedisConnection(KestraModel):
    """Kestra's ``RedisConnectionInterface``: the server's URL."""

    url: Text = Field(
        description="The connection URL, `redis://[[user]:password@]host[:port][/database]` "
        "(`rediss://` for TLS); a secret when it holds a password."
    )


@contextmanager
def client(url: str) -> Iterator[Any]:
    """A client of the server at ``url``, closed afterwards; Redis errors become one line.

    Raises:
        TaskFailure: The driver is missing, the URL is invalid, the server cannot be reached,
            refuses the credentials or answers with an error.
    """
    try:
        import redis
    except ImportError:
        raise TaskFailure(f"The Redis tasks need the redis package: {INSTALL}") from None
    shown = masked_url(url)
    try:
        connection = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=30)
    except ValueError as exc:
        raise TaskFailure(f"Redis: invalid url '{shown}': {exc}") from None
    try:
        yield connection
    except redis.exceptions.AuthenticationError as exc:
        raise TaskFailure(f"Redis at '{shown}' rejected the credentials: {exc}") from None
    except redis.exceptions.ConnectionError as exc:
        raise TaskFailure(f"Redis: cannot connect to '{shown}': {_hide(exc, url)}") from None
    except redis.exceptions.ResponseError as exc:
        raise TaskFailure(f"Redis at '{shown}' answered an error: {exc}") from None
    except redis.exceptions.RedisError as exc:
        raise TaskFailure(f"Redis at '{shown}': {_hide(exc, url)}") from None
    finally:
        connection.close()


def call(url: str, action: Callable[[Any], T]) -> T:
    """Run ``action`` with a client of the server at ``url`` (errors as ``client`` says)."""
    with client(url) as connection:
        return action(connection)


def _hide(exc: Exception, url: str) -> str:
    return str(exc).replace(url, masked_url(url))
