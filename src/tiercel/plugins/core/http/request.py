"""``io.kestra.plugin.core.http.Request``: call an HTTP endpoint and keep the response."""

from pydantic import Field

from tiercel.plugins.core.http.abstract_http import HttpTaskProperties
from tiercel.sdk import Property, RunnableTask, plugin


@plugin("io.kestra.plugin.core.http.Request", aliases=["io.kestra.plugin.fs.http.Request"])
class Request(HttpTaskProperties, RunnableTask):
    """Send an HTTP request; its status, headers and body become the task's outputs."""

    encrypt_body: Property[bool] = Field(
        default=False, description="Output the body as `encryptedBody` instead of `body`."
    )
