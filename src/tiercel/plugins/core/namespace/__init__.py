"""Core ``namespace`` plugins: namespace files."""

from tiercel.plugins.core.namespace.delete_files import DeleteFiles
from tiercel.plugins.core.namespace.download_files import DownloadFiles
from tiercel.plugins.core.namespace.upload_files import UploadFiles
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [DeleteFiles, DownloadFiles, UploadFiles]
