"""``io.kestra.plugin.ai.tool.KestraFlow``: the model starts flow executions, through the
server's API as Kestra's tool does (it does not wait: the execution's details come back).
With ``namespace`` and ``flowId`` the tool is ``kestra_flow_<namespace>_<flowId>``;
without, one ``kestra_flow`` tool whose namespace and flow id the model gives."""

import base64
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote

import httpx
from pydantic import Field

from tiercel.plugins.ai.domain.messages import ToolSpec
from tiercel.plugins.ai.domain.tooling import AgentTool
from tiercel.plugins.ai.tool.base import OpenTools, ToolProvider
from tiercel.plugins.cloud.env import Env
from tiercel.sdk import KestraModel, Labels, Property, RunContext, TaskFailure, Text

DEFAULT_URL = "http://localhost:8080"
SYSTEM_PREFIX = "system."
DEFINED_DESCRIPTION = "This tool executes a Kestra flow and outputs the execution details."
LLM_DESCRIPTION = (
    "This tool executes a Kestra workflow, also called a flow. This tool will respond with the "
    "flow execution information.\nThe namespace and the ID of the flow must be passed as tool "
    "parameters."
)
_INPUTS = {
    "type": "array",
    "description": "The list of inputs.",
    "items": {
        "type": "object",
        "properties": {
            "id": {"type": "string", "description": "The input id."},
            "value": {"type": "string", "description": "The input value."},
        },
    },
}
_LABELS = {
    "type": "array",
    "description": "The list of labels.",
    "items": {
        "type": "object",
        "properties": {
            "key": {"type": "string", "description": "The label key."},
            "value": {"type": "string", "description": "The label value."},
        },
    },
}
_SCHEDULE = {
    "type": "string",
    "description": "The scheduled date of the flow. Use it only if the flow needs to be "
    "executed later and not immediately.\nIt should be an ISO8601 formatted zoned date time.",
}


class Auth(KestraModel):
    """How the tool signs in to the API: a token, or a user and password."""

    api_token: Text | None = Field(
        default=None, description="API token for bearer auth.", json_schema_extra={"secret": True}
    )
    username: Text | None = Field(default=None, description="Username for HTTP Basic auth.")
    password: Text | None = Field(
        default=None,
        description="Password for HTTP Basic auth.",
        json_schema_extra={"secret": True},
    )
    auto: Property[bool] = Field(
        default=True, description="Use the server's own credentials when it has some."
    )


