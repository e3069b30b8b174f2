"""``io.kestra.plugin.fs.local.Download``: copy a local file into internal storage."""

from pathlib import Path
from typing import Any

from pydantic import Field

from tiercel.plugins.cloud.env import Env
from tiercel.plugins.fs.checksum import Algorithm, checksum
from tiercel.plugins.fs.local.access import local_path
from tiercel.plugins.fs.properties import ChecksumProperties
from tiercel.sdk import RunContext, RunnableTask, TaskFailure, Text, plugin


def stored(
    env: Env, path: Path, algorithm: Algorithm = Algorithm.SHA_256, expected: str | None = None
) -> tuple[str, str]:
    """Copy a local file into internal storage: its kestra:// URI and checksum. With
    ``expected``, nothing is stored unless the checksum matches."""
    if not path.is_file():
        raise TaskFailure(f"Source file '{path}' does not exist")
    try:
        with path.open("rb") as data:
            digest = checksum(env, data, algorithm, expected, str(path))
            data.seek(0)
            return env.put(path.name, data), digest
    except OSError as exc:
        raise TaskFailure(f"Unable to read '{path}': {exc.strerror or exc}") from None


@plugin("io.kestra.plugin.fs.local.Download")
class LocalDownload(ChecksumProperties, RunnableTask):
    """Copy a local file under the allowed paths into internal storage."""

    from_: Text = Field(alias="from", description="The local file to copy.")

    def run(self, ctx: RunContext) -> dict[str, Any]:
        """``uri`` (kestra://), ``size`` and ``checksum``."""
        env = Env.of_task(ctx)
        path = local_path(env.value(self.from_, str), "from", ctx)
        algorithm, expected = self.checksum_check(env)
        uri, digest = stored(env, path, algorithm, expected)
        return {"uri": uri, "size": path.stat().st_size, "checksum": digest}
