"""Every class of the Azure plugins, imported: for the index generator and the tests.

The registry reads ``tiercel.plugins.azure.index`` instead, and imports a class when needed;
importing these modules does not import the Azure libraries.
"""

from tiercel.plugins.azure.storage.blob.copy import Copy
from tiercel.plugins.azure.storage.blob.delete import Delete
from tiercel.plugins.azure.storage.blob.delete_list import DeleteList
from tiercel.plugins.azure.storage.blob.download import Download
from tiercel.plugins.azure.storage.blob.downloads import Downloads
from tiercel.plugins.azure.storage.blob.list_blobs import List
from tiercel.plugins.azure.storage.blob.trigger import Trigger
from tiercel.plugins.azure.storage.blob.upload import Upload
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    Copy,
    Delete,
    DeleteList,
    Download,
    Downloads,
    List,
    Trigger,
    Upload,
]
