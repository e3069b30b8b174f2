"""The SFTP connection properties (Kestra's ``SftpInterface``) and the paramiko session they
open: a password, a private key (with its passphrase), or both (not a plugin).

Host keys are not checked, as Kestra's SFTP tasks do not check them by default.
"""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.errors import failure
from tiercel.plugins.cloud.sdk import load
from tiercel.plugins.fs.remote.connection import RemoteConnection, Session
from tiercel.plugins.fs.sftp.client import SftpFiles
from tiercel.sdk import LogLevel, Property, TaskFailure, Text

TIMEOUT = 30.0
"""Seconds to connect and to authenticate, as Kestra's default session timeout."""


class SftpConnection(RemoteConnection):
    """Kestra's SFTP properties."""

    scheme: ClassVar[str] = "sftp"

    port: Text = Field(default="22", description="Remote port.")
    keyfile: Text | None = Field(
        default=None,
        description="Private key (PEM or OpenSSH text) for public key authentication.",
        json_schema_extra={"secret": True},
    )
    passphrase: Text | None = Field(
        default=None, description="Passphrase of the key.", json_schema_extra={"secret": True}
    )
    root_dir: Property[bool] = Field(
        default=True, description="Resolve paths under the user's home directory."
    )
    key_exchange_algorithm: Text | None = Field(
        default=None, description="Use only this key exchange algorithm."
    )
    enable_ssh_rsa1: Property[bool] = Field(
        default=False, description="Accept the weak RSA/SHA1 (`ssh-rsa`) signature algorithm."
    )
    proxy_host: Text | None = Field(default=None, description="Deprecated: use proxyAddress.")
    proxy_address: Text | None = Field(default=None, description="SFTP proxy address.")
    proxy_port: Text | None = Field(default=None, description="SFTP proxy port.")
    proxy_user: Text | None = Field(default=None, description="Deprecated: use proxyUsername.")
    proxy_username: Text | None = Field(
        default=None, description="SFTP proxy username.", json_schema_extra={"secret": True}
    )
    proxy_password: Text | None = Field(
        default=None, description="SFTP proxy password.", json_schema_extra={"secret": True}
    )
    proxy_type: Text | None = Field(default=None, description="SOCKS5, STREAM or HTTP.")

    @contextmanager
    def open(self, env: Env) -> Iterator[Session]:
        """Connect, log in and start the SFTP subsystem.

        Raises:
            TaskFailure: The server cannot be reached, refuses the credentials or the key.
        """
        if env.optional(self.proxy_address, str) or env.optional(self.proxy_host, str):
            raise TaskFailure("SFTP through a proxy is not supported by Tiercel yet")
        paramiko = load("paramiko", "fs")
        host = env.value(self.host, str)
        port = self.port_number(env, self.port, 22)
        username = env.optional(self.username, str)
        password = env.optional(self.password, str)
        keyfile = env.optional(self.keyfile, str)
        passphrase = env.optional(self.passphrase, str)
        secrets = (password, passphrase, keyfile)
        label = f"sftp://{host}:{port}"
        options: dict[str, Any] = {"disabled_algorithms": {}}
        if env.value(self.enable_ssh_rsa1, bool):
            env.log(
                LogLevel.INFO,
                "RSA/SHA1 is enabled, be advised that SHA1 is no longer considered secure by "
                "the general cryptographic community.",
            )
        else:
            options["disabled_algorithms"] = {"pubkeys": ["ssh-rsa"], "keys": ["ssh-rsa"]}
        kex = env.optional(self.key_exchange_algorithm, str)
        if kex is not None:
            known = list(paramiko.Transport._preferred_kex)
            if kex not in known:
                raise TaskFailure(
                    f"Unsupported keyExchangeAlgorithm '{kex}': one of {', '.join(known)}"
                )
            options["disabled_algorithms"]["kex"] = [name for name in known if name != kex]
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        try:
            client.connect(
                host,
                port=port,
                username=username,
                password=password,
                pkey=_private_key(paramiko, keyfile, passphrase) if keyfile else None,
                look_for_keys=False,
                allow_agent=False,
                timeout=TIMEOUT,
                banner_timeout=TIMEOUT,
                auth_timeout=TIMEOUT,
                **options,
            )
        except paramiko.AuthenticationException:
            client.close()
            raise TaskFailure(
                f"Authentication failed for user '{username or ''}' on {label}: check the "
                "username, password and keyfile"
            ) from None
        except TaskFailure:
            client.close()
            raise
        except Exception as exc:  # socket, DNS and SSH negotiation errors alike
            client.close()
            # paramiko gathers the socket error of each address tried: the first one says it.
            tried = getattr(exc, "errors", None)
            cause = next(iter(tried.values())) if isinstance(tried, dict) and tried else exc
            raise failure(f"Unable to connect to {label}", cause, secrets) from None
        try:
            try:
                sftp = client.open_sftp()
                root = sftp.normalize(".") if env.value(self.root_dir, bool) else ""
            except Exception as exc:
                raise failure(f"Unable to start SFTP on {label}", exc, secrets) from None
            yield Session(SftpFiles(sftp, root), "sftp", host, secrets)
        finally:
            client.close()


def _private_key(paramiko: Any, text: str, passphrase: str | None) -> Any:
    """The key in ``text``, whatever its type (RSA, ECDSA, Ed25519)."""
    problems = []
    for kind in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            return kind.from_private_key(io.StringIO(text.strip() + "\n"), password=passphrase)
        except paramiko.PasswordRequiredException:
            raise TaskFailure("The keyfile is encrypted: set its passphrase") from None
        except (paramiko.SSHException, ValueError) as exc:
            problems.append(str(exc))
    if any("passphrase" in p.lower() or "decrypt" in p.lower() for p in problems):
        raise TaskFailure("The keyfile cannot be opened with this passphrase")
    raise TaskFailure("The keyfile is not a private key paramiko can read (PEM or OpenSSH)")
