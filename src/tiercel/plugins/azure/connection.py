"""The connection properties every Azure Storage task and trigger shares: a connection
string, a shared key (account name and key), or a SAS token, with the service endpoint."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.errors import SHORTEST_SECRET
from tiercel.plugins.cloud.sdk import load
from tiercel.sdk import KestraModel, TaskFailure, Text
from tiercel.sdk.credentials import MASK, one_line

_ACCOUNT_KEY = re.compile(r"(AccountKey|SharedAccessSignature)=([^;]+)", re.IGNORECASE)


class AzureStorageConnection(KestraModel):
    """Kestra's Azure Storage connection properties."""

    endpoint: Text | None = Field(
        default=None,
        description="The Blob service URL, e.g. `https://account.blob.core.windows.net`.",
    )
    connection_string: Text | None = Field(
        default=None,
        description="A connection string (it names the endpoint and the credential).",
        json_schema_extra={"secret": True},
    )
    shared_key_account_name: Text | None = Field(
        default=None, description="The storage account's name, for shared-key authentication."
    )
    shared_key_account_access_key: Text | None = Field(
        default=None,
        description="The storage account's access key, for shared-key authentication.",
        json_schema_extra={"secret": True},
    )
    sas_token: Text | None = Field(
        default=None,
        description="A shared access signature, used with `endpoint`.",
        json_schema_extra={"secret": True},
    )

    def azure(self, env: Env) -> "AzureClients":
        """The rendered connection, ready to build clients."""
        return AzureClients(
            endpoint=env.optional(self.endpoint, str),
            connection_string=env.optional(self.connection_string, str),
            account_name=env.optional(self.shared_key_account_name, str),
            account_key=env.optional(self.shared_key_account_access_key, str),
            sas_token=env.optional(self.sas_token, str),
        )


@dataclass(frozen=True, slots=True)
class AzureClients:
    """A rendered connection: builds the Blob service client, and turns errors into one
    line with every credential masked."""

    endpoint: str | None
    connection_string: str | None = field(repr=False)
    account_name: str | None
    account_key: str | None = field(repr=False)
    sas_token: str | None = field(repr=False)

    def blob_service(self) -> Any:
        """A ``BlobServiceClient`` for the configured credential."""
        blob = load("azure.storage.blob", "azure")
        with self.errors("Unable to create the Blob service client"):
            if self.connection_string:
                return blob.BlobServiceClient.from_connection_string(self.connection_string)
            if not self.endpoint:
                raise TaskFailure(
                    "Set 'connectionString', or 'endpoint' with a shared key or a SAS token"
                )
            if self.account_name and self.account_key:
                credential: Any = {
                    "account_name": self.account_name,
                    "account_key": self.account_key,
                }
            elif self.sas_token:
                credential = self.sas_token.lstrip("?")
            else:
                identity = load("azure.identity", "azure")
                credential = identity.DefaultAzureCredential()
            return blob.BlobServiceClient(self.endpoint, credential=credential)

    def secrets(self) -> list[str | None]:
        """The values never to show."""
        found: list[str | None] = [self.account_key, self.sas_token, self.connection_string]
        if self.sas_token:
            found.append(self.sas_token.lstrip("?"))
        if self.connection_string:
            found.extend(match.group(2) for match in _ACCOUNT_KEY.finditer(self.connection_string))
        return found

    @contextmanager
    def errors(self, action: str) -> Iterator[None]:
        """Turn an Azure or credential error inside the block into a one-line
        ``TaskFailure``: the service's message and error code, no request ids."""
        core = load("azure.core.exceptions", "azure")
        try:
            yield
        except core.AzureError as exc:
            raise TaskFailure(f"{action}: {self._describe(exc)}") from None
        except ValueError as exc:  # a malformed connection string or credential
            detail = one_line(str(exc), self.secrets(), shortest=SHORTEST_SECRET)
            raise TaskFailure(f"{action}: {detail}") from None

    def _describe(self, exc: Any) -> str:
        message = str(getattr(exc, "message", None) or exc).strip().splitlines()
        text = message[0] if message else type(exc).__name__
        code = getattr(exc, "error_code", None)
        if code and str(code) not in text:
            text += f" (ErrorCode: {code})"
        return _masked(one_line(text, self.secrets(), shortest=SHORTEST_SECRET))


def _masked(text: str) -> str:
    return _ACCOUNT_KEY.sub(lambda m: f"{m.group(1)}={MASK}", text)
