"""The FTPS connection properties (Kestra's ``FtpsInterface``): FTP with TLS on the control
channel, explicit (``AUTH TLS`` on the FTP port) or implicit (TLS from the first byte), and
on the data channel when its protection level is ``P`` (not a plugin)."""

import ftplib
import socket
import ssl
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.fs.ftp.connection import FtpConnection
from tiercel.sdk import LogLevel, Property, TaskFailure, Text


class FtpsMode(StrEnum):
    """How TLS starts."""

    EXPLICIT = "EXPLICIT"
    IMPLICIT = "IMPLICIT"


class ProtectionLevel(StrEnum):
    """The data channel's ``PROT`` level: Clear, Safe, Confidential or Private."""

    C = "C"
    S = "S"
    E = "E"
    P = "P"


class ImplicitFtpTls(ftplib.FTP_TLS):
    """``FTP_TLS`` speaking TLS from the start of the control connection (port 990 style)."""

    def connect(
        self,
        host: str = "",
        port: int = 0,
        timeout: float = -999,
        source_address: tuple[str, int] | None = None,
    ) -> str:
        """Open the connection, wrap it in TLS, then read the server's welcome."""
        if host:
            self.host = host
        if port > 0:
            self.port = port
        if timeout != -999:
            self.timeout = timeout
        if source_address is not None:
            self.source_address = source_address
        raw = socket.create_connection(
            (self.host, self.port), self.timeout, source_address=self.source_address
        )
        context: Any = self.context
        self.sock = context.wrap_socket(raw, server_hostname=self.host)
        self.af = self.sock.family
        self.file = self.sock.makefile("r", encoding=self.encoding)
        self.welcome = self.getresp()
        return self.welcome


class FtpsConnection(FtpConnection):
    """Kestra's FTPS properties."""

    scheme: ClassVar[str] = "ftps"

    port: Text = Field(default="990", description="Remote port.")
    mode: Property[FtpsMode] = Field(
        default=FtpsMode.EXPLICIT, description="EXPLICIT (`AUTH TLS`) or IMPLICIT TLS."
    )
    data_channel_protection_level: Property[ProtectionLevel] = Field(
        default=ProtectionLevel.P, description="`P`: encrypted data channel; `C`: clear."
    )
    insecure_trust_all_certificates: Property[bool] = Field(
        default=False,
        description="Skip the server certificate's validation: for tests against a "
        "self-signed certificate only, never in production.",
    )

    def client(self, env: Env, host: str, timeout: float) -> ftplib.FTP:
        """A TLS client, explicit or implicit, validating the certificate unless told not to."""
        context = ssl.create_default_context()
        if env.value(self.insecure_trust_all_certificates, bool):
            env.log(
                LogLevel.WARN,
                "`insecureTrustAllCertificates` is enabled: server certificate validation is "
                "disabled for this FTPS connection. This must not be used in production.",
            )
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        kind = ImplicitFtpTls if env.value(self.mode, FtpsMode) is FtpsMode.IMPLICIT else None
        if kind is not None:
            return kind(context=context, timeout=timeout)
        return ftplib.FTP_TLS(context=context, timeout=timeout)

    def secure(self, env: Env, ftp: ftplib.FTP) -> None:
        """Protect the data channel as ``dataChannelProtectionLevel`` says."""
        level = env.value(self.data_channel_protection_level, ProtectionLevel)
        if not isinstance(ftp, ftplib.FTP_TLS):
            return
        if level is ProtectionLevel.P:
            ftp.prot_p()
        elif level is ProtectionLevel.C:
            ftp.prot_c()
        else:
            raise TaskFailure(
                f"dataChannelProtectionLevel '{level.value}' is not supported: use P or C"
            )
