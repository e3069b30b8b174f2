"""The connection properties every GCP task and trigger shares (Kestra's ``AbstractTask``):
a service account's JSON key, or the application default credentials, with scopes and an
optional impersonated account; plus an endpoint override for emulators (a Tiercel addition)."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.cloud.errors import SHORTEST_SECRET, failure
from tiercel.plugins.cloud.sdk import load
from tiercel.sdk import KestraModel, LogLevel, Property, TaskFailure, Text
from tiercel.sdk.credentials import one_line

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"


class GcpConnection(KestraModel):
    """Kestra's GCP connection properties."""

    project_id: Text | None = Field(
        default=None, description="The GCP project; by default the service account's."
    )
    service_account: Text | None = Field(
        default=None,
        description="The JSON key of a service account; without it, the application default "
        "credentials are used.",
        json_schema_extra={"secret": True},
    )
    impersonated_service_account: Text | None = Field(
        default=None,
        description="A service account to impersonate with the credentials.",
        json_schema_extra={"secret": True},
    )
    scopes: Property[list[str]] = Field(
        default_factory=lambda: [CLOUD_PLATFORM], description="The OAuth scopes to ask for."
    )
    endpoint: Text | None = Field(
        default=None,
        description="Tiercel only: the API endpoint (an emulator such as "
        "`http://127.0.0.1:9023`); without a service account it is called anonymously.",
    )

    def gcp(self, env: Env) -> "GcpClients":
        """The rendered connection, ready to build clients."""
        return GcpClients(
            project_id=env.optional(self.project_id, str),
            service_account=env.optional(self.service_account, str),
            impersonated=env.optional(self.impersonated_service_account, str),
            scopes=tuple(env.value(self.scopes, list[str])),
            endpoint=env.optional(self.endpoint, str),
            log=env.log,
        )


@dataclass(frozen=True, slots=True)
class GcpClients:
    """A rendered connection: builds clients and turns their errors into one line."""

    project_id: str | None
    service_account: str | None = field(repr=False)
    impersonated: str | None
    scopes: tuple[str, ...]
    endpoint: str | None
    log: Any = field(repr=False)

    def credentials(self) -> tuple[Any, str | None]:
        """The credentials and the project they imply."""
        if self.service_account is not None:
            service_account = load("google.oauth2.service_account", "gcp")
            try:
                info = json.loads(self.service_account)
                if not isinstance(info, dict):
                    raise ValueError("the key is not a JSON object")
                credentials = service_account.Credentials.from_service_account_info(
                    info, scopes=list(self.scopes) or None
                )
            except (ValueError, KeyError) as exc:
                detail = one_line(str(exc), [self.service_account], shortest=SHORTEST_SECRET)
                raise TaskFailure(f"Invalid service account JSON key: {detail}") from None
            self.log(LogLevel.TRACE, f" • Using service account: {info.get('client_email')}")
            project = self.project_id or info.get("project_id")
        elif self.endpoint is not None:
            credentials = load("google.auth.credentials", "gcp").AnonymousCredentials()
            project = self.project_id or "test"
        else:
            auth = load("google.auth", "gcp")
            with self.errors("Unable to find the application default credentials"):
                credentials, found = auth.default(scopes=list(self.scopes) or None)
            project = self.project_id or found
        if self.impersonated:
            impersonation = load("google.auth.impersonated_credentials", "gcp")
            credentials = impersonation.Credentials(
                source_credentials=credentials,
                target_principal=self.impersonated,
                target_scopes=list(self.scopes),
                lifetime=3600,
            )
        return credentials, project

    def storage(self) -> Any:
        """A Cloud Storage client."""
        storage = load("google.cloud.storage", "gcp")
        credentials, project = self.credentials()
        options = {"api_endpoint": self.endpoint} if self.endpoint else None
        with self.errors("Unable to create the Cloud Storage client"):
            return storage.Client(project=project, credentials=credentials, client_options=options)

    @contextmanager
    def errors(self, action: str) -> Iterator[None]:
        """Turn a Google API or auth error inside the block into a one-line ``TaskFailure``."""
        api = load("google.api_core.exceptions", "gcp")
        auth = load("google.auth.exceptions", "gcp")
        requests = load("requests", "gcp")
        try:
            yield
        except (api.GoogleAPIError, auth.GoogleAuthError, requests.RequestException) as exc:
            raise failure(action, exc, [self.service_account]) from None
