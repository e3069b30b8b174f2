"""``io.kestra.plugin.core.http.Trigger``: poll an HTTP endpoint and start an execution when
the response matches."""

import threading
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from pydantic import Field, TypeAdapter

from tiercel.plugins.core.http.abstract_http import HttpRequestProperties
from tiercel.plugins.core.http.options import HttpOptions
from tiercel.plugins.core.http.request import Request
from tiercel.sdk import (
    Duration,
    Emission,
    ExecutionQueries,
    FileStore,
    FlowSources,
    KeyValues,
    KeyValueStores,
    LogLevel,
    NamespaceFileStore,
    PollingTrigger,
    Property,
    TaskFailure,
    TaskLogger,
    Text,
    TriggerContext,
    Triggers,
    is_truthy,
    output_values,
    plugin,
)

T = TypeVar("T")

_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


@plugin("io.kestra.plugin.core.http.Trigger", aliases=["io.kestra.plugin.fs.http.Trigger"])
class HttpTrigger(HttpRequestProperties, PollingTrigger):
    """Call an HTTP endpoint at each interval; start an execution when the response matches."""

    interval: Duration = Field(default=timedelta(seconds=60), description="Time between calls.")
    response_condition: Text = Field(
        default="{{ response.statusCode < 400 }}",
        description="Sees `response.statusCode`, `response.body` and `response.headers`.",
    )
    params: Property[dict[str, Any]] | None = Field(
        default=None, description="Accepted and not sent, as in Kestra."
    )
    options: HttpOptions | None = None
    encrypt_body: Property[bool] = Field(
        default=False, description="Expose the body as `encryptedBody` instead of `body`."
    )

    def evaluate(self, ctx: TriggerContext) -> list[Emission]:
        """Send the request; when the condition holds, one emission with the outputs of an
        ``http.Request`` task: ``uri``, ``code``, ``headers`` and ``body`` (or
        ``encryptedBody``).

        Any status code is a response to judge, not a failure: Kestra forces ``allowFailed``
        here, so that the condition decides.

        Raises:
            TaskFailure: The request could not be sent, or an invalid property.
        """
        options = (self.options or HttpOptions()).model_copy(update={"allow_failed": True})
        request = Request.model_construct(
            id=self.id,
            type="io.kestra.plugin.core.http.Request",
            uri=self.uri,
            method=self.method,
            body=self.body,
            form_data=self.form_data,
            content_type=self.content_type,
            headers=self.headers,
            ssl_options=self.ssl_options,
            options=options,
            encrypt_body=self.encrypt_body,
        )
        outputs = request.run(_RequestContext(ctx))
        ctx.log(LogLevel.DEBUG, f"{outputs.uri} respond with status code '{outputs.code}'")
        encrypted = outputs.encrypted_body
        # Tiercel has no encryption key, so the "encrypted" value is the text itself.
        body = encrypted.value if encrypted is not None else outputs.body
        response = {"statusCode": outputs.code, "body": body, "headers": outputs.headers}
        if not is_truthy(ctx.render(self.response_condition, {"response": response})):
            return []
        return [Emission(variables=output_values(outputs))]


class _Logger:
    """A task logger that writes the trigger's log lines."""

    def __init__(self, ctx: TriggerContext) -> None:
        self.ctx = ctx

    def trace(self, message: str) -> None:
        self.ctx.log(LogLevel.TRACE, message)

    def debug(self, message: str) -> None:
        self.ctx.log(LogLevel.DEBUG, message)

    def info(self, message: str) -> None:
        self.ctx.log(LogLevel.INFO, message)

    def warn(self, message: str) -> None:
        self.ctx.log(LogLevel.WARN, message)

    def error(self, message: str) -> None:
        self.ctx.log(LogLevel.ERROR, message)


class _Files:
    """Internal storage as a trigger has it: it can store a file, not read one back."""

    def __init__(self, ctx: TriggerContext) -> None:
        self.ctx = ctx

    def put(self, name: str, data: bytes | BinaryIO) -> str:
        return self.ctx.put_file(name, data)

    def open(self, uri: str) -> BinaryIO:
        raise _unavailable(f"reading {uri}")

    def read_bytes(self, uri: str) -> bytes:
        raise _unavailable(f"reading {uri}")

    def exists(self, uri: str) -> bool:
        raise _unavailable(f"reading {uri}")

    def size(self, uri: str) -> int:
        raise _unavailable(f"reading {uri}")

    def delete(self, uri: str) -> bool:
        raise _unavailable(f"deleting {uri}")


class _RequestContext:
    """The ``RunContext`` the ``http.Request`` task runs with inside the trigger, as Kestra
    runs that task inside its trigger: rendering, logging and storing go to the trigger's
    context; what only an execution has is refused with a clear message."""

    def __init__(self, ctx: TriggerContext) -> None:
        self.ctx = ctx
        self._logger = _Logger(ctx)
        self._files = _Files(ctx)
        self._killed = threading.Event()

    @property
    def variables(self) -> Mapping[str, Any]:
        return {}

    @property
    def logger(self) -> TaskLogger:
        return self._logger

    @property
    def files(self) -> FileStore:
        return self._files

    @property
    def killed(self) -> threading.Event:
        return self._killed

    def render(self, value: Any, extra: Mapping[str, Any] | None = None) -> Any:
        if extra:
            raise _unavailable("rendering with extra variables")
        return self.ctx.render(value)

    def render_as(self, value: Any, kind: type[T]) -> T:
        rendered = self.ctx.render(value)
        if isinstance(rendered, kind):
            return rendered
        adapter = _ADAPTERS.get(kind)
        if adapter is None:
            adapter = _ADAPTERS[kind] = TypeAdapter(kind)
        try:
            result: T = adapter.validate_python(rendered)
        except ValueError as exc:
            raise TaskFailure(f"Invalid value {rendered!r}: {exc}") from None
        return result

    def kv(self, namespace: str | None = None) -> KeyValues:
        raise _unavailable("the KV store")

    def namespace_files(self, namespace: str | None = None) -> NamespaceFileStore:
        raise _unavailable("namespace files")

    def kv_stores(self) -> KeyValueStores:
        raise _unavailable("the KV store")

    def executions(self) -> ExecutionQueries:
        raise _unavailable("execution queries")

    def triggers(self) -> Triggers:
        raise _unavailable("switching triggers")

    def flows(self) -> FlowSources:
        raise _unavailable("flows")

    def parse_task(self, source: str) -> Any:
        raise _unavailable("parsing tasks")

    def metric(self, name: str, value: float, *, kind: str = "counter",
               tags: Mapping[str, str] | None = None) -> None:  # fmt: skip
        # A trigger evaluation belongs to no execution, so its metrics have nowhere to go.
        return None

    def working_dir(self) -> Path:
        raise _unavailable("a working directory")

    def process_env(self) -> dict[str, str]:
        raise _unavailable("processes")

    def allowed_path(self, path: str) -> bool:
        return self.ctx.allowed_path(path)

    def now(self) -> datetime:
        return self.ctx.now()

    def sleep(self, seconds: float) -> None:
        self._killed.wait(seconds)

    def execution_logs(
        self,
        execution_id: str | None = None,
        task_ids: Sequence[str] | None = None,
        min_level: LogLevel = LogLevel.INFO,
    ) -> list[dict[str, Any]]:
        raise _unavailable("execution logs")


def _unavailable(what: str) -> TaskFailure:
    return TaskFailure(f"The HTTP trigger cannot use {what}: it runs outside any execution")
