"""``io.kestra.plugin.core.http.Trigger``: poll an HTTP endpoint and start an execution when
the response matches."""

from datetime import timedelta
from typing import Any

from pydantic import Field

from tiercel.plugins.core.http.abstract_http import HttpRequestProperties
from tiercel.plugins.core.http.options import HttpOptions
from tiercel.sdk import Duration, Property, Text, Trigger, plugin


@plugin("io.kestra.plugin.core.http.Trigger", aliases=["io.kestra.plugin.fs.http.Trigger"])
class HttpTrigger(HttpRequestProperties, Trigger):
    """Call an HTTP endpoint at each interval; start an execution when the response matches."""

    interval: Duration = Field(default=timedelta(seconds=60), description="Time between calls.")
    response_condition: Text = Field(
        default="{{ response.statusCode < 400 }}",
        description="Sees `response.statusCode`, `response.body` and `response.headers`.",
    )
    params: Property[dict[str, Any]] | None = None
    options: HttpOptions | None = None
    encrypt_body: Property[bool] = Field(
        default=False, description="Expose the body as `encryptedBody` instead of `body`."
    )
