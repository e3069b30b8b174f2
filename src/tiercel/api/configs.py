"""``/configs``: what a client (the web UI first) needs to know before it signs in.

Kestra's ``MiscController.Configuration`` fields where Tiercel has the setting, and
``authRequired``: whether the other routes ask for credentials, so that the UI shows its
login form instead of failing its first call. It needs no credentials itself.
"""

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from tiercel import __version__
from tiercel.api.context import ApiContext

router = APIRouter(tags=["misc"])

PREVIEW_INITIAL_ROWS = 100
"""Rows a file preview shows unless asked for more (Kestra's ``preview.initial-rows``)."""

PREVIEW_MAX_ROWS = 5_000
"""The most rows a file preview shows (Kestra's ``preview.max-rows``)."""

SYSTEM_NAMESPACE = "system"
"""Kestra's namespace for system flows, listed among the namespaces even when empty."""


class Preview(BaseModel):
    """How many rows a file preview shows by default, and at most."""

    initial: int
    max: int


class Configuration(BaseModel):
    """Kestra's ``Configuration``, with ``authRequired`` added."""

    model_config = ConfigDict(populate_by_name=True)

    version: str
    auth_required: bool = Field(
        alias="authRequired", description="Whether the API routes ask for credentials."
    )
    is_basic_auth_enabled: bool = Field(
        alias="isBasicAuthEnabled", description="Whether users sign in with a password."
    )
    is_task_run_enabled: bool = Field(alias="isTaskRunEnabled")
    is_template_enabled: bool = Field(alias="isTemplateEnabled")
    is_anonymous_usage_enabled: bool = Field(alias="isAnonymousUsageEnabled")
    is_custom_dashboards_enabled: bool = Field(alias="isCustomDashboardsEnabled")
    preview: Preview
    system_namespace: str = Field(alias="systemNamespace")
    hidden_labels_prefixes: list[str] = Field(alias="hiddenLabelsPrefixes")


@router.get(
    "/configs",
    response_model=Configuration,
    response_model_by_alias=True,
    summary="The server's version and whether it asks for credentials (no credentials needed)",
)
def configs(request: Request) -> Configuration:
    """Kestra's configuration answer, for the UI before it signs in."""
    ctx: ApiContext = request.app.state.ctx
    return Configuration(
        version=__version__,
        auth_required=bool(ctx.users or ctx.tokens),
        is_basic_auth_enabled=bool(ctx.users),
        is_task_run_enabled=False,
        is_template_enabled=False,
        is_anonymous_usage_enabled=False,
        is_custom_dashboards_enabled=False,
        preview=Preview(initial=PREVIEW_INITIAL_ROWS, max=PREVIEW_MAX_ROWS),
        system_namespace=SYSTEM_NAMESPACE,
        hidden_labels_prefixes=[],
    )
