"""``io.kestra.plugin.core.http.Download``: save an HTTP response to internal storage."""

from pydantic import Field

from tiercel.plugins.core.http.abstract_http import HttpTaskProperties
from tiercel.sdk import Property, RunnableTask, plugin


@plugin("io.kestra.plugin.core.http.Download", aliases=["io.kestra.plugin.fs.http.Download"])
class Download(HttpTaskProperties, RunnableTask):
    """Download a file over HTTP into the execution's internal storage."""

    fail_on_empty_response: Property[bool] = Field(
        default=True, description="Fail when the server sends an empty body."
    )
