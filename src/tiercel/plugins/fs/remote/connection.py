"""The connection properties every SFTP, FTP and FTPS task and trigger shares (Kestra's
``AbstractVfsInterface``), and the session they open."""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import ClassVar

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.errors import failure
from tiercel.plugins.fs.remote.client import RemoteFiles, flow_path
from tiercel.sdk import KestraModel, TaskFailure, Text


@dataclass(frozen=True, slots=True)
class Session:
    """An open client, and what names its files in outputs and messages."""

    files: RemoteFiles
    scheme: str
    host: str
    secrets: tuple[str | None, ...]

    def uri(self, path: str) -> str:
        """A file's URI as Kestra reports it: scheme, host and path, without the port or the
        credentials."""
        return f"{self.scheme}://{self.host}{flow_path(path)}"

    @contextmanager
    def guard(self, action: str) -> Iterator[None]:
        """Turn any error of the client into one line saying what failed, secrets masked."""
        try:
            yield
        except TaskFailure:
            raise
        except Exception as exc:  # the protocol libraries raise many unrelated types
            raise failure(action, exc, self.secrets) from None


class RemoteConnection(KestraModel):
    """Kestra's host, port, username and password; each protocol opens its own client."""

    scheme: ClassVar[str] = ""

    host: Text = Field(description="Remote host.")
    username: Text | None = Field(
        default=None, description="Username.", json_schema_extra={"secret": True}
    )
    password: Text | None = Field(
        default=None, description="Password.", json_schema_extra={"secret": True}
    )

    def open(self, env: Env) -> AbstractContextManager[Session]:
        """Connect and log in; the session is closed when the block ends.

        Raises:
            TaskFailure: The server cannot be reached or refuses the credentials.
        """
        raise NotImplementedError

    def port_number(self, env: Env, port: str | None, default: int) -> int:
        """The rendered ``port`` as a number, or a clear failure."""
        text = env.optional(port, str)
        if text is None:
            return default
        try:
            number = int(text)
        except ValueError:
            number = -1
        if not 0 < number < 65536:
            raise TaskFailure(f"Invalid port '{text}': expected a number from 1 to 65535")
        return number
