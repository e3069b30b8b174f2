"""The FTP connection properties (Kestra's ``FtpInterface``) and the ftplib session they open
(not a plugin). ``FtpsConnection`` adds TLS to the same session."""

import ftplib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.errors import SHORTEST_SECRET, failure
from tiercel.plugins.fs.ftp.client import FtpFiles
from tiercel.plugins.fs.remote.connection import RemoteConnection, Session
from tiercel.sdk import Duration, KestraModel, Property, TaskFailure, Text
from tiercel.sdk.credentials import one_line


class ProxyType(StrEnum):
    """Java's ``Proxy.Type``."""

    DIRECT = "DIRECT"
    HTTP = "HTTP"
    SOCKS = "SOCKS"


class FtpOptions(KestraModel):
    """Timeouts of the FTP client."""

    connection_timeout: Property[Duration] = Field(
        default=timedelta(seconds=30), description="Time to open the control connection."
    )
    data_timeout: Property[Duration] = Field(
        default=timedelta(seconds=30), description="Time to open and use a data connection."
    )
    socket_timeout: Property[Duration] = Field(
        default=timedelta(seconds=30), description="Time to wait for a reply once connected."
    )
    control_keep_alive_timeout: Property[Duration] = Field(
        default=timedelta(seconds=30), description="Accepted for Kestra's flows; unused."
    )
    control_keep_alive_reply_timeout: Property[Duration] = Field(
        default=timedelta(seconds=30), description="Accepted for Kestra's flows; unused."
    )


class FtpConnection(RemoteConnection):
    """Kestra's FTP properties."""

    scheme: ClassVar[str] = "ftp"

    port: Text = Field(default="21", description="Remote port.")
    proxy_host: Text | None = Field(default=None, description="FTP proxy hostname.")
    proxy_port: Text | None = Field(default=None, description="FTP proxy port.")
    proxy_type: Property[ProxyType] | None = Field(default=None, description="FTP proxy type.")
    root_dir: Property[bool] = Field(
        default=True, description="Resolve paths under the directory the login starts in."
    )
    passive_mode: Property[bool] = Field(
        default=True, description="Passive data connections (false: active mode)."
    )
    remote_ip_verification: Property[bool] = Field(
        default=True,
        description="Open passive data connections to the control connection's address, "
        "never to another one the server names.",
    )
    options: FtpOptions = Field(default_factory=FtpOptions, description="FTP client options.")

    def client(self, env: Env, host: str, timeout: float) -> ftplib.FTP:
        """A client not yet connected (FTPS returns a TLS one)."""
        return ftplib.FTP(timeout=timeout)

    def secure(self, env: Env, ftp: ftplib.FTP) -> None:
        """What to do once logged in (FTPS protects the data channel)."""

    @contextmanager
    def open(self, env: Env) -> Iterator[Session]:
        """Connect and log in (anonymously without a username).

        Raises:
            TaskFailure: The server cannot be reached or refuses the credentials.
        """
        if env.optional(self.proxy_host, str):
            raise TaskFailure("FTP through a proxy is not supported by Tiercel yet")
        host = env.value(self.host, str)
        port = self.port_number(env, self.port, int(type(self).model_fields["port"].default))
        username = env.optional(self.username, str)
        password = env.optional(self.password, str)
        secrets = (password,)
        label = f"{self.scheme}://{host}:{port}"
        options = self.options
        connect = env.value(options.connection_timeout, timedelta).total_seconds()
        replies = env.value(options.socket_timeout, timedelta).total_seconds()
        ftp = self.client(env, host, env.value(options.data_timeout, timedelta).total_seconds())
        try:
            try:
                ftp.connect(host, port, timeout=connect)
            except TaskFailure:
                raise
            except Exception as exc:
                raise failure(f"Unable to connect to {label}", exc, secrets) from None
            if ftp.sock is not None:
                ftp.sock.settimeout(replies)
            try:
                ftp.login(username or "anonymous", password or "")
            except ftplib.error_perm as exc:
                reason = one_line(exc, secrets, shortest=SHORTEST_SECRET)
                raise TaskFailure(
                    f"Login failed for user '{username or 'anonymous'}' on {label}: {reason}"
                ) from None
            except Exception as exc:
                raise failure(f"Unable to log in on {label}", exc, secrets) from None
            try:
                self.secure(env, ftp)
                ftp.set_pasv(env.value(self.passive_mode, bool))
                # ftplib's own switch (missing from its type stubs): trusting the address a
                # PASV reply names is what Kestra's remoteIpVerification turns off.
                setattr(  # noqa: B010
                    ftp,
                    "trust_server_pasv_ipv4_address",
                    not env.value(self.remote_ip_verification, bool),
                )
                root = ftp.pwd() if env.value(self.root_dir, bool) else ""
            except TaskFailure:
                raise
            except Exception as exc:
                raise failure(f"Unable to set up the session on {label}", exc, secrets) from None
            yield Session(FtpFiles(ftp, root), self.scheme, host, secrets)
        finally:
            ftp.close()
