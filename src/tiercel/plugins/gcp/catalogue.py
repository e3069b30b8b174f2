"""Every class of the GCP plugins, imported: for the index generator and the tests.

The registry reads ``tiercel.plugins.gcp.index`` instead, and imports a class when needed;
importing these modules does not import the Google libraries.
"""

from tiercel.plugins.gcp.bigquery.create_dataset import CreateDataset
from tiercel.plugins.gcp.bigquery.create_table import CreateTable
from tiercel.plugins.gcp.bigquery.delete_table import DeleteTable
from tiercel.plugins.gcp.bigquery.extract_to_gcs import ExtractToGcs
from tiercel.plugins.gcp.bigquery.load import Load
from tiercel.plugins.gcp.bigquery.load_from_gcs import LoadFromGcs
from tiercel.plugins.gcp.bigquery.query import Query
from tiercel.plugins.gcp.bigquery.trigger import Trigger as QueryTrigger
from tiercel.plugins.gcp.gcs.copy import Copy
from tiercel.plugins.gcp.gcs.create_bucket import CreateBucket
from tiercel.plugins.gcp.gcs.delete import Delete
from tiercel.plugins.gcp.gcs.delete_list import DeleteList
from tiercel.plugins.gcp.gcs.download import Download
from tiercel.plugins.gcp.gcs.downloads import Downloads
from tiercel.plugins.gcp.gcs.list_blobs import List
from tiercel.plugins.gcp.gcs.trigger import Trigger
from tiercel.plugins.gcp.gcs.upload import Upload
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    CreateDataset,
    CreateTable,
    DeleteTable,
    ExtractToGcs,
    Load,
    LoadFromGcs,
    Query,
    QueryTrigger,
    Copy,
    CreateBucket,
    Delete,
    DeleteList,
    Download,
    Downloads,
    List,
    Trigger,
    Upload,
]