class KestraFlow(ToolProvider):
    """Execute Kestra flows from an agent."""

    type: Literal["io.kestra.plugin.ai.tool.KestraFlow"]
    description: Text | None = Field(
        default=None, description="What the flow does, when the flow has no description."
    )
    namespace: Text | None = Field(default=None, description="The namespace of the flow.")
    flow_id: Text | None = Field(default=None, description="The id of the flow.")
    revision: Property[int] | None = Field(default=None, description="The flow's revision.")
    inputs: dict[str, Any] | None = Field(
        default=None, description="Inputs of the execution; the model's override them."
    )
    labels: Labels | None = Field(
        default=None, description="Labels of the execution; the model's override them."
    )
    inherit_labels: Property[bool] = Field(
        default=False, description="Give the execution the labels of the agent's execution."
    )
    schedule_date: Property[datetime] | None = Field(
        default=None, description="Start the execution at this date instead of now."
    )
    kestra_url: Text | None = Field(
        default=None,
        description="The API's URL: `{{ kestra.url }}` when unset, else http://localhost:8080.",
    )
    auth: Auth | None = Field(default=None, description="API authentication.")
    tenant_id: Text | None = Field(
        default=None, description="The tenant; the current execution's by default."
    )

    def open(self, ctx: RunContext) -> OpenTools:
        """Look the flow up (when named) and describe the tool.

        Raises:
            TaskFailure: only one of namespace and flowId is set, the flow cannot be found, or
                no description is given.
        """
        env = Env.of_task(ctx)
        if (self.namespace is None) != (self.flow_id is None):
            missing = "Flow ID" if self.flow_id is None else "Namespace"
            given = "the namespace" if self.flow_id is None else "the flow ID"
            raise TaskFailure(f"{missing} must be specified when you set {given}")
        api = _Api(ctx, self._client(ctx, env), self._tenant(ctx, env))
        runner = _Runner(
            api=api,
            inputs=dict(ctx.render(self.inputs or {})),
            labels=self._labels(ctx, env),
            schedule=env.optional(self.schedule_date, datetime),
        )
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {"labels": _LABELS, "scheduleDate": _SCHEDULE},
        }
        if self.namespace is None or self.flow_id is None:
            schema["description"] = LLM_DESCRIPTION
            schema["properties"] |= {
                "namespace": {"type": "string"},
                "flowId": {"type": "string"},
                "revision": {"type": "number"},
                "inputs": _INPUTS,
            }
            schema["required"] = ["namespace", "flowId"]
            spec = ToolSpec("kestra_flow", LLM_DESCRIPTION, schema)
            return OpenTools([AgentTool(spec, runner.named_by_model)], api.close)
        namespace = str(ctx.render(self.namespace))
        flow_id = str(ctx.render(self.flow_id))
        flow = api.flow(namespace, flow_id, env.optional(self.revision, int), tool_failure=False)
        description = env.optional(self.description, str) or flow.get("description")
        if not description:
            api.close()
            raise TaskFailure(
                "A description is required either in the tool's description property or in "
                f"the flow description. Flow {namespace}.{flow_id} does not have a "
                "description, and the tool's description is empty."
            )
        schema["description"] = description
        if flow.get("inputs"):
            schema["properties"]["inputs"] = _INPUTS
            if missing_inputs(flow, runner.inputs):
                schema["required"] = ["inputs"]
        name = "kestra_flow_" + "_".join((namespace.replace(".", "_"), flow_id))
        spec = ToolSpec(name, DEFINED_DESCRIPTION, schema)
        return OpenTools(
            [AgentTool(spec, lambda arguments: runner.run(flow, arguments))], api.close
        )

    def _client(self, ctx: RunContext, env: Env) -> httpx.Client:
        url = env.optional(self.kestra_url, str)
        if not url:
            kestra = ctx.variables.get("kestra")
            url = str(kestra.get("url") or "") if isinstance(kestra, Mapping) else ""
        url = (url or DEFAULT_URL).strip().rstrip("/")
        headers = {}
        if self.auth is not None:
            token = env.optional(self.auth.api_token, str)
            user = env.optional(self.auth.username, str)
            password = env.optional(self.auth.password, str)
            if token:
                headers["Authorization"] = f"Bearer {token}"
            elif user is not None and password is not None:
                pair = base64.b64encode(f"{user}:{password}".encode()).decode()
                headers["Authorization"] = f"Basic {pair}"
            else:
                # The server hands tasks no credentials of its own: "auto" finds none.
                raise TaskFailure("KestraFlow: no authentication method provided")
        return httpx.Client(base_url=url, headers=headers, timeout=60)

    def _tenant(self, ctx: RunContext, env: Env) -> str:
        tenant = env.optional(self.tenant_id, str)
        if tenant:
            return tenant
        flow = ctx.variables.get("flow")
        found = flow.get("tenantId") if isinstance(flow, Mapping) else None
        return str(found or "main")

    def _labels(self, ctx: RunContext, env: Env) -> "_LabelSet":
        current = flat(ctx.variables.get("labels") or {})
        own = [
            (str(ctx.render(label.key)), str(ctx.render(label.value)))
            for label in self.labels or []
        ]
        return _LabelSet(current, own, env.value(self.inherit_labels, bool))


class _LabelSet:
    """The labels of a new execution: the model's, then the tool's, then the agent
    execution's (all of them with ``inheritLabels``, else only its system labels)."""

    def __init__(self, current: dict[str, str], own: list[tuple[str, str]], inherit: bool) -> None:
        self.current = current
        self.own = own
        self.inherit = inherit

    def final(self, flow: Mapping[str, Any], given: Any) -> list[str]:
        flow_keys = {label.get("key") for label in _label_list(flow.get("labels"))}
        if self.inherit:
            base = [(k, v) for k, v in self.current.items() if k not in flow_keys]
        else:
            base = [(k, v) for k, v in self.current.items() if k.startswith(SYSTEM_PREFIX)]
        base += self.own
        chosen = [(str(label.get("key")), str(label.get("value"))) for label in _label_list(given)]
        keys = {key for key, _ in chosen}
        return [f"{k}:{v}" for k, v in chosen + [(k, v) for k, v in base if k not in keys]]


