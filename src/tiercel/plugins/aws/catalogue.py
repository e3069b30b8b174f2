"""Every class of the AWS plugins, imported: for the index generator and the tests.

The registry reads ``tiercel.plugins.aws.index`` instead, and imports a class when needed;
importing these modules does not import boto3.
"""

from tiercel.plugins.aws.dynamodb.delete_item import DeleteItem
from tiercel.plugins.aws.dynamodb.get_item import GetItem
from tiercel.plugins.aws.dynamodb.put_item import PutItem
from tiercel.plugins.aws.dynamodb.query import Query
from tiercel.plugins.aws.dynamodb.scan import Scan
from tiercel.plugins.aws.s3.copy import Copy
from tiercel.plugins.aws.s3.create_bucket import CreateBucket
from tiercel.plugins.aws.s3.delete import Delete
from tiercel.plugins.aws.s3.delete_list import DeleteList
from tiercel.plugins.aws.s3.download import Download
from tiercel.plugins.aws.s3.downloads import Downloads
from tiercel.plugins.aws.s3.list_objects import List
from tiercel.plugins.aws.s3.trigger import Trigger as S3Trigger
from tiercel.plugins.aws.s3.upload import Upload
from tiercel.plugins.aws.sqs.consume import Consume
from tiercel.plugins.aws.sqs.publish import Publish
from tiercel.plugins.aws.sqs.trigger import Trigger as SqsTrigger
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    Copy,
    CreateBucket,
    Delete,
    DeleteList,
    Download,
    Downloads,
    List,
    S3Trigger,
    Upload,
    Consume,
    Publish,
    SqsTrigger,
    DeleteItem,
    GetItem,
    PutItem,
    Query,
    Scan,
]