def _label_list(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        return [{"key": k, "value": v} for k, v in value.items()]
    return [label for label in value or [] if isinstance(label, Mapping)]


class _Api:
    """The few API calls of the tool."""

    def __init__(self, ctx: RunContext, client: httpx.Client, tenant: str) -> None:
        self.ctx = ctx
        self.client = client
        self.tenant = tenant

    def close(self) -> None:
        self.client.close()

    def _path(self, kind: str, namespace: str, flow_id: str) -> str:
        parts = (self.tenant, kind, namespace, flow_id)
        return "/api/v1/" + "/".join(quote(part, safe="") for part in parts)

    def flow(
        self, namespace: str, flow_id: str, revision: int | None, *, tool_failure: bool
    ) -> dict[str, Any]:
        params = {"source": "false"} | ({"revision": str(revision)} if revision else {})
        try:
            response = self.client.get(self._path("flows", namespace, flow_id), params=params)
        except httpx.HTTPError as exc:
            raise TaskFailure(f"Unable to reach the Kestra API: {exc}") from None
        if response.status_code != 200:
            what = "Flow not found: " if tool_failure else "Unable to find flow "
            name = (
                f"{namespace}.{flow_id}"
                if tool_failure
                else f"'{flow_id}' in namespace '{namespace}'"
            )
            raise TaskFailure(f"{what}{name} (HTTP {response.status_code})")
        body: dict[str, Any] = response.json()
        return body

    def execute(
        self,
        flow: Mapping[str, Any],
        inputs: Mapping[str, Any],
        labels: list[str],
        schedule: str | None,
    ) -> str:
        params: list[tuple[str, str | int | float | bool | None]] = [("wait", "false")]
        params += [("labels", label) for label in labels]
        if flow.get("revision") is not None:
            params.append(("revision", str(flow["revision"])))
        if schedule:
            params.append(("scheduleDate", schedule))
        # Multipart, as Kestra's client sends inputs (files would be parts too).
        form = {key: (None, _form_value(value)) for key, value in inputs.items()}
        path = self._path("executions", str(flow["namespace"]), str(flow["id"]))
        try:
            response = self.client.post(path, params=params, files=form or None)
        except httpx.HTTPError as exc:
            raise TaskFailure(f"Unable to reach the Kestra API: {exc}") from None
        if response.status_code != 200:
            raise TaskFailure(
                f"the execution of {flow['namespace']}.{flow['id']} was refused "
                f"(HTTP {response.status_code}): {_message(response)}"
            )
        return response.text


def _form_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return " ".join(response.text.split())[:300]
    if isinstance(body, Mapping) and body.get("message"):
        return " ".join(str(body["message"]).split())
    return " ".join(response.text.split())[:300]


class _Runner:
    """Runs the tool: merges the inputs and labels, checks the required inputs, executes."""

    def __init__(
        self,
        api: _Api,
        inputs: dict[str, Any],
        labels: _LabelSet,
        schedule: datetime | None,
    ) -> None:
        self.api = api
        self.inputs = inputs
        self.labels = labels
        self.schedule = schedule

    def named_by_model(self, arguments: dict[str, Any]) -> str:
        namespace = arguments.get("namespace")
        flow_id = arguments.get("flowId")
        if not isinstance(namespace, str) or not isinstance(flow_id, str):
            raise TaskFailure("the tool needs `namespace` and `flowId`")
        revision = arguments.get("revision")
        number = int(revision) if isinstance(revision, int | float) else None
        return self.run(self.api.flow(namespace, flow_id, number, tool_failure=True), arguments)

    def run(self, flow: Mapping[str, Any], arguments: Mapping[str, Any]) -> str:
        given = {
            str(item.get("id")): item.get("value")
            for item in arguments.get("inputs") or []
            if isinstance(item, Mapping)
        }
        inputs = {**self.inputs, **given}
        missing = missing_inputs(flow, inputs)
        if missing:
            raise TaskFailure(f"You need to provide an input with the id '{missing[0]}'.")
        schedule = arguments.get("scheduleDate")
        when = str(schedule) if schedule else (self.schedule.isoformat() if self.schedule else None)
        labels = self.labels.final(flow, arguments.get("labels"))
        return self.api.execute(flow, inputs, labels, when)


def missing_inputs(flow: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[str]:
    """The flow's required inputs that have no default and no value."""
    return [
        str(spec.get("id"))
        for spec in flow.get("inputs") or []
        if spec.get("required", True) is not False
        and spec.get("defaults") is None
        and spec.get("id") not in inputs
    ]


def flat(labels: Any, prefix: str = "") -> dict[str, str]:
    """Labels as ``{"system.correlationId": ...}``, however nested the variables hold them."""
    found: dict[str, str] = {}
    if isinstance(labels, Mapping):
        for key, value in labels.items():
            name = f"{prefix}{key}"
            if isinstance(value, Mapping):
                found |= flat(value, f"{name}.")
            else:
                found[name] = str(value)
    return found
